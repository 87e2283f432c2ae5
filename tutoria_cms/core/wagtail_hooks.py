"""Wiring only: the suite's custom permissions in Settings › Groups, the work-queue panel
every app contributes items to, and the communications team's items (pages in moderation,
own drafts)."""

from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.staticfiles import versioned_static

from .dashboard import WORK_QUEUE_HOOK, WorkQueuePanel
from .permissions import custom_permissions

CSP_INIT_JS = "tutoria_cms/core/js/csp-init.js"


@hooks.register("register_permissions")
def register_custom_permissions():
    """Offer the suite's own permissions (``Meta.permissions`` of every model of a
    ``tutoria_*`` app) in Settings › Groups: Wagtail's group editor lists only permissions
    registered with this hook, so without it they could be granted only from the shell."""
    return custom_permissions()


@hooks.register("register_admin_viewset")
def register_institution_memberships():
    from .viewsets import InstitutionMembershipViewSet

    return InstitutionMembershipViewSet()


@hooks.register("construct_homepage_panels")
def add_work_queue_panel(request, panels):
    panels.append(WorkQueuePanel(request))


@hooks.register(WORK_QUEUE_HOOK)
def communications_work_items(request):
    from .work import communications_items

    return communications_items(request.user)


@hooks.register("construct_document_chooser_queryset")
def only_visible_documents_in_chooser(documents, request):
    """The chooser lists only the documents the person may see (core.documents)."""
    from .documents import visible_documents

    return visible_documents(documents, request.user)


@hooks.register("before_serve_document")
def documents_of_their_institution(document, request):
    """A restricted document is downloaded only by a person holding one of its collection's
    roles in the document's institution (core.documents); Wagtail's own check of the
    collection's view restriction applies too."""
    from django.core.exceptions import PermissionDenied
    from wagtail.wagtail_hooks import require_wagtail_login

    from .documents import may_download

    if may_download(request.user, document):
        return None
    if not request.user.is_authenticated:
        return require_wagtail_login(next=request.get_full_path())
    raise PermissionDenied


@hooks.register("construct_admin_api", order=100)  # after wagtail.documents registers its own
def only_visible_documents_in_admin_api(router):
    from .documents import DocumentsAdminAPIViewSet

    router.register_endpoint("documents", DocumentsAdminAPIViewSet)


@hooks.register("insert_global_admin_js")
def csp_init_js():
    """Runs what Wagtail's inline scripts did (inline panels, date pickers) from a static file:
    the admin then works under a Content-Security-Policy without 'unsafe-inline' scripts."""
    return format_html('<script src="{}"></script>', versioned_static(CSP_INIT_JS))


@hooks.register("register_admin_viewset")
def register_login_lockouts():
    """Settings › Login lockouts (django-axes), for superusers: when axes is installed."""
    from django.apps import apps

    if not apps.is_installed("axes"):
        return None
    from .lockouts import LockoutViewSet

    return LockoutViewSet()


def _two_factor_installed():
    from django.apps import apps

    return apps.is_installed("django_otp.plugins.otp_totp")


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    """Two-step verification: the account's page and the code page of signing in."""
    if not _two_factor_installed():
        return []
    from .two_factor import urlpatterns

    return urlpatterns()


@hooks.register("register_admin_viewset")
def register_two_factor_devices():
    """Settings › Two-step verification: superusers turn it off for someone who lost their
    phone."""
    if not _two_factor_installed():
        return None
    from .two_factor_admin import TwoFactorViewSet

    return TwoFactorViewSet()


@hooks.register("register_log_actions")
def register_sign_in_log_actions(actions):
    from django.utils.translation import gettext_lazy as _

    from .lockouts import UNLOCKED_ACTION
    from .two_factor_admin import TURNED_OFF_ACTION

    actions.register_action(
        UNLOCKED_ACTION, _("Unlock sign-in"), _("Sign-in lockout lifted by a superuser")
    )
    actions.register_action(
        TURNED_OFF_ACTION,
        _("Turn off two-step verification"),
        _("Two-step verification turned off by a superuser"),
    )


@hooks.register("register_account_menu_item")
def two_factor_account_menu_item(request):
    """Account › More actions › Two-step verification."""
    if not _two_factor_installed():
        return None
    from .two_factor import account_menu_item

    return account_menu_item(request)


@hooks.register("register_admin_urls")
def register_calendar_feed_urls():
    """The account's private calendar feed: create, copy the address, revoke."""
    from .calendar import admin_urlpatterns

    return admin_urlpatterns()


@hooks.register("register_account_menu_item")
def calendar_feed_account_menu_item(request):
    """Account › More actions › Calendar feed."""
    from .calendar import account_menu_item

    return account_menu_item(request)
