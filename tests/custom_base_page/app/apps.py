from django.apps import AppConfig


class CustomBasePageConfig(AppConfig):
    name = "tests.custom_base_page.app"
    label = "custom_base_page_app"
    default_auto_field = "django.db.models.BigAutoField"
