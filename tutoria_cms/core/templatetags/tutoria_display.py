"""Template filters for values as people read them (see ``tutoria_cms.core.display``)."""

from django import template

from .. import display

register = template.Library()


@register.filter
def readable(value):
    """``{{ value|readable }}``: a dash for empty values, yes/no, local dates and times."""
    return display.readable(value)


@register.filter
def relative_date(value):
    """``{{ date|relative_date }}``: "today", "in 3 days", "2 days ago"."""
    return display.relative_date(value)


@register.filter
def expiry(value):
    """``{{ date|expiry }}``: the date with "in N days" or "expired"."""
    return display.expiry(value)
