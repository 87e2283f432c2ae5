"""The test settings with a site's own base page (``WAGTAIL_PAGE_MODEL``) and its pages built
from the suite's mixins: ``DJANGO_SETTINGS_MODULE=tests.custom_base_page.settings pytest
tests/custom_base_page`` (``tests/custom_base_page/test_run.py`` runs it from ``make test``).

The example site's home app is left out (its ``HomePage`` is built on ``wagtailcore.Page``).
"""

from sites.settings.test import *  # noqa: F403

INSTALLED_APPS = ["tests.custom_base_page.app"] + [
    app
    for app in INSTALLED_APPS  # noqa: F405
    if app != "sites.home"
]
ROOT_URLCONF = "tests.custom_base_page.urls"

WAGTAIL_PAGE_MODEL = "custom_base_page_app.MyBasePage"

# The site's pages the suite uses instead of its default concrete pages. The partnerships page is
# not named: the suite never looks it up, so the default one is simply left out.
TUTORIA_PROGRAMMES_PROGRAMMEINDEXPAGE_MODEL = "custom_base_page_app.ProgrammesPage"
TUTORIA_PROGRAMMES_TUTORINGPROGRAMMEPAGE_MODEL = "custom_base_page_app.ProgrammePage"
TUTORIA_WORKSHOPS_GROUPWORKSHOPPAGE_MODEL = "custom_base_page_app.WorkshopPage"
TUTORIA_TUTORS_TUTORINDEXPAGE_MODEL = "custom_base_page_app.TutorsPage"
TUTORIA_TUTORS_TUTORPROFILEPAGE_MODEL = "custom_base_page_app.TutorPage"

# tests/factories.py builds each site's home page with this class.
TESTS_HOME_PAGE_MODEL = "custom_base_page_app.HomePage"

# The site's own base template (the suite's templates extend "base.html").
TEMPLATES = [
    {
        **TEMPLATES[0],  # noqa: F405
        "DIRS": [BASE_DIR / "tests" / "custom_base_page" / "templates"],  # noqa: F405
    }
]
