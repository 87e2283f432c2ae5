"""WSGI entry point of the example deployment."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.production")

application = get_wsgi_application()
