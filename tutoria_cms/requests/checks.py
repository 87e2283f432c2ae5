"""System checks of ``tutoria_cms.requests``: the apps it needs are installed."""

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.requests",
    "tutoria_requests",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
        "tutoria_cms.academics": "requests are about student records, components and terms",
        "wagtail.contrib.settings": "the site setting choosing the eligibility rule set",
        "simple_history": "history of every tracked record",
    },
)
