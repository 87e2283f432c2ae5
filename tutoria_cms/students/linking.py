"""How a sign-in account becomes a student's: the only two ways.

(a) A verified e-mail address of the account equals (case-insensitive) the institutional
    e-mail of exactly one student record of the institution (Wagtail Site) serving the
    request.
(b) The institution's single sign-on (OpenID Connect) asserts a claim, configured per
    provider (``student_claim``: ``student_number`` or ``email``), that matches exactly one
    record of the institution the provider is configured for (``hostname``).

Never from a number the student types: no form of this app asks for one. A record already
linked to another account, or an address shared by two records, links nothing.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from tutoria_cms.academics.models import StudentRecord

from .models import LinkMethod, StudentAccount

NOT_LINKED = _(
    "No student record of this institution has this address; use your institutional e-mail"
)


def site_for(request):
    if request is None:
        return None
    try:
        return Site.find_for_request(request)
    except LookupError:
        return None


def account_of(user):
    try:
        return user.student_account
    except StudentAccount.DoesNotExist:
        return None


def _unique_unlinked(records):
    records = list(records.filter(student_account__isnull=True)[:2])
    return records[0] if len(records) == 1 else None


def _link(user, record, method, evidence):
    try:
        with transaction.atomic():
            return StudentAccount.objects.create(
                user=user, record=record, method=method, evidence=evidence[:255]
            )
    except IntegrityError:  # linked meanwhile (the other side of the one-to-one)
        return None


def link_by_verified_email(user, site):
    """Link ``user`` to the record of ``site`` whose e-mail is one of its VERIFIED addresses."""
    from allauth.account.models import EmailAddress

    existing = account_of(user)
    if existing is not None or site is None:
        return existing
    for address in EmailAddress.objects.filter(user=user, verified=True).order_by("-primary"):
        records = StudentRecord.objects.filter(site=site, email__iexact=address.email.strip())
        # Two records with one address: ambiguous, nothing is linked.
        if records.count() != 1:
            continue
        record = _unique_unlinked(records)
        if record is not None:
            return _link(user, record, LinkMethod.VERIFIED_EMAIL, address.email)
    return None


def claims_of(sociallogin, app=None):
    data = sociallogin.account.extra_data or {}
    if app is not None and app.provider == "saml":
        return saml_claims(data, (app.settings or {}).get("attribute_mapping", {}))
    claims = {}
    # allauth keeps the ID token's claims and the userinfo answer; userinfo wins.
    for part in ("id_token", "userinfo"):
        if isinstance(data.get(part), dict):
            claims.update(data[part])
    return claims or data


def saml_claims(attributes, mapping):
    """The claims a SAML assertion carries: for each name of ``mapping`` (sso.py), the first
    value of the first of its attributes present (allauth keeps every attribute's values)."""
    claims = {}
    for claim, names in mapping.items():
        for name in [names] if isinstance(names, str) else names:
            values = attributes.get(name)
            if isinstance(values, list | tuple) and values:
                claims[claim] = values[0]
                break
    return claims


def sso_site(app, request):
    """The institution an SSO app signs in to: its ``hostname`` setting, which must be the
    site serving the request."""
    site = site_for(request)
    hostname = (app.settings or {}).get("hostname")
    if site is None or not hostname or site.hostname != hostname:
        return None
    return site


def link_by_sso(user, sociallogin, request):
    """Link ``user`` through the claim its institution's provider asserts."""
    existing = account_of(user)
    if existing is not None:
        return existing
    from allauth.socialaccount.models import SocialApp

    try:
        app = sociallogin.account.get_provider(request).app
    except (SocialApp.DoesNotExist, SocialApp.MultipleObjectsReturned):
        return None  # not a provider of the site serving the request (adapters.py)
    site = sso_site(app, request)
    if site is None:
        return None
    claims = claims_of(sociallogin, app)
    claim = (app.settings or {}).get("student_claim", "student_number")
    value = claims.get(claim)
    if not isinstance(value, str | int) or not str(value).strip():
        return None
    value = str(value).strip()
    if claim == "email":
        if str(claims.get("email_verified")).lower() != "true":
            return None
        records = StudentRecord.objects.filter(site=site, email__iexact=value)
    else:
        records = StudentRecord.objects.filter(site=site, student_number=value)
    if records.count() != 1:
        return None
    record = _unique_unlinked(records)
    if record is None:
        return None
    evidence = f"{app.provider_id or app.client_id or app.provider}:{sociallogin.account.uid}"
    return _link(user, record, LinkMethod.SSO, evidence)
