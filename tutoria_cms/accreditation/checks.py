"""System checks of ``tutoria_cms.accreditation``: the apps it needs are installed."""

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.accreditation",
    "tutoria_accreditation",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
    },
)
