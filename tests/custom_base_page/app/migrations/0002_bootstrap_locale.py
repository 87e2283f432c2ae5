# The locale and translation key of the pages created before (wagtailcore's root page).

from django.db import migrations
from wagtail.models import (
    BootstrapLocaleField,
    BootstrapTranslatableModel,
    BootstrapTranslationKeyField,
)


class Migration(migrations.Migration):

    dependencies = [
        ('custom_base_page_app', '0001_initial'),
        ('wagtailcore', '0097_baselogentry_uuid_action_timestamp_indexes'),
    ]

    operations = [
        BootstrapLocaleField('custom_base_page_app.MyBasePage'),
        BootstrapTranslationKeyField('custom_base_page_app.MyBasePage'),
        BootstrapTranslatableModel('custom_base_page_app.MyBasePage'),
    ]
