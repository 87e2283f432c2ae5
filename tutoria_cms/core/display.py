"""Values as people read them in the admin: no Python reprs, dates in the user's time zone.

- ``readable(value)``: ``None`` and empty values as a dash, booleans as yes/no in the active
  language, dates and times formatted for the active locale (aware datetimes converted to the
  current time zone, the one Wagtail activates for the admin user), lists joined;
- ``relative_date(value)``: "today", "in 3 days", "expired 2 days ago" for a date;
- ``ReadableInspectMixin``: Wagtail's generic inspect view with every field through
  ``readable``;
- ``ReadableColumn``, ``LocalDateColumn`` and ``ExpiryDateColumn``: listing columns that do the
  same (Wagtail's ``DateColumn`` shows any future date as "just now").
"""

import datetime

from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column

DASH = "—"


def is_empty(value):
    return value is None or (isinstance(value, str | list | tuple | set | dict) and not value)


def readable(value):
    """``value`` as text for people (see the module's docstring)."""
    if is_empty(value):
        return DASH
    if isinstance(value, bool):
        return pgettext("boolean value", "Yes") if value else pgettext("boolean value", "No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, datetime.time):
        return formats.time_format(value, "TIME_FORMAT")
    if isinstance(value, models.Manager):
        value = value.all()
    if isinstance(value, models.QuerySet | list | tuple | set):
        return ", ".join(readable(item) for item in value) or DASH
    if isinstance(value, int | float) and not isinstance(value, bool):
        return formats.localize(value)
    return value


def relative_date(value, *, today=None):
    """How far ``value`` (a date) is from today: "today", "in N days", "N days ago"."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    today = today or timezone.localdate()
    days = (value - today).days
    if days == 0:
        return gettext("today")
    if days > 0:
        return ngettext("in %(count)s day", "in %(count)s days", days) % {"count": days}
    return ngettext("%(count)s day ago", "%(count)s days ago", -days) % {"count": -days}


def expiry(value, *, today=None):
    """The expiry date with how far it is: "31 de diciembre de 2027 (en 390 días)"."""
    if value is None:
        return DASH
    today = today or timezone.localdate()
    date = formats.date_format(value, "DATE_FORMAT")
    if value < today:
        return gettext("%(date)s (expired)") % {"date": date}
    return f"{date} ({relative_date(value, today=today)})"


class ReadableInspectMixin:
    """Wagtail's generic ``InspectView`` showing every field value through ``readable``."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, Component):
            return value
        return readable(value)


class ReadableColumn(Column):
    """A listing column whose value goes through ``readable``."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = readable(context["raw_value"])
        return context


class LocalDateColumn(Column):
    """A date or time in the user's time zone and locale (not "3 weeks ago")."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        raw = context["raw_value"]
        context["value"] = "" if raw is None else readable(raw)
        return context


class ExpiryDateColumn(Column):
    """An expiry date, with how far it is ("in 390 days") or "expired"."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        raw = context["raw_value"]
        context["value"] = "" if raw is None else format_html("{}", expiry(raw))
        return context
