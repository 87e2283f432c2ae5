"""Wiring of the core app into Wagtail's admin."""

from wagtail import hooks

from .permissions import custom_permissions


@hooks.register("register_permissions")
def register_custom_permissions():
    """Offer the suite's own permissions (``Meta.permissions`` of every model of a
    ``tutoria_*`` app) in Settings › Groups: Wagtail's group editor lists only permissions
    registered with this hook, so without it they could be granted only from the shell."""
    return custom_permissions()
