"""The page lookups of ``tutoria_cms.core.models`` with the default base page (the custom base
page is tested by tests/custom_base_page)."""

import types

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from wagtail.models import get_page_models

from tutoria_cms.core import models as core_models
from tutoria_cms.core.models import (
    PAGE_MODELS,
    SuiteTemplateMixin,
    base_page_is_swapped,
    derived_template_name,
    get_page_model_for,
    get_page_model_name_for,
    leave_out_if_swapped,
    page_model_setting,
    swappable_page_setting,
)
from tutoria_cms.partnerships.models import PartnershipIndexPage
from tutoria_cms.programmes.models import ProgrammeIndexPage, TutoringProgrammePage
from tutoria_cms.students.models import StudentAreaPage
from tutoria_cms.tutors.models import TutorIndexPage, TutorProfilePage
from tutoria_cms.workshops.models import GroupWorkshopPage, WorkshopCalendarPage

DEFAULTS = {
    "programme_index": ProgrammeIndexPage,
    "programme": TutoringProgrammePage,
    "workshop": GroupWorkshopPage,
    "workshop_calendar": WorkshopCalendarPage,
    "tutor_index": TutorIndexPage,
    "tutor_profile": TutorProfilePage,
    "partnership_index": PartnershipIndexPage,
    "student_area": StudentAreaPage,
}


def test_the_default_pages_are_used_and_are_page_types():
    assert not base_page_is_swapped()
    assert set(PAGE_MODELS) == set(DEFAULTS)
    page_types = get_page_models()
    for key, page_class in DEFAULTS.items():
        assert get_page_model_for(key) is page_class
        assert get_page_model_name_for(key) == page_class._meta.label
        assert page_class._meta.swapped is None
        assert page_class._meta.swappable == page_model_setting(key)
        assert page_class in page_types and page_class.is_creatable


def test_setting_names_follow_swapper():
    import swapper

    assert page_model_setting("programme") == "TUTORIA_PROGRAMMES_TUTORINGPROGRAMMEPAGE_MODEL"
    assert page_model_setting("workshop") == swapper.swappable_setting(
        "tutoria_workshops", "GroupWorkshopPage"
    )


def test_page_types_follow_the_settings():
    assert TutoringProgrammePage.allowed_parent_page_models() == [ProgrammeIndexPage]
    assert GroupWorkshopPage.allowed_parent_page_models() == [TutoringProgrammePage]
    assert TutorIndexPage.allowed_subpage_models() == [TutorProfilePage]


def test_a_page_named_wrongly_is_refused_clearly():
    setting = "TUTORIA_PROGRAMMES_TUTORINGPROGRAMMEPAGE_MODEL"
    with override_settings(**{setting: "myapp.ProgrammePage"}):
        assert get_page_model_for("programme", required=False) is None
        with pytest.raises(ImproperlyConfigured) as error:
            get_page_model_for("programme")
    assert setting in str(error.value) and "'myapp.ProgrammePage'" in str(error.value)
    with pytest.raises(ImproperlyConfigured, match="Unknown tutoria-cms page 'blog'"):
        get_page_model_for("blog")


def test_the_default_pages_are_swapped_out_with_a_custom_base_page(settings):
    settings.WAGTAIL_PAGE_MODEL = "myapp.MyBasePage"
    assert base_page_is_swapped()
    del settings.TUTORIA_WORKSHOPS_GROUPWORKSHOPPAGE_MODEL  # unset (it may be absent)
    # Whatever the order the apps are imported in.
    assert get_page_model_name_for("workshop") == core_models.NO_PAGE_MODEL
    assert swappable_page_setting("workshop") == "TUTORIA_WORKSHOPS_GROUPWORKSHOPPAGE_MODEL"
    assert settings.TUTORIA_WORKSHOPS_GROUPWORKSHOPPAGE_MODEL == core_models.NO_PAGE_MODEL
    with pytest.raises(ImproperlyConfigured, match="names none"):
        get_page_model_for("workshop")
    # A page the site names is kept.
    settings.TUTORIA_TUTORS_TUTORINDEXPAGE_MODEL = "myapp.TutorsPage"
    swappable_page_setting("tutor_index")
    assert settings.TUTORIA_TUTORS_TUTORINDEXPAGE_MODEL == "myapp.TutorsPage"


def test_a_swapped_out_page_is_no_page_type(monkeypatch):
    from wagtail.models import pages

    swapped = types.SimpleNamespace(
        _meta=types.SimpleNamespace(swapped="myapp.ProgrammePage"), is_creatable=True
    )
    kept = types.SimpleNamespace(_meta=types.SimpleNamespace(swapped=None), is_creatable=True)
    monkeypatch.setattr(pages, "PAGE_MODEL_CLASSES", [swapped, kept])
    assert leave_out_if_swapped(swapped) is swapped
    assert leave_out_if_swapped(kept) is kept
    remaining = pages.PAGE_MODEL_CLASSES
    assert remaining == [kept]
    assert not swapped.is_creatable and kept.is_creatable


class Base:
    def get_template(self, request, *args, **kwargs):
        return self.template


def test_a_page_without_a_template_falls_back_to_the_suites(rf):
    class SitePage(SuiteTemplateMixin, Base):
        suite_template = "tutoria_cms/programmes/tutoring_programme_page.html"
        _meta = types.SimpleNamespace(app_label="myapp")

    SitePage.template = derived_template_name(SitePage)  # what Wagtail gives it
    assert SitePage.template == "myapp/site_page.html"
    assert SitePage().get_template(rf.get("/")) == [
        "myapp/site_page.html",
        "tutoria_cms/programmes/tutoring_programme_page.html",
    ]
    SitePage.template = "myapp/programme.html"  # set by the class: rendered as it is
    assert SitePage().get_template(rf.get("/")) == "myapp/programme.html"
    # The default pages set theirs (an instance without fields: no database needed).
    page = TutoringProgrammePage.__new__(TutoringProgrammePage)
    assert page.get_template(rf.get("/")) == "tutoria_cms/programmes/tutoring_programme_page.html"
