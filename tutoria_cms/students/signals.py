"""Link a student account when an address is confirmed or when the student signs in."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.contrib import messages
from django.dispatch import receiver

from . import linking
from .linking import NOT_LINKED


def _say_not_linked(request):
    if request is not None and hasattr(request, "_messages"):
        messages.warning(request, NOT_LINKED)


@receiver(email_confirmed, dispatch_uid="tutoria_students_email_confirmed")
def link_on_confirmation(sender, request, email_address, **kwargs):
    site = linking.site_for(request)
    if linking.link_by_verified_email(email_address.user, site) is None:
        _say_not_linked(request)


@receiver(user_logged_in, dispatch_uid="tutoria_students_logged_in")
def link_on_sign_in(sender, request, user, **kwargs):
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        linking.link_by_sso(user, sociallogin, request)
    # A record imported after the account was made, with one of its verified addresses.
    linking.link_by_verified_email(user, linking.site_for(request))
