"""What the suite serves, collected from Django's URL resolver and Wagtail's registries.

A view is "ours" when its code, or the model it is built for (Wagtail's generic views of our
viewsets and snippet viewsets, modeladmin's views of our ModelAdmins), lives in
``tutoria_cms.`` or ``sites.``. Pages, settings and bulk actions are served by Wagtail's own
URLs with our models as parameters: they are listed from the page models, the settings
registry and the bulk-action registry.
"""

import inspect
from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver

OUR_MODULES = ("tutoria_cms.", "sites.")
# The example site's document model stands in for Wagtail's (WAGTAILDOCS_DOCUMENT_MODEL): its
# views and bulk actions are Wagtail's documents' (tests/security/test_private_documents.py).
NOT_OURS = ("sites.documents.",)


def ours(module):
    return bool(module) and module.startswith(OUR_MODULES) and not module.startswith(NOT_OURS)


@dataclass(frozen=True)
class View:
    name: str
    route: str
    callback: object
    view_class: type | None
    module: str
    model_module: str

    @property
    def is_ours(self):
        return ours(self.module) or ours(self.model_module)

    @property
    def is_function(self):
        """No class-based view behind it: the methods it accepts must be declared."""
        return self.view_class is None

    @property
    def accepts_post(self):
        view_class = self.view_class
        if view_class is None:
            return None
        methods = getattr(view_class, "http_method_names", ())
        return "post" in methods and callable(getattr(view_class, "post", None))

    @property
    def post_only(self):
        view_class = self.view_class
        if view_class is None:
            return False
        methods = getattr(view_class, "http_method_names", ())
        return "get" not in methods or not callable(getattr(view_class, "get", None))


def _describe(callback):
    """(view class or None, module of the code, module of the model it serves)."""
    callback = inspect.unwrap(callback)  # admin URLs are wrapped by require_admin_access
    view_class = getattr(callback, "view_class", None)
    initkwargs = getattr(callback, "view_initkwargs", {}) or {}
    model = initkwargs.get("model")
    if inspect.ismethod(callback):
        # wagtail-modeladmin: a bound method of a ModelAdmin building ``<name>_class``.
        owner = callback.__self__
        model = getattr(owner, "model", None)
        if ours(callback.__func__.__module__):
            return None, callback.__func__.__module__, getattr(model, "__module__", "")
        view_class = getattr(owner, f"{callback.__name__}_class", None)
        module = type(owner).__module__
        return view_class, module, getattr(model, "__module__", "")
    code = view_class or callback
    module = getattr(code, "__module__", "") or ""
    return view_class, module, getattr(model, "__module__", "") if model else ""


def _walk(patterns, namespace="", route=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            view_class, module, model_module = _describe(pattern.callback)
            yield View(
                name=f"{namespace}{pattern.name}",
                route=route + str(pattern.pattern),
                callback=pattern.callback,
                view_class=view_class,
                module=module,
                model_module=model_module,
            )


@cache
def resolver_views():
    """Every named URL pattern of the project, by name."""
    views = {}
    for view in _walk(get_resolver().url_patterns):
        views.setdefault(view.name, view)
    return views


@cache
def our_views():
    return {name: view for name, view in resolver_views().items() if view.is_ours}


def our_page_models():
    from wagtail.models import get_page_models

    return sorted(
        (model for model in get_page_models() if ours(model.__module__)),
        key=lambda model: model._meta.label,
    )


def our_settings_models():
    from wagtail.contrib.settings.registry import registry

    return sorted(
        (model for model in registry if ours(model.__module__)),
        key=lambda model: model._meta.label,
    )


def our_bulk_actions():
    """(app_label, model_name, action_type, action class) of bulk actions on our models."""
    from django.apps import apps
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    bulk_action_registry._scan_for_bulk_actions()
    found = []
    for app_label, models in bulk_action_registry.actions.items():
        for model_name, actions in models.items():
            model = apps.get_model(app_label, model_name)
            if not ours(model.__module__):
                continue
            for action_type, action_class in actions.items():
                found.append((app_label, model_name, action_type, action_class))
    return sorted(found, key=lambda row: row[:3])
