"""Model fields shared by the suite."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class MultipleChoiceField(models.JSONField):
    """A list of choice codes, edited as checkboxes and validated against ``choices``.

    Stored as a JSON list so that it works on SQLite and PostgreSQL alike; query it with
    :func:`has_choice` rather than JSON lookups (``__contains`` is PostgreSQL-only).
    """

    description = _("A list of choices")

    def __init__(self, *args, choices=None, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        self.multiple_choices = choices
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices"] = self.multiple_choices
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    def get_choices_list(self):
        choices = self.multiple_choices
        if choices is None:
            return []
        if hasattr(choices, "choices"):
            return list(choices.choices)
        return list(choices)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value in (None, ""):
            return
        if not isinstance(value, list):
            raise ValidationError(_("Choose from the list."), code="invalid")
        allowed = {code for code, _label in self.get_choices_list()}
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                _("%(value)s is not one of the available choices."),
                code="invalid_choice",
                params={"value": ", ".join(map(str, unknown))},
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("A choice is repeated."), code="duplicate")

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.MultipleChoiceField,
            "choices": self.get_choices_list(),
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": capfirst(self.verbose_name),  # as Django's own fields: "Purposes"
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        for key in ("encoder", "decoder", "max_length"):
            defaults.pop(key, None)
        return form_class(**defaults)

    def value_from_object(self, obj):
        value = super().value_from_object(obj)
        return list(value or [])


def has_choice(field_name, code):
    """A ``Q`` matching rows whose :class:`MultipleChoiceField` contains ``code``.

    Portable across SQLite and PostgreSQL: JSON text of a list of codes contains the quoted
    code exactly when the list does (codes are plain identifiers, never quotes).
    """
    return Q(**{f"{field_name}__icontains": f'"{code}"'})


def choice_labels(field, values):
    """Translated labels of ``values`` in the order of the field's choices."""
    labels = dict(field.get_choices_list())
    return [labels[value] for value in labels if value in set(values or ())]
