"""System checks of ``tutoria_cms.academics``: the apps it needs are installed."""

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.academics",
    "tutoria_academics",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
        "simple_history": "history of every tracked record",
    },
)
