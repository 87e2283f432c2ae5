"""Form helpers shared by the suite's forms."""

from django import forms
from django.core.exceptions import ValidationError

from .institutions import institution_name
from .models import InstitutionMembership
from .roles import role_label
from .text import clean_text

# The longest free text (a Textarea without a model limit) a form accepts, as the services.
MAX_TEXT_LENGTH = 5000
# Tag names (django-taggit's Tag.name holds 100 characters).
MAX_TAG_LENGTH = 100


class NativeDateInput(forms.DateInput):
    """The browser's own date picker (``<input type="date">``). Its value must be ISO
    (YYYY-MM-DD) whatever the language: with the locale's format (10/03/2026) the browser
    shows an empty field, and editing a record would lose its date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def is_typed_text(field):
    """A field people type plain text into (not a hidden or rich-text widget)."""
    widget = field.widget
    return isinstance(widget, forms.TextInput | forms.Textarea) and not isinstance(
        widget, forms.HiddenInput
    )


class CleanTextFormMixin:
    """Every typed text of the form goes through :func:`clean_text`.

    NFC; control characters (a NUL included) and text made only of invisible characters are
    refused with a translated message on the field; at most the field's ``max_length`` (or
    ``MAX_TEXT_LENGTH`` for long text); newlines only in text areas. Lists of typed strings
    (tags) are cleaned item by item. Put it before the form class in the bases.
    """

    def clean(self):
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            value = cleaned_data.get(name)
            if name in self.errors or not is_typed_text(field):
                continue
            try:
                if isinstance(value, str):
                    cleaned_data[name] = clean_text(
                        value,
                        max_length=getattr(field, "max_length", None) or MAX_TEXT_LENGTH,
                        allow_newlines=isinstance(field.widget, forms.Textarea),
                        required=False,
                    )
                elif (
                    isinstance(field.widget, forms.TextInput)
                    and isinstance(value, list | tuple)
                    and all(isinstance(v, str) for v in value)
                ):
                    cleaned_data[name] = type(value)(
                        clean_text(item, max_length=MAX_TAG_LENGTH) for item in value
                    )
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned_data


class CleanTextViewSetMixin:
    """For Wagtail ``ModelViewSet``s: their create and edit forms clean typed text."""

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        if issubclass(form_class, CleanTextFormMixin):
            return form_class
        return type(form_class.__name__, (CleanTextFormMixin, form_class), {})


class InstitutionMembershipForm(forms.ModelForm):
    """Settings › Institution memberships: a person, an institution, the roles they hold there.

    A role named here that the person does not hold yet is given to them on save (see
    ``institutions.give_membership_roles``), so their admin menus show it.
    """

    class Meta:
        model = InstitutionMembership
        fields = ["user", "site", "roles"]
        widgets = {"roles": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        kwargs.pop("for_user", None)
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.get_username()})" if u.get_full_name() else u.get_username()
        )
        self.fields["site"].label_from_instance = institution_name
        self.fields["roles"].label_from_instance = role_label
        # Roles are the role groups, not the institution groups derived from them.
        self.fields["roles"].queryset = self.fields["roles"].queryset.filter(
            tutoria_institution_group__isnull=True
        )
