"""Forms: the public sign-up form, the workshop page's admin form and the attendance sheet.

This module is imported by ``models.py`` (``base_form_class``): it must not import the models
at module level.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.forms import CleanTextFormMixin
from tutoria_cms.core.student_numbers import normalise_student_number
from tutoria_cms.core.text import clean_text

# What the person typing their name is told, by the error code of ``clean_text``.
NAME_ERRORS = {
    "required": _("Enter your full name."),
    "control_characters": _(
        "Your name contains control characters (invisible characters such as NUL). "
        "Type it again without them."
    ),
    "invisible": _("Your name is made only of invisible characters. Type your name."),
    "max_length": _("Use at most %(limit)d characters for your name (you typed %(length)d)."),
}


class WorkshopRegistrationForm(forms.Form):
    """The public sign-up form of a workshop page (no JavaScript needed)."""

    student_number = forms.CharField(
        label=_("Student number"),
        max_length=40,
        help_text=_("As it appears on your student card."),
        error_messages={"required": _("Enter your student number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        # The length limit is checked in clean_full_name (a setting), with a clear message.
        strip=False,
        error_messages={"required": NAME_ERRORS["required"]},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_(
            "We send the link to confirm your registration to this address, or to the address "
            "on your student record where the institution has one."
        ),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, such as name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my name, student number and e-mail are used to manage my "
            "registration, to send me messages about this workshop and to record my "
            "attendance as evidence of the tutoring programme."
        ),
        error_messages={"required": _("To sign up, you need to agree to the use of your data.")},
    )

    def clean_student_number(self):
        value = normalise_student_number(self.cleaned_data["student_number"])
        if not re.fullmatch(tutoria_settings.STUDENT_NUMBER_PATTERN, value):
            raise ValidationError(
                _(
                    "This is not a valid student number. Type it as it appears on your "
                    "student card."
                ),
                code="invalid",
            )
        return value

    def clean_full_name(self):
        try:
            return clean_text(
                self.cleaned_data["full_name"], max_length=tutoria_settings.MAX_NAME_LENGTH
            )
        except ValidationError as error:
            message = NAME_ERRORS.get(error.code)
            if message is None:
                raise
            raise ValidationError(message, code=error.code, params=error.params) from error

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def registration_data(self):
        return {
            name: self.cleaned_data[name]
            for name in ("student_number", "full_name", "email", "consent")
        }

    def add_registration_error(self, error):
        """Show a refusal (closed, consent, too many attempts) on the form."""
        self.add_error(None, error)


class GroupWorkshopPageForm(CleanTextFormMixin, WagtailAdminPageForm):
    """The workshop page's admin form: a session with attendance recorded cannot be removed."""

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("workshop_sessions")
        if formset is not None:
            from .models import Attendance

            removed = [form.instance.pk for form in formset.deleted_forms if form.instance.pk]
            if removed and Attendance.objects.filter(session_id__in=removed).exists():
                self.add_error(
                    None,
                    _(
                        "A session that already has attendance recorded cannot be removed: "
                        "attendance is evidence of the programme. Correct its details instead."
                    ),
                )
        return cleaned_data


def session_label(session):
    """A session's date and start time, in the active language's formats."""
    return f"{date_format(session.date, 'SHORT_DATE_FORMAT')} {time_format(session.start_time)}"


class AttendanceForm(forms.Form):
    """A sheet of checkboxes: confirmed registrations (rows) x sessions held (columns)."""

    def __init__(self, *args, sessions, registrations, recorded=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = list(sessions)
        self.registrations = list(registrations)
        recorded = recorded or {}
        for registration in self.registrations:
            for session in self.sessions:
                self.fields[self.field_name(session, registration)] = forms.BooleanField(
                    required=False,
                    initial=recorded.get((session.pk, registration.pk), False),
                    label=_("%(name)s was present on %(session)s")
                    % {"name": registration.full_name, "session": session_label(session)},
                )

    @staticmethod
    def field_name(session, registration):
        return f"present-{session.pk}-{registration.pk}"

    def rows(self):
        """(registration, [bound field per session]) for the template."""
        for registration in self.registrations:
            yield (
                registration,
                [self[self.field_name(session, registration)] for session in self.sessions],
            )

    def presence_by_session(self):
        """{session: {registration id: present}} from the cleaned data."""
        return {
            session: {
                registration.pk: bool(self.cleaned_data.get(self.field_name(session, registration)))
                for registration in self.registrations
            }
            for session in self.sessions
        }


class CertificateCodeForm(CleanTextFormMixin, forms.Form):
    """The public verification page's form: the code printed on a certificate."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed on the certificate, with or without the hyphens."),
        error_messages={"required": _("Enter the verification code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class WorkshopCalendarFilterForm(forms.Form):
    """The workshops calendar's filters (a GET form): programme, modality, upcoming or past."""

    UPCOMING, PAST = "upcoming", "past"

    programme = forms.TypedChoiceField(
        label=_("Programme"), required=False, coerce=int, empty_value=None
    )
    modality = forms.ChoiceField(label=_("Modality"), required=False)
    when = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(UPCOMING, _("Upcoming sessions")), (PAST, _("Past workshops"))],
        initial=UPCOMING,
    )

    def __init__(self, *args, programmes=(), **kwargs):
        from tutoria_cms.core.choices import Modality

        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("All programmes"))] + [
            (programme.pk, programme.title) for programme in programmes
        ]
        self.fields["modality"].choices = [("", _("All modalities")), *Modality.choices]
