"""Permissions shared by the apps of the suite."""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

SUITE_APP_LABEL_PREFIX = "tutoria_"


def suite_custom_permissions():
    """``(model, codename)`` for every custom permission (``Meta.permissions``) declared by
    a model of an installed app of the suite."""
    return [
        (model, codename)
        for config in apps.get_app_configs()
        if config.label.startswith(SUITE_APP_LABEL_PREFIX)
        for model in config.get_models()
        for codename, _name in model._meta.permissions
    ]


def custom_permissions():
    """The suite's custom permissions as a ``Permission`` queryset (one query)."""
    wanted = suite_custom_permissions()
    if not wanted:
        return Permission.objects.none()
    content_types = ContentType.objects.get_for_models(*{model for model, _ in wanted})
    condition = Q()
    for model, codename in wanted:
        condition |= Q(content_type=content_types[model], codename=codename)
    return Permission.objects.filter(condition)
