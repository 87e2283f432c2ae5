"""Wagtail's chooser widgets without inline scripts (Content-Security-Policy).

Wagtail 8's ``BaseChooser.render`` writes ``<script>new DocumentChooser("id", {...});</script>``
after the widget, for a chooser in a Django form (the suite's forms, and Wagtail's own page and
snippet editors). Under a policy whose ``script-src`` has no ``'unsafe-inline'`` the browser
does not run it, and the "Choose a document" button does nothing. :func:`install` makes the
widget write a hidden marker instead, which ``core/js/csp-init.js`` (loaded on every admin
page) turns into the same constructor call.
"""

import json

from django.utils.html import format_html


def render(self, name, value, attrs=None, renderer=None):
    """``BaseChooser.render`` with a marker instead of the inline script."""
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    return format_html(
        '{}<span hidden data-tutoria-init="chooser" data-tutoria-constructor="{}" '
        'data-tutoria-target="{}" data-tutoria-options="{}"></span>',
        widget_html,
        self.js_constructor,
        id_,
        json.dumps(self.get_js_init_options(id_, name, value_data)),
    )


def install():
    from wagtail.admin.widgets.chooser import BaseChooser

    BaseChooser.render = render
