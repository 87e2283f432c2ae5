"""Two-step verification (django-otp, TOTP): a code from an authenticator app after the
password.

- Every member of staff can turn it on from their account (Account › More actions › Two-step
  verification): a QR code and the secret as text, confirmed with a first code; and off again
  (with a current code).
- Signing in with the password of an account that has it leaves the session *pending*
  (``PENDING``): the admin answers only the code page (``verify``) until a code is given; the
  public site and documents treat the person as signed out meanwhile.
- ``TUTORIA_CMS["REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL"]``: holders of a role that reads
  confidential details (``roles.CONFIDENTIAL_ROLES``), and superusers (who unlock sign-ins and
  turn off others' verification), without it are sent to set it up before anything else in
  the admin.
- Settings › Two-step verification (superusers): who has it on, and "Turn off" for someone
  who lost their phone (recorded in Wagtail's audit log).

Wrong codes are throttled by django-otp (each failure doubles the wait before the next try).
"""

import base64
import functools

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, Resolver404, path, resolve, reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .conf import tutoria_settings
from .roles import CONFIDENTIAL_ROLES, INSTITUTION_SEPARATOR
from .views import safe_next

# Set in the session by a password sign-in of an account with a confirmed device; removed
# when a code is given.
PENDING = "tutoria_two_factor_pending"
VERIFY_URL_NAME = "tutoria_two_factor_verify"
SETUP_URL_NAME = "tutoria_two_factor"
# What a pending session may still open in the admin.
PENDING_ALLOWED = {
    VERIFY_URL_NAME,
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}
# What someone who must set it up may still open.
SETUP_ALLOWED = PENDING_ALLOWED | {SETUP_URL_NAME}


def device_model():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice


def confirmed_device(user):
    """The person's confirmed authenticator (TOTP device), or None."""
    if user is None or not user.is_authenticated:
        return None
    return device_model().objects.filter(user=user, confirmed=True).order_by("pk").first()


def reads_confidential(user):
    """Whether ``user`` holds a role that reads confidential details (in any institution)."""
    if not user.is_authenticated or not user.is_active:
        return False
    names = user.groups.values_list("name", flat=True)
    return any(
        name in CONFIDENTIAL_ROLES or name.partition(INSTITUTION_SEPARATOR)[0] in CONFIDENTIAL_ROLES
        for name in names
    )


def is_active_superuser(user):
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def must_set_up(user):
    """Two-step verification is required of ``user`` and they have not set it up."""
    return (
        bool(tutoria_settings.REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL)
        and (reads_confidential(user) or is_active_superuser(user))
        and confirmed_device(user) is None
    )


def is_verified(user):
    check = getattr(user, "is_verified", None)
    return bool(check and check())


@receiver(user_logged_in, dispatch_uid="tutoria_two_factor_pending")
def ask_for_the_code(sender, request, user, **kwargs):
    """After the password: an account with an authenticator must still give a code."""
    if request is None or not hasattr(request, "session"):
        return
    from django_otp import DEVICE_ID_SESSION_KEY

    # Every sign-in asks again (a verification does not outlive the password sign-in).
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if confirmed_device(user) is not None:
        request.session[PENDING] = True
    else:
        request.session.pop(PENDING, None)


@functools.cache
def _admin_prefix():
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None


def _url_name(request):
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _to(url_name, request):
    return HttpResponseRedirect(
        f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"
    )


class TwoFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: holds a pending session at the code page,
    and sends whoever must set up two-step verification to do so first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        prefix = _admin_prefix()
        in_admin = bool(prefix) and request.path_info.startswith(prefix)
        if request.session.get(PENDING):
            if is_verified(user):
                request.session.pop(PENDING, None)
                return None
            if not in_admin:
                # The public site and documents: signed out until the code is given.
                request.user = AnonymousUser()
                return None
            if _url_name(request) in PENDING_ALLOWED:
                return None
            return _to(VERIFY_URL_NAME, request)
        if (
            in_admin
            and tutoria_settings.REQUIRE_TWO_FACTOR_FOR_CONFIDENTIAL
            and not is_verified(user)
            and _url_name(request) not in SETUP_ALLOWED
            and must_set_up(user)
        ):
            return _to(SETUP_URL_NAME, request)
        return None


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError(
                gettext("That code is not valid. Wait for a new code in your app and try again.")
            )
        return code


class VerifyView(FormView):
    """The second step of signing in: the code (in Wagtail's sign-in chrome)."""

    template_name = "tutoria_cms/core/logins/verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        self.home = reverse("wagtailadmin_home")
        if not request.session.get(PENDING):
            return redirect(safe_next(request, self.home))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["device"] = confirmed_device(self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next"] = safe_next(self.request, self.home)
        return context

    def form_valid(self, form):
        from django_otp import login as otp_login

        otp_login(self.request, form.device)
        self.request.session.pop(PENDING, None)
        return redirect(safe_next(self.request, self.home))


def secret_text(device):
    """The secret as typed into an app by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The device's otpauth:// URL as an inline SVG QR code (no image library needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    # The XML declaration is not wanted inside HTML. The SVG is ours: made from the URL.
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308


class SetupView(WagtailAdminTemplateMixin, FormView):
    """Account › Two-step verification: turn it on (QR code, secret, first code) or off."""

    template_name = "tutoria_cms/core/logins/two_factor.html"
    form_class = CodeForm
    page_title = _("Two-step verification")
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        self.device = confirmed_device(request.user)
        if self.device is None:
            self.new_device = self.unconfirmed_device()
        return super().dispatch(request, *args, **kwargs)

    def unconfirmed_device(self):
        Device = device_model()
        device = Device.objects.filter(user=self.request.user, confirmed=False).first()
        if device is None:
            device = Device.objects.create(
                user=self.request.user, name=gettext("Authenticator app"), confirmed=False
            )
        return device

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["device"] = self.device or self.new_device
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["device"] = self.device
        context["required"] = self.device is None and must_set_up(self.request.user)
        context["next"] = safe_next(self.request, "")
        if self.device is None:
            context["qr_svg"] = qr_svg(self.new_device)
            context["secret"] = secret_text(self.new_device)
        return context

    def form_valid(self, form):
        from django_otp import login as otp_login
        from wagtail.admin import messages

        if self.device is not None:  # turning it off, with a current code
            device_model().objects.filter(user=self.request.user).delete()
            self.request.session.pop(PENDING, None)
            messages.success(self.request, gettext("Two-step verification is off."))
            return redirect(SETUP_URL_NAME)
        device = self.new_device
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        device_model().objects.filter(user=self.request.user).exclude(pk=device.pk).delete()
        otp_login(self.request, device)
        messages.success(
            self.request,
            gettext("Two-step verification is on: signing in will ask for a code from your app."),
        )
        return redirect(safe_next(self.request, reverse(SETUP_URL_NAME)))


def urlpatterns():
    return [
        path("two-factor/", SetupView.as_view(), name=SETUP_URL_NAME),
        path("two-factor/verify/", VerifyView.as_view(), name=VERIFY_URL_NAME),
    ]


def account_menu_item(request):
    return {
        "url": reverse(SETUP_URL_NAME),
        "label": gettext("Two-step verification"),
        "help_text": gettext(
            "Ask for a code from an authenticator app on your phone after your password."
        ),
    }
