"""ASGI entry point of the example deployment."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sites.settings.production")

application = get_asgi_application()
