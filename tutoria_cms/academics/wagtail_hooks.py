"""Wiring of academic records into the admin: the import view and its menu item, and the
read-only listing of curricular components (with their equivalences' history)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from tutoria_cms.core.evidence import answers_for_record, covers

from .views import ImportView, can_import


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_urls")
def register_import_url():
    return [
        path("tutoria/academics/import/", ImportView.as_view(), name="tutoria_academics_import")
    ]


@hooks.register("register_settings_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Import academic records"),
        reverse("tutoria_academics_import"),
        icon_name="upload",
        order=900,
    )


@hooks.register("register_admin_viewset")
def register_curricular_components():
    from .viewsets import CurricularComponentViewSet

    return CurricularComponentViewSet()


@hooks.register("register_tutoria_subject_data")
@answers_for_record
@covers(
    "tutoria_academics.StudentRecord",
    "tutoria_academics.ComponentRecord",
    "tutoria_academics.TermStanding",
)
def subject_access_data(student_number, user, record=None, **kwargs):
    from .subject import subject_data

    return subject_data(student_number, user, record=record)


@hooks.register("register_tutoria_evidence")
def academic_evidence():
    from .evidence import TermOutcomesSource

    return TermOutcomesSource()
