"""System checks of ``tutoria_cms.partnerships``: the apps it needs are installed."""

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.partnerships",
    "tutoria_partnerships",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
        "wagtail.documents": "stage deliverables and fulfilment reports are documents",
        "simple_history": "history of every tracked record",
    },
)
