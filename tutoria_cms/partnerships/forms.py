"""Admin forms: the agreement form and the stage, commitment and fulfilment actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput
from wagtail.documents import get_document_model
from wagtail.documents.widgets import AdminDocumentChooser
from wagtail.permissions import policy_registry

from tutoria_cms.core import institutions
from tutoria_cms.core.forms import CleanTextFormMixin

from .choices import DELIVERABLES, Party, Stage
from .models import supported_pages


class AgreementForm(CleanTextFormMixin, WagtailAdminModelForm):
    """Programmes and workshops only in "supported pages"; titles cleaned."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("supported_pages")
        if field is not None:
            field.queryset = supported_pages().order_by("title", "pk")
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
            field.help_text = _("Only programme and workshop pages can be chosen.")
        site = self.fields.get("site")
        if site is not None:
            # The institution that signs: one where the user may add (or change) agreements.
            perm = "tutoria_partnerships.change_agreement"
            if not self.instance.pk:
                perm = "tutoria_partnerships.add_agreement"
            site.queryset = institutions.sites_for(self.for_user, perm)
            site.required = True
            site.help_text = _("The institution that signs the agreement.")
            if not self.instance.pk and not self.initial.get("site"):
                current = institutions.institution_for_new(self.for_user, perm)
                if current is not None:
                    self.initial["site"] = current.pk


def choosable_documents(user):
    """Documents ``user`` may choose (their collections' "choose" permission)."""
    policy = policy_registry.get_by_type(get_document_model())
    return policy.instances_user_has_any_permission_for(user, ["choose"])


class DocumentField(forms.ModelChoiceField):
    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("widget", AdminDocumentChooser())
        super().__init__(*args, queryset=choosable_documents(user), **kwargs)


class CompleteStageForm(CleanTextFormMixin, forms.Form):
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, stage, current_deliverable=None, signed_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage = Stage(stage)
        self.fields["deliverable"] = DocumentField(
            user=user,
            label=_("Deliverable: %(deliverable)s") % {"deliverable": DELIVERABLES[self.stage]},
            required=current_deliverable is None,
            initial=current_deliverable,
            help_text=_("Upload or choose the document; the stage cannot be completed without it."),
            error_messages={
                "required": _("Attach the %(deliverable)s.")
                % {"deliverable": DELIVERABLES[self.stage]},
            },
        )
        if self.stage == Stage.EXECUTION:
            self.fields["signed_on"] = forms.DateField(
                label=_("Signed on"),
                initial=signed_on,
                widget=AdminDateInput(),
                error_messages={"required": _("Enter the date the agreement was signed.")},
            )
        self.order_fields(["deliverable", "signed_on", "notes"])


class CommitmentForm(CleanTextFormMixin, forms.Form):
    party = forms.ChoiceField(label=_("Party"), choices=Party.choices)
    description = forms.CharField(label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("Due on"), widget=AdminDateInput())


class FulfilmentForm(CleanTextFormMixin, forms.Form):
    fulfilled_on = forms.DateField(label=_("Fulfilled on"), widget=AdminDateInput())
    report = forms.CharField(
        label=_("Fulfilment report"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"] = DocumentField(
            user=user, label=_("Report document"), required=False
        )
        self.fields["fulfilled_on"].initial = timezone.localdate()

    def clean_fulfilled_on(self):
        value = self.cleaned_data["fulfilled_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The fulfilment date cannot be in the future."))
        return value
