"""The suite's pages built from its mixins on a site's own base page (``WAGTAIL_PAGE_MODEL``).

Runs under ``tests.custom_base_page.settings`` only (see conftest.py): the site's pages are in
``tests/custom_base_page/app/models.py``; ``tests/factories.py`` builds them through
``get_page_model_for``, so the shared fixtures (``programme``, ``workshop``...) are the site's.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from wagtail.models import get_page_models

from tests import factories
from tests.custom_base_page.app import models as site_pages
from tutoria_cms.core.models import NO_PAGE_MODEL, get_page_model_for
from tutoria_cms.partnerships.choices import Sector
from tutoria_cms.partnerships.models import Agreement, Partner, PartnershipIndexPage
from tutoria_cms.programmes.models import ProgrammeIndexPage, TutoringProgrammePage
from tutoria_cms.tutors.models import TutorIndexPage, TutorProfilePage
from tutoria_cms.workshops.models import GroupWorkshopPage, WorkshopRegistration

DEFAULT_PAGES = [
    ProgrammeIndexPage,
    TutoringProgrammePage,
    GroupWorkshopPage,
    TutorIndexPage,
    TutorProfilePage,
    PartnershipIndexPage,
]

FORM = {
    "student_number": "A-20231234",
    "full_name": "María López",
    "email": "maria@example.edu",
    "consent": "on",
}


def test_the_base_page_is_the_sites_own():
    from django.conf import settings

    assert settings.WAGTAIL_PAGE_MODEL == "custom_base_page_app.MyBasePage"
    assert site_pages.ProgrammePage.base_page_model is site_pages.MyBasePage


def test_the_default_pages_are_swapped_out():
    assert TutoringProgrammePage._meta.swapped == "custom_base_page_app.ProgrammePage"
    assert GroupWorkshopPage._meta.swapped == "custom_base_page_app.WorkshopPage"
    # Not named by the site: left out all the same.
    assert PartnershipIndexPage._meta.swapped == NO_PAGE_MODEL
    page_types = get_page_models()
    for default_page in DEFAULT_PAGES:
        assert default_page not in page_types
        assert not default_page.is_creatable
    assert site_pages.ProgrammePage in page_types and site_pages.WorkshopPage in page_types


@pytest.mark.django_db
def test_the_default_pages_have_no_tables():
    tables = set(connection.introspection.table_names())
    assert "custom_base_page_app_programmepage" in tables
    for default_page in DEFAULT_PAGES:
        assert default_page._meta.db_table not in tables


def test_page_lookups_give_the_sites_pages():
    assert get_page_model_for("programme_index") is site_pages.ProgrammesPage
    assert get_page_model_for("programme") is site_pages.ProgrammePage
    assert get_page_model_for("workshop") is site_pages.WorkshopPage
    assert get_page_model_for("tutor_index") is site_pages.TutorsPage
    assert get_page_model_for("tutor_profile") is site_pages.TutorPage
    # A workshop's facilitators are chosen among the site's tutor profile pages.
    from tutoria_cms.workshops.blocks import TUTOR_PROFILE_PAGE

    assert TUTOR_PROFILE_PAGE == "custom_base_page_app.TutorPage"


def test_a_page_the_site_did_not_name_is_refused_clearly():
    assert get_page_model_for("partnership_index", required=False) is None
    with pytest.raises(ImproperlyConfigured) as error:
        get_page_model_for("partnership_index")
    message = str(error.value)
    assert "TUTORIA_PARTNERSHIPS_PARTNERSHIPINDEXPAGE_MODEL" in message
    assert "PartnershipIndexPageMixin" in message
    with pytest.raises(ImproperlyConfigured, match="Unknown tutoria-cms page"):
        get_page_model_for("blog")


@pytest.mark.django_db
def test_programme_pages_render_with_the_suites_templates(mx_home, client):
    index = factories.build_programme_index(mx_home, strapline="Tutoría para todas y todos")
    programme = factories.build_programme(index, title="PAT", kind="peer_mentoring")
    assert type(programme) is site_pages.ProgrammePage

    response = client.get(index.url)
    assert response.status_code == 200
    templates = [template.name for template in response.templates]
    assert "tutoria_cms/programmes/programme_index_page.html" in templates
    html = response.content.decode()
    assert 'class="custom-base-page"' in html  # the site's own base template
    assert "Tutoría para todas y todos" in html  # a field of the site's base page
    assert "PAT" in html

    response = client.get(programme.url)
    assert response.status_code == 200
    assert "tutoria_cms/programmes/tutoring_programme_page.html" in [
        template.name for template in response.templates
    ]
    # The mixin's behaviour is there: a peer-mentoring programme gets the standard cycle.
    programme.stages = []
    programme.full_clean()
    assert len(programme.stages) > 0


@pytest.mark.django_db
def test_signing_up_to_a_workshop(workshop, programme, client, django_capture_on_commit_callbacks):
    assert type(workshop) is site_pages.WorkshopPage
    response = client.get(workshop.url)
    assert response.status_code == 200
    assert "tutoria_cms/workshops/group_workshop_page.html" in [
        template.name for template in response.templates
    ]
    assert 'id="id_student_number"' in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(workshop.url, FORM)
    assert response.status_code == 302
    assert response["Location"] == f"{workshop.url}?signup=requested#registration"
    registration = WorkshopRegistration.objects.get()
    assert registration.status == "pending"
    # The e-mail's link opens the site's own workshop page, whose button confirms.
    (message,) = mail.outbox
    link = re.search(r"https?://\S+\?confirm=\S+", message.body).group(0)
    page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1]).content.decode()
    token = re.search(r'name="confirm_token" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(workshop.url, {"confirm_token": token})
    assert response["Location"] == f"{workshop.url}?signup=confirmed#registration"
    registration.refresh_from_db()
    assert registration.workshop_id == workshop.pk
    assert registration.student_number == "A-20231234"
    assert registration.status == "confirmed"

    # The programme page lists its upcoming workshops (a hook of the workshops app).
    html = client.get(programme.url).content.decode()
    assert workshop.title in html


@pytest.mark.django_db
def test_tutor_directory_and_profile(mx_home, client):
    factories.load_seed_framework()
    user = factories.build_tutor_user("tutora")
    index = factories.build_tutor_index(mx_home)
    profile = factories.build_tutor_profile(
        index, title="Dra. Ana Pérez", user=user, department="Matemáticas"
    )
    assert type(profile) is site_pages.TutorPage
    assert profile.owner_id == user.pk  # the mixin's rule: the tutor owns the profile
    assert index.specific.get_profile_model() is site_pages.TutorPage

    response = client.get(index.url)
    assert response.status_code == 200
    assert "tutoria_cms/tutors/tutor_index_page.html" in [t.name for t in response.templates]
    assert "Dra. Ana Pérez" in response.content.decode()

    response = client.get(profile.url)
    assert response.status_code == 200
    assert "Matemáticas" in response.content.decode()


@pytest.mark.django_db
def test_partnerships_page_renders_the_sites_template(mx_home, programme, client):
    page = factories.add_page(mx_home, site_pages.PartnershipsPage(title="Vinculación"))
    partner = Partner.objects.create(name="Industrias del Bajío", sector=Sector.PRIVATE)
    agreement = Agreement.objects.create(
        partner=partner,
        title="Convenio de prácticas",
        signed_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    agreement.supported_pages.add(programme)

    response = client.get(page.url)
    assert response.status_code == 200
    templates = [template.name for template in response.templates]
    # The site's own template (at the name Wagtail derives) wins over the suite's, which it
    # extends.
    assert templates[0] == "custom_base_page_app/partnerships_page.html"
    assert "tutoria_cms/partnerships/partnership_index_page.html" in templates
    html = response.content.decode()
    assert 'content="custom partnerships page"' in html
    assert "Industrias del Bajío" in html
    assert f'href="{programme.url}"' in html  # the programme the agreement supports


@pytest.mark.django_db
def test_the_admin_edits_the_sites_pages(workshop, admin_client):
    response = admin_client.get(f"/admin/pages/{workshop.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="strapline"' in html and 'name="capacity"' in html

    parent = workshop.get_parent()
    response = admin_client.get(f"/admin/pages/{parent.pk}/add_subpage/")
    assert response.status_code == 200
    html = response.content.decode()
    # The site's page types are offered; the swapped-out default pages are not.
    assert "/add/custom_base_page_app/workshoppage/" in html
    assert "/add/tutoria_" not in html


@pytest.mark.django_db
def test_the_programmes_calendar_feed_on_a_custom_base_page(workshop, programme, client):
    """The programme mixin's route works on the site's page (its own ``serve`` chain)."""
    from icalendar import Calendar

    assert type(programme) is site_pages.ProgrammePage
    page = client.get(programme.url)
    assert page.status_code == 200
    assert f'href="{programme.url}calendar/"' in page.content.decode()
    response = client.get(programme.url + "calendar/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == workshop.title
    assert client.get(workshop.url).status_code == 200
