"""The test settings without the optional evidence browser (and without wagtail-modeladmin):
the rest of the suite must not need it (tests/contrib/test_without_modeladmin.py)."""

from .test import *  # noqa: F403

OPTIONAL_APPS = ("tutoria_cms.contrib.modeladmin", "wagtail_modeladmin")
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in OPTIONAL_APPS]  # noqa: F405
