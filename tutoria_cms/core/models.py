"""Which page classes the suite's pages are: its default concrete pages, or a site's own.

Wagtail 8 lets a site replace its base page (``WAGTAIL_PAGE_MODEL``). The suite's pages are
abstract mixins (``TutoringProgrammePageMixin``...) plus default concrete pages built on
``wagtailcore.Page`` (``TutoringProgrammePage``...), the way Wagtail's contrib forms ships
``FormMixin`` and ``AbstractForm``. Each default concrete page is swappable, the ``swapper``
way (as Wagtail's own ``Page`` is): the setting ``<APP_LABEL>_<MODEL>_MODEL`` names the page
class the suite uses instead, for example::

    WAGTAIL_PAGE_MODEL = "mysite.BasePage"
    TUTORIA_PROGRAMMES_TUTORINGPROGRAMMEPAGE_MODEL = "mysite.ProgrammePage"

A swapped-out default page has no table, no system checks and is not offered in the admin.
With the site's own base page every default page is swapped out (it is built on
``wagtailcore.Page``, which no longer exists): for the page its setting names or, when it names
none, for :data:`NO_PAGE_MODEL`, and the suite then asks for that page only where it needs it
(:func:`get_page_model_for` says which setting to give). Existing installs keep their default
pages, tables and migrations unchanged.

The same module declares the institution scope every operational record lives in
(:class:`InstitutionMembership`, :class:`InstitutionScopedModel`); the rules that use them are
in :mod:`tutoria_cms.core.institutions`.
"""

import contextlib
import datetime
import hashlib
import secrets

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.coreutils import camelcase_to_underscore
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string

from . import theme

# key -> (app label, default concrete page, the mixin a site's page is built on)
PAGE_MODELS = {
    "programme_index": (
        "tutoria_programmes",
        "ProgrammeIndexPage",
        "tutoria_cms.programmes.models.ProgrammeIndexPageMixin",
    ),
    "programme": (
        "tutoria_programmes",
        "TutoringProgrammePage",
        "tutoria_cms.programmes.models.TutoringProgrammePageMixin",
    ),
    "workshop": (
        "tutoria_workshops",
        "GroupWorkshopPage",
        "tutoria_cms.workshops.models.GroupWorkshopPageMixin",
    ),
    "tutor_index": (
        "tutoria_tutors",
        "TutorIndexPage",
        "tutoria_cms.tutors.models.TutorIndexPageMixin",
    ),
    "tutor_profile": (
        "tutoria_tutors",
        "TutorProfilePage",
        "tutoria_cms.tutors.models.TutorProfilePageMixin",
    ),
    "workshop_calendar": (
        "tutoria_workshops",
        "WorkshopCalendarPage",
        "tutoria_cms.workshops.models.WorkshopCalendarPageMixin",
    ),
    "partnership_index": (
        "tutoria_partnerships",
        "PartnershipIndexPage",
        "tutoria_cms.partnerships.models.PartnershipIndexPageMixin",
    ),
    "student_area": (
        "tutoria_students",
        "StudentAreaPage",
        "tutoria_cms.students.models.StudentAreaPageMixin",
    ),
}

# What a default page is swapped for when the site has its own base page and names no page of
# its own for it (a model label that exists nowhere: the default page is simply left out).
NO_PAGE_MODEL = "tutoria_core.NoPageModel"


def _entry(key):
    try:
        return PAGE_MODELS[key]
    except KeyError:
        raise ImproperlyConfigured(
            f"Unknown tutoria-cms page {key!r}; the pages are: {', '.join(PAGE_MODELS)}."
        ) from None


def base_page_is_swapped():
    """Whether the site has its own base page (``WAGTAIL_PAGE_MODEL``)."""
    name = getattr(settings, "WAGTAIL_PAGE_MODEL", None)
    return bool(name) and name.lower() != "wagtailcore.page"


def page_model_setting(key):
    """The name of the setting that swaps the default page ``key``, as swapper names it."""
    app_label, model_name, _mixin = _entry(key)
    return f"{app_label}_{model_name}_MODEL".upper()


def swappable_page_setting(key):
    """``Meta.swappable`` of the default concrete page ``key``.

    With the site's own base page and no setting, the default page is swapped for
    :data:`NO_PAGE_MODEL` (it cannot exist on a base page that is not its own).
    """
    name = page_model_setting(key)
    if getattr(settings, name, None) is None and base_page_is_swapped():
        setattr(settings, name, NO_PAGE_MODEL)
    return name


def get_page_model_name_for(key):
    """``"app_label.Model"`` of the page class the suite uses for ``key``.

    Usable at import time (``subpage_types``, ``parent_page_types``, page choosers), in any
    order of the apps: :data:`NO_PAGE_MODEL` when the site has its own base page and names no
    page for ``key``.
    """
    app_label, model_name, _mixin = _entry(key)
    name = getattr(settings, page_model_setting(key), None)
    if name:
        return name
    return NO_PAGE_MODEL if base_page_is_swapped() else f"{app_label}.{model_name}"


def get_page_model_for(key, required=True):
    """The page class the suite uses for ``key`` (``"programme"``, ``"workshop"``...).

    The default concrete page, or the site's page its setting names. When there is none (its
    app is not installed, or the site has its own base page and names no page for it), raises
    ``ImproperlyConfigured`` saying what to set, or returns ``None`` if not ``required``.
    """
    app_label, model_name, mixin = _entry(key)
    name = get_page_model_name_for(key)
    model = None
    if name != NO_PAGE_MODEL:
        try:
            model = apps.get_model(name)
        except (LookupError, ValueError):
            model = None
    if model is None and required:
        setting = page_model_setting(key)
        if name == NO_PAGE_MODEL:
            problem = "the site has its own base page (WAGTAIL_PAGE_MODEL) and names none"
        else:
            problem = f"{name!r} is not an installed model"
        raise ImproperlyConfigured(
            f"tutoria-cms has no {key.replace('_', ' ')} page: {problem}. Set {setting} to the "
            f'site\'s page class built on {mixin} ("app_label.ModelName").'
        )
    return model


def leave_out_if_swapped(page_class):
    """Class decorator of a default concrete page: once swapped out, Wagtail forgets it.

    Wagtail lists every concrete page class built on ``wagtailcore.Page`` as a page type; a
    swapped-out page has no table, so it must not be offered (nor checked) as one.
    """
    if page_class._meta.swapped:
        from wagtail.models import pages

        page_class.is_creatable = False
        if page_class in pages.PAGE_MODEL_CLASSES:
            pages.PAGE_MODEL_CLASSES.remove(page_class)
    return page_class


def derived_template_name(page_class):
    """The template Wagtail gives a page class that names none (``app_label/class_name.html``)."""
    return f"{page_class._meta.app_label}/{camelcase_to_underscore(page_class.__name__)}.html"


class SuiteTemplateMixin:
    """Renders a page built on a suite mixin with the suite's template by default.

    Wagtail gives a page class that sets no ``template`` the name ``myapp/programme_page.html``;
    a site's page built on a mixin renders that template when the site has one, and the
    suite's (``suite_template``) otherwise. A class that sets ``template`` renders it.
    """

    suite_template = None

    def get_template(self, request, *args, **kwargs):
        template = super().get_template(request, *args, **kwargs)
        if self.suite_template and template == derived_template_name(type(self)):
            return [template, self.suite_template]
        return template


# Institutions -------------------------------------------------------------------------------
# An institution is a Wagtail Site: each university of an install is served, and its records
# are managed, under its own Site. See tutoria_cms.core.institutions for the rules.


class InstitutionMembership(models.Model):
    """A member of staff of one institution, with the roles they hold there.

    The roles are the person's groups (Settings › Users) that apply in this institution; an
    empty choice means all of them. A person may belong to several institutions with other
    roles in each. Superusers need no membership: they reach every institution.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tutoria_memberships",
        verbose_name=_("person"),
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="tutoria_memberships",
        verbose_name=_("institution"),
    )
    roles = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="+",
        verbose_name=_("roles here"),
        help_text=_(
            "The person's roles that apply in this institution. Leave empty for all of them."
        ),
    )

    class Meta:
        verbose_name = _("institution membership")
        verbose_name_plural = _("institution memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="tutoria_one_membership_per_site")
        ]
        ordering = ["site__site_name", "site__hostname", "user__username"]

    def __str__(self):
        from .institutions import institution_name

        person = self.user.get_full_name() or self.user.get_username()
        return f"{person} · {institution_name(self.site)}"


class InstitutionCollection(models.Model):
    """A collection of one institution's restricted documents (``core.documents``).

    Each institution has a collection named after it (``purpose`` empty) and, inside it, one
    per purpose ("Tutors' evidence", "Agreements' documents"), with a view restriction by role;
    this row ties a collection to its institution, so that downloads and listings check the
    person's roles *in that institution*.
    """

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("institution"),
    )
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("collection"),
    )

    class Meta:
        verbose_name = _("institution's document collection")
        verbose_name_plural = _("institutions' document collections")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "purpose"], name="tutoria_one_collection_per_purpose"
            )
        ]

    def __str__(self):
        from .institutions import institution_name

        return f"{institution_name(self.site)} · {self.collection.name}"


class InstitutionScopedModel(models.Model):
    """An operational record that belongs to one institution (the Site it is managed under).

    ``institution_parent``: the name of a foreign key whose record gives this one its
    institution when none is set (a session takes its request's); ``None`` when the record is
    placed by the code that creates it.
    """

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institution"),
    )

    institution_parent = None
    # The name of a foreign key to a page whose site places the record when it has no parent
    # (a student group of a programme page); ``None`` when there is none.
    institution_page = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.site_id is None:
            self.site_id = self.implied_site_id()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # A record validated before it is saved (full_clean) takes its implied institution
        # first, when there is one to take (else the missing site is a validation error).
        if self.site_id is None:
            with contextlib.suppress(ValueError):
                self.site_id = self.implied_site_id()
        super().clean_fields(exclude=exclude)

    def implied_site_id(self):
        """The institution of a record saved without one: its parent's, else the only Site of
        a single-institution install (a record with ``institution_page``: that page's site
        first). With several institutions and no parent the code that
        creates the record must place it (nothing is placed by guess)."""
        if self.institution_parent:
            parent = getattr(self, self.institution_parent, None)
            if parent is not None:
                return parent.site_id
        if self.institution_page:
            page = getattr(self, self.institution_page, None)
            site = page.get_site() if page is not None else None
            if site is not None:
                return site.pk
        from .institutions import only_site_id

        site_id = only_site_id()
        if site_id is None:
            raise ValueError(
                f"{type(self).__name__} needs its institution (site): this install serves "
                "several institutions and nothing placed the record in one."
            )
        return site_id


class InstitutionGroup(models.Model):
    """The group through which the people who hold a page-holding role in one institution
    hold that role's page permissions there ("Communications · Universidad de Ejemplo").

    Managed by the suite (:mod:`tutoria_cms.core.institution_groups`): created with the Site,
    given its page permissions on that Site's pages only, and its members kept in sync with
    the role groups and the institution memberships. Nobody edits it by hand.
    """

    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="tutoria_groups",
        verbose_name=_("institution"),
    )
    role = models.ForeignKey(
        "auth.Group", on_delete=models.CASCADE, related_name="+", verbose_name=_("role")
    )
    group = models.OneToOneField(
        "auth.Group",
        on_delete=models.CASCADE,
        related_name="tutoria_institution_group",
        verbose_name=pgettext_lazy("user group", "group"),
    )

    class Meta:
        verbose_name = _("institution group")
        verbose_name_plural = _("institution groups")
        constraints = [
            models.UniqueConstraint(fields=["site", "role"], name="tutoria_one_group_per_role")
        ]

    def __str__(self):
        return self.group.name


class InstitutionWorkflow(models.Model):
    """The content moderation workflow of one institution: its Site's root page is under it,
    and its one task is approved by that institution's moderators group (managed by
    :mod:`tutoria_cms.core.institution_groups`)."""

    site = models.OneToOneField(
        "wagtailcore.Site",
        on_delete=models.CASCADE,
        related_name="tutoria_workflow",
        verbose_name=_("institution"),
    )
    workflow = models.OneToOneField(
        "wagtailcore.Workflow",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("workflow"),
    )

    class Meta:
        verbose_name = _("institution workflow")
        verbose_name_plural = _("institution workflows")

    def __str__(self):
        return self.workflow.name


# Calendar feeds -----------------------------------------------------------------------------

# What a secret in a feed's address may look like (secrets.token_urlsafe(32): 43 characters).
CALENDAR_TOKEN_MAX_LENGTH = 64


def hash_calendar_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedTokenManager(models.Manager):
    def issue(self, user):
        """A new token for ``user``: their active one (if any) is revoked. Returns
        ``(feed_token, secret)``; the secret itself is not stored (only its SHA-256), so it
        is shown once, when it is made."""
        secret = secrets.token_urlsafe(32)
        with transaction.atomic():
            self.revoke(user)
            feed_token = self.create(user=user, token_hash=hash_calendar_token(secret))
        return feed_token, secret

    def revoke(self, user):
        return self.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())

    def active_for(self, user):
        return self.filter(user=user, revoked_at__isnull=True).first()

    def for_token(self, secret):
        """The active token of an active account that ``secret`` is, or None.

        Looked up by the SHA-256 of what was presented (the time the database takes says
        nothing about the secret), then compared in constant time."""
        if not isinstance(secret, str) or not secret or len(secret) > CALENDAR_TOKEN_MAX_LENGTH:
            return None
        digest = hash_calendar_token(secret)
        feed_token = (
            self.select_related("user")
            .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if feed_token is None or not secrets.compare_digest(feed_token.token_hash, digest):
            return None
        return feed_token


class CalendarFeedToken(models.Model):
    """The secret of a person's private calendar feed (``/calendar/<secret>.ics``).

    Any account may have one (a tutor from the admin, a student from their area). One active
    token per person: a new one revokes the old. Only the SHA-256 of the secret is stored.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed_tokens",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = CalendarFeedTokenManager()

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="tutoria_one_active_calendar_feed_per_user",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"

    @property
    def is_active(self):
        return self.revoked_at is None

    def mark_used(self):
        """Notes when the feed was last read (at most once a minute: calendar services poll)."""
        now = timezone.now()
        if self.last_used_at and now - self.last_used_at < datetime.timedelta(minutes=1):
            return
        type(self).objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now


# The institution's public identity -----------------------------------------------------------


@register_setting(icon="site")
class InstitutionSettings(BaseSiteSetting):
    """What a site says about its institution: contact, data controller and privacy notice.

    The privacy notice is shown on the public site and accepted by students before they file
    a request; its ``privacy_notice_version`` goes up by one each time its text changes, and
    the history keeps every version's text, so that what a student accepted can be read back.
    """

    contact = models.TextField(
        _("contact"),
        blank=True,
        help_text=_("Address, telephone and e-mail of the tutoring programme, one per line."),
    )
    data_controller = models.CharField(
        _("data controller"),
        max_length=255,
        blank=True,
        help_text=_("Who is responsible for the personal data (name and address)."),
    )
    privacy_notice = RichTextField(
        _("privacy notice"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul", "h3"],
        help_text=_(
            "Shown to students before they file a request. Changing it makes a new version: "
            "requests keep the version their student accepted."
        ),
    )
    privacy_notice_version = models.PositiveIntegerField(
        _("privacy notice version"), default=0, editable=False
    )
    # The default theme (sites/templates/base.html): logo and colours (core/theme.py).
    logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the header of every public page, with the institution's name."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=theme.DEFAULT_PRIMARY,
        validators=[theme.validate_colour],
        help_text=_(
            "Header, buttons and footer, under white text: #rrggbb, dark enough for a "
            "contrast of 4.5:1 with white."
        ),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=theme.DEFAULT_ACCENT,
        validators=[theme.validate_colour],
        help_text=_(
            "Links and highlights on a white page: #rrggbb, dark enough for a contrast of "
            "4.5:1 with white."
        ),
    )

    history = HistoricalRecords()

    panels = [
        FieldPanel("contact"),
        FieldPanel("data_controller"),
        FieldPanel("privacy_notice"),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")]),
            ],
            heading=_("Appearance of the public site"),
        ),
    ]

    class Meta:
        verbose_name = _("institution")

    @classmethod
    def get_permission_policy(cls):
        """Wagtail's site policy, within the institutions where the person holds it."""
        from .institutions import InstitutionSitePermissionPolicy

        return InstitutionSitePermissionPolicy(cls)

    def save(self, *args, **kwargs):
        """A changed (non-empty) notice is a new version."""
        previous = ""
        if self.pk:
            previous = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("privacy_notice", flat=True)
                .first()
                or ""
            )
        if self.privacy_notice.strip() and self.privacy_notice != previous:
            self.privacy_notice_version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "privacy_notice_version"}
        super().save(*args, **kwargs)

    def privacy_notice_text(self, version):
        """The notice's text as it was at ``version`` (``""`` when unknown)."""
        if version == self.privacy_notice_version:
            return self.privacy_notice
        entry = self.history.filter(privacy_notice_version=version).order_by("history_date").last()
        return entry.privacy_notice if entry else ""
