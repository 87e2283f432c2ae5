"""System checks of ``tutoria_cms.workshops``: the apps it needs are installed."""

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.workshops",
    "tutoria_workshops",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
        "tutoria_cms.programmes": "a workshop page lives under a programme page",
        "simple_history": "history of every tracked record",
    },
)
