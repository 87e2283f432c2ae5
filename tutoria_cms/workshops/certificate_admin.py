"""The admin's "Certificates" (Group workshops menu, ``issue_certificate``: coordination): every
certificate of the person's institutions, of every kind, with its PDF while it is valid; and
issuing the certificate of the tutoring a tutor gave in a term (``certificates.
issue_term_certificate`` with ``GIVEN``: the hours of the sessions they gave, per kind)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..core import roles
from ..core.institutions import ALL, scope, site_ids_for
from ..core.views import AdminFormView
from . import certificates
from .models import Certificate


def can_issue(user):
    return user.has_perm(certificates.ISSUE_CERTIFICATE)


def certificates_of(user):
    return scope(Certificate.objects.all(), user, certificates.ISSUE_CERTIFICATE)


class CertificateIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The certificates of the person's institutions, the latest first; ``?kind=`` filters."""

    template_name = "tutoria_cms/workshops/admin/certificates.html"
    page_title = gettext_lazy("Certificates")
    header_icon = "doc-full"
    per_page = 50

    def dispatch(self, request, *args, **kwargs):
        if not can_issue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = certificates_of(self.request.user).order_by("-issued_at", "-pk")
        kind = self.request.GET.get("kind", "")
        if kind in Certificate.Kind.values:
            rows = rows.filter(kind=kind)
        else:
            kind = ""
        context.update(
            certificates=Paginator(rows, self.per_page).get_page(self.request.GET.get("p")),
            kinds=Certificate.Kind.choices,
            kind=kind,
            issue_given_url=reverse("tutoria_certificates:issue_given"),
        )
        return context


class IssueGivenCertificateForm(forms.Form):
    tutor = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=gettext_lazy("Tutor")
    )
    term = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Term"))

    def __init__(self, *args, user, **kwargs):
        from tutoria_cms.academics.models import Term

        super().__init__(*args, **kwargs)
        terms = scope(Term.objects.all(), user, certificates.ISSUE_CERTIFICATE)
        self.fields["term"].queryset = terms.select_related("site").order_by("-starts_on")
        tutors = get_user_model().objects.filter(is_active=True, groups__name=roles.TUTORS)
        site_ids = site_ids_for(user, certificates.ISSUE_CERTIFICATE)
        if site_ids is not ALL:
            tutors = tutors.filter(tutoria_memberships__site_id__in=site_ids)
        self.fields["tutor"].queryset = tutors.distinct().order_by("last_name", "first_name")
        self.fields["tutor"].label_from_instance = lambda tutor: (
            tutor.get_full_name() or tutor.get_username()
        )

    def clean(self):
        data = super().clean()
        tutor, term = data.get("tutor"), data.get("term")
        if tutor and term and not tutor.is_superuser:
            ids = site_ids_for(tutor)
            if ids is not ALL and term.site_id not in ids:
                raise forms.ValidationError(
                    _("This tutor does not belong to the term's institution."), code="site"
                )
        return data


class IssueGivenCertificateView(AdminFormView):
    """Issue the certificate of the tutoring a tutor gave in a term (idempotent while the
    hours hold); then to the listing, where it is downloaded."""

    form_class = IssueGivenCertificateForm
    page_title = gettext_lazy("Issue a tutor's certificate")
    submit_label = gettext_lazy("Issue certificate")
    header_icon = "doc-full"
    domain_errors = (certificates.CertificateError,)
    intro = gettext_lazy(
        "The certificate states the hours of the tutoring sessions, individual-class sessions "
        "and group sessions the tutor gave in the term's dates, as recorded now. Issued again "
        "with the same hours, it is the same certificate; after they change, a new certificate "
        "with a new code replaces it and the old code stops being valid."
    )

    def has_permission(self):
        return can_issue(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        return certificates.issue_term_certificate(
            certificates.GIVEN, data["tutor"], data["term"], self.request.user
        )

    def get_success_url(self):
        return reverse("tutoria_certificates:index")

    def get_parent_breadcrumbs(self):
        return [{"url": reverse("tutoria_certificates:index"), "label": _("Certificates")}]

    def get_success_message(self):
        certificate, created = self.result
        message = (
            _("Certificate %(code)s issued.")
            if created
            else _("Certificate %(code)s was already issued with these hours.")
        )
        return message % {"code": certificate.grouped_code}
