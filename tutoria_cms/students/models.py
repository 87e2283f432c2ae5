"""The link between a sign-in account and one student record of one institution, and the
student area: a page communications place in the tree, with one section per installed app."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from tutoria_cms.core.models import (
    SuiteTemplateMixin,
    leave_out_if_swapped,
    swappable_page_setting,
)


class LinkMethod(models.TextChoices):
    VERIFIED_EMAIL = "verified_email", _("verified e-mail address")
    SSO = "sso", _("institutional sign-in")


class StudentAccount(models.Model):
    """One user, one student record (of one institution: the record's Site).

    Made only by ``tutoria_cms.students.linking``: from a verified e-mail address equal to the
    record's, or from a claim of the institution's single sign-on. Never from a number the
    student types.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="student_account",
        verbose_name=_("user"),
    )
    record = models.OneToOneField(
        "tutoria_academics.StudentRecord",
        on_delete=models.CASCADE,
        related_name="student_account",
        verbose_name=_("student record"),
    )
    method = models.CharField(_("linked by"), max_length=20, choices=LinkMethod.choices)
    # The verified address, or "<provider id>:<subject>" of the single sign-on.
    evidence = models.CharField(_("evidence"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    # The e-mails a student may turn off in their area (the decision notice is always sent).
    email_news = models.BooleanField(
        _("news by e-mail"),
        default=True,
        help_text=_(
            "E-mail me when a tutor is assigned to me, a tutoring session is recorded or a "
            "referral changes. Decisions on my requests are always sent."
        ),
    )

    class Meta:
        verbose_name = _("student account")
        verbose_name_plural = _("student accounts")

    def __str__(self):
        return f"{self.user} → {self.record}"

    @property
    def site(self):
        return self.record.site


# The student area ----------------------------------------------------------------------------


class StudentAreaPageMixin(SuiteTemplateMixin, RoutablePageMixin, models.Model):
    """A student's own area on their institution's site, placed in the page tree by
    communications: an overview, then one section per installed app (``area.py``), each
    under its own sub-path.

    Only a signed-in student whose record belongs to the page's institution gets past it:
    an anonymous visitor is sent to sign in (and back), anyone else is told why not. Every
    answer is private and never cached.
    """

    suite_template = "tutoria_cms/students/student_area_page.html"
    section_template = "tutoria_cms/students/area_section.html"
    refusal_template = "tutoria_cms/students/area_refused.html"

    introduction = RichTextField(_("introduction"), blank=True)

    area_panels = [FieldPanel("introduction")]
    area_search_fields = [index.SearchField("introduction")]

    class Meta:
        abstract = True

    @classmethod
    def get_subpage_urls(cls):
        from .area import sections

        urls = list(super().get_subpage_urls())
        for section in sections():
            urls.append(path(f"{section.slug}/", include(list(section.urls))))
        return tuple(urls)

    def get_sitemap_urls(self, request=None):
        """Behind the sign-in: nothing for search engines."""
        return []

    # -- who may enter ---------------------------------------------------------------------

    def student_account_for(self, request):
        """The signed-in person's student account, if its record is of this page's site."""
        from .linking import account_of

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        account = account_of(user)
        site = self.get_site()
        if account is None or site is None or account.record.site_id != site.pk:
            return None
        return account

    def refuse(self, request):
        from tutoria_cms.core.institutions import institution_name

        from .linking import NOT_LINKED, account_of

        account = account_of(request.user)
        return TemplateResponse(
            request,
            self.refusal_template,
            {
                **self.get_context(request),
                "elsewhere": institution_name(account.site) if account else None,
                "not_linked": NOT_LINKED,
            },
            status=403,
        )

    def serve(self, request, view=None, args=None, kwargs=None):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        account = self.student_account_for(request)
        if account is None:
            response = self.refuse(request)
        else:
            request.student_account = account
            request.student = account.record
            response = super().serve(request, view, args, kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def serve_preview(self, request, mode_name):
        """Editors preview the overview as it looks without a student's data."""
        return TemplateResponse(request, self.get_template(request), self.get_context(request))

    # -- rendering ---------------------------------------------------------------------------

    def section_url(self, request, name, *args):
        """The full address of a section's URL pattern ``name`` (with ``args``)."""
        return self.get_url(request) + self.reverse_subpage(name, args=list(args)).lstrip("/")

    def get_context(self, request, *args, with_summaries=True, **kwargs):
        from .area import sections

        context = super().get_context(request, *args, **kwargs)
        student = getattr(request, "student", None)
        entries = []
        base_url = self.get_url(request)
        for section in sections():
            # Only the overview shows them (each may count the student's records).
            wanted = with_summaries and student and section.summary
            summary = section.summary(request) if wanted else None
            entries.append(
                {
                    "section": section,
                    "url": f"{base_url}{section.slug}/",
                    "summary": summary,
                }
            )
        context["area_sections"] = entries
        context["student"] = student
        context["robots"] = "noindex"
        return context

    def render_section(self, request, slug, template, context=None, status=200):
        """A section's page, inside the area's navigation (``slug``: the active section)."""
        base = self.get_context(request, with_summaries=False)
        base["active_section"] = slug
        base.update(context or {})
        return TemplateResponse(request, template, base, status=status)


@leave_out_if_swapped
class StudentAreaPage(StudentAreaPageMixin, Page):  # noqa: DJ008 (Page.__str__: the title)
    content_panels = Page.content_panels + StudentAreaPageMixin.area_panels
    search_fields = Page.search_fields + StudentAreaPageMixin.area_search_fields
    subpage_types = []
    template = "tutoria_cms/students/student_area_page.html"

    class Meta:
        verbose_name = _("student area")
        verbose_name_plural = _("student areas")
        swappable = swappable_page_setting("student_area")


def area_page_for(site):
    """The live student area page of ``site`` (the first in the tree), or None."""
    from tutoria_cms.core.models import get_page_model_for

    model = get_page_model_for("student_area", required=False)
    if model is None or site is None:
        return None
    return (
        model.objects.live().descendant_of(site.root_page, inclusive=True).order_by("path").first()
    )
