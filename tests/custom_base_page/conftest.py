"""``test_pages.py`` needs the site's own base page (``tests.custom_base_page.settings``);
``test_in_subprocess.py`` runs it so from a normal run. Each is left out under the other
settings."""

from django.conf import settings

SETTINGS = "tests.custom_base_page.settings"

if settings.SETTINGS_MODULE == SETTINGS:
    collect_ignore = ["test_in_subprocess.py"]
else:
    collect_ignore = ["test_pages.py"]
