"""Builders for page trees and records. Page trees are built in code, never from JSON.

Pages are built with the page classes the suite uses (``get_page_model_for``): the default
concrete pages, or a site's own on its own base page (``tests/custom_base_page``), whose home
page class the setting ``TESTS_HOME_PAGE_MODEL`` names.
"""

import os
import subprocess
import sys
from pathlib import Path

import factory
import swapper
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from wagtail.models import Locale, Site

from tutoria_cms.core.models import InstitutionMembership, get_page_model_for

PASSWORD = "correct-horse-battery"


# Users made by UserFactory without ``sites``: members of every Site, also of one created later
# (the fixtures make people and sites in any order). Emptied before each test (conftest.py).
EVERY_SITE = set()


def join_new_site(sender, instance, created, raw=False, **kwargs):
    if created and not raw and EVERY_SITE:
        for pk in EVERY_SITE:
            InstitutionMembership.objects.get_or_create(user_id=pk, site=instance)


post_save.connect(join_new_site, sender=Site, dispatch_uid="tests_join_new_site")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.edu")
    first_name = "Ana"
    last_name = "Pérez"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))
        self.save()

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        """Staff of the institutions ``sites`` (Sites or hostnames) with all their roles; by
        default of every institution, also those created after the user (``sites=[]``: of
        none). Tests about institutions kept apart name the sites."""
        if not create or self.is_superuser:
            return
        if extracted is None:
            EVERY_SITE.add(self.pk)
            chosen = list(Site.objects.all())
        else:
            chosen = [Site.objects.get(hostname=s) if isinstance(s, str) else s for s in extracted]
        for site in chosen:
            InstitutionMembership.objects.get_or_create(user=self, site=site)


def locale(language_code):
    return Locale.objects.get_or_create(language_code=language_code)[0]


def build_site(language="es", hostname="localhost", title=None, port=80, default=False):
    """A home page in ``language`` under the tree root, served as a Wagtail Site."""
    root = swapper.load_model("wagtailcore", "Page").get_first_root_node()
    home_page_class = apps.get_model(getattr(settings, "TESTS_HOME_PAGE_MODEL", "home.HomePage"))
    home = home_page_class(
        title=title or f"Home {language}",
        slug=f"home-{language}-{hostname}".replace(".", "-"),
        locale=locale(language),
    )
    root.add_child(instance=home)
    if default:
        Site.objects.filter(is_default_site=True).exclude(hostname=hostname, port=port).update(
            is_default_site=False
        )
    Site.objects.update_or_create(
        hostname=hostname,
        port=port,
        defaults={"root_page": home, "is_default_site": default, "site_name": title or hostname},
    )
    return home


def add_page(parent, page):
    if page.locale_id is None:
        page.locale = parent.locale
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def build_programme_index(parent, title="Programas", **kwargs):
    return add_page(parent, get_page_model_for("programme_index")(title=title, **kwargs))


def build_programme(parent, title="Programa de Acción Tutorial", **kwargs):
    return add_page(parent, get_page_model_for("programme")(title=title, **kwargs))


# Group workshops ------------------------------------------------------------------------------


def session_data(days=7, start="10:00", end="12:00", place="Aula 3", video_url=""):
    """Fields of a workshop session ``days`` from today (negative: in the past)."""
    import datetime

    from django.utils import timezone

    return {
        "date": timezone.localdate() + datetime.timedelta(days=days),
        "start_time": datetime.time.fromisoformat(start),
        "end_time": datetime.time.fromisoformat(end),
        "place": place,
        "video_url": video_url,
    }


def build_workshop(parent, title="Taller de técnicas de estudio", sessions=None, **kwargs):
    """A published group workshop under a programme, with its sessions (in the revision too).

    ``sessions`` is a list of :func:`session_data` dicts; by default one session in a week.
    """
    from tutoria_cms.core.choices import WorkshopTopic
    from tutoria_cms.workshops.models import WorkshopSession

    if sessions is None:
        sessions = [session_data()]
    kwargs.setdefault("topic", WorkshopTopic.STUDY_TECHNIQUES)
    kwargs.setdefault("capacity", 20)
    page = get_page_model_for("workshop")(
        title=title,
        workshop_sessions=[WorkshopSession(**data) for data in sessions],
        **kwargs,
    )
    return add_page(parent, page)


def add_registrations(workshop, count, status="confirmed", start=0, verified=True):
    """``count`` registrations written directly (fast test data; the app writes via services).

    ``verified``: as if confirmed from the e-mail on the student's record (the student's own
    registrations, with their pseudonym in evidence)."""
    from django.utils import timezone

    from tutoria_cms.workshops.models import WorkshopRegistration

    now = timezone.now()
    return WorkshopRegistration.objects.bulk_create(
        WorkshopRegistration(
            workshop_id=workshop.pk,
            student_number=f"A{number:06d}",
            full_name=f"Alumno {number}",
            email=f"alumno{number}@example.edu",
            consent=True,
            consent_at=now,
            status=status,
            language="es",
            identity_verified_at=now if verified else None,
        )
        for number in range(start, start + count)
    )


# Tutor directory (tutoria_cms.tutors) -------------------------------------------------------


def load_seed_framework():
    """The framework shipped in fixtures/ (loaded through the checked loader)."""
    from tutoria_cms.tutors.loader import load_framework_file
    from tutoria_cms.tutors.models import CompetencyFramework

    load_framework_file()
    return CompetencyFramework.objects.get(code="good-tutor")


def build_tutor_user(username, groups=("Tutors",), **kwargs):
    return UserFactory(username=username, groups=list(groups), **kwargs)


def build_tutor_index(parent, title="Tutores", **kwargs):
    return add_page(parent, get_page_model_for("tutor_index")(title=title, **kwargs))


def build_tutor_profile(
    parent, title="Dra. Ana Pérez", user=None, disciplines=(), expertise=(), **kwargs
):
    page = get_page_model_for("tutor_profile")(title=title, user=user, **kwargs)
    page.disciplines.add(*disciplines)
    page.expertise.add(*expertise)
    return add_page(parent, page)


def make_student(number="2019001", **kwargs):
    """A student record (academics) with enough hours for every eligibility rule."""
    from tutoria_cms.academics.models import StudentRecord

    values = {
        "full_name": "Maria da Silva",
        "email": f"{number}@example.edu",
        "curriculum_hours": 3000,
        "completed_hours": 2800,
    }
    values.update(kwargs)
    if "site" not in values and "site_id" not in values:
        from tutoria_cms.core.institutions import default_site

        values["site"] = default_site()
    return StudentRecord.objects.create(student_number=number, **values)


def walk(request, user_by_action, *actions, reason=""):
    """Take ``request`` through ``actions``, each by the user ``user_by_action`` names."""
    from tutoria_cms.requests import services

    for action in actions:
        request = services.transition(request, action, user_by_action[action], reason=reason)
    return request


def add_failures(student, component, absence=0, grade=0):
    from tutoria_cms.academics.models import ComponentRecord

    return ComponentRecord.objects.create(
        student=student,
        component=component,
        failures_by_absence=absence,
        failures_by_grade=grade,
    )


def assert_refused(response, also=()):
    """A logged-in user is refused: 403, 404, or Wagtail's redirect to the dashboard (its
    answer to PermissionDenied), never a redirect elsewhere (that would be a success)."""
    if response.status_code == 302:
        assert response["Location"] == "/admin/", response["Location"]
    else:
        assert response.status_code in (403, 404, *also), response.status_code


ROOT = Path(__file__).resolve().parent.parent


def run_with_settings(settings_module, *args, timeout=600):
    """``python *args`` in the repository under other settings (a site without an optional
    app, a site with its own base page). SQLite in memory: on PostgreSQL the child's test
    database would have the same name as this run's."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module}
    env.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def referral_service(site, name="Psicología", **kwargs):
    """A referral service of the institution ``site`` (Settings › Referral services)."""
    from tutoria_cms.requests.models import ReferralService

    return ReferralService.objects.get_or_create(site=site, name=name, defaults=kwargs)[0]


# Students (tutoria_cms.students) -------------------------------------------------------------


def build_student_area(parent, title="Mi espacio", **kwargs):
    return add_page(parent, get_page_model_for("student_area")(title=title, **kwargs))


def make_student_user(record, password="A-long-student-passphrase-42"):  # noqa: S107
    """A sign-in account linked to ``record`` (as a confirmed institutional e-mail links it)."""
    from django.contrib.auth import get_user_model

    from tutoria_cms.students.models import LinkMethod, StudentAccount

    user = get_user_model().objects.create_user(
        username=record.email, email=record.email, password=password
    )
    StudentAccount.objects.create(
        user=user, record=record, method=LinkMethod.VERIFIED_EMAIL, evidence=record.email
    )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=record.email, verified=True, primary=True)
    return user


def build_workshop_calendar(parent, title="Calendario de talleres", **kwargs):
    return add_page(parent, get_page_model_for("workshop_calendar")(title=title, **kwargs))
