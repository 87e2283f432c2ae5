"""System checks of ``tutoria_cms.tutors``: the apps it needs are installed."""

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.tutors",
    "tutoria_tutors",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
        "wagtail.contrib.settings": "the directory's site setting (its competency framework)",
        "wagtail.documents": "evidence documents of competency assessments",
        "wagtail.images": "profile photos",
        "taggit": "tutors' disciplines and expertise are tags",
        "simple_history": "history of every tracked record",
    },
)
