"""System checks of ``tutoria_cms.contrib.modeladmin``: the apps it needs are installed."""

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.contrib.modeladmin",
    "tutoria_modeladmin",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
        "wagtail_modeladmin": "the evidence browser is built on wagtail-modeladmin",
    },
)
