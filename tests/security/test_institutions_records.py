"""Institutions kept apart in academic records and accreditation evidence (issue #13): an
import lands in the institution chosen (only one the person may import into, and the choice
cannot be swapped between preview and confirmation); export jobs and workbooks of another
institution are "not found"; an export or the indicators of another institution cannot be
asked for; the same student number in two institutions is two students."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from tests import factories
from tutoria_cms.academics.models import StudentRecord, Term
from tutoria_cms.academics.services import import_academics
from tutoria_cms.academics.views import SESSION_KEY
from tutoria_cms.accreditation import permissions as accreditation_permissions
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles

pytestmark = pytest.mark.django_db

IMPORT = "/admin/tutoria/academics/import/"
TERMS = b"code,name,starts_on,ends_on,kind\n2026-1,S1,2026-02-02,2026-06-30,regular\n"
STUDENTS = b"student_number,name,completed_hours,curriculum_hours\n7001,Estudiante Siete,100,3000\n"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sites(mx_home, br_home):
    return Site.objects.get(root_page=mx_home), Site.objects.get(root_page=br_home)


@pytest.fixture
def people(sites):
    mx, br = sites
    return {
        "mx_coordinator": factories.UserFactory(
            username="coord_mx", groups=[roles.COORDINATION], sites=[mx]
        ),
        "both_coordinator": factories.UserFactory(
            username="coord_both", groups=[roles.COORDINATION], sites=[mx, br]
        ),
        "mx_quality": factories.UserFactory(
            username="quality_mx", groups=[roles.QUALITY], sites=[mx]
        ),
        "br_quality": factories.UserFactory(
            username="quality_br", groups=[roles.QUALITY], sites=[br]
        ),
    }


def upload(client, data=TERMS, **fields):
    return client.post(IMPORT, {"file": SimpleUploadedFile("terms.csv", data), **fields})


def test_one_institution_imports_into_its_own_without_choosing(sites, people):
    mx, _br = sites
    client = client_for(people["mx_coordinator"])
    page = client.get(IMPORT)
    assert 'name="site"' not in page.text  # nothing to choose
    response = upload(client)
    assert response.status_code == 200, response.text[:2000]
    client.post(IMPORT, {"confirm": "1", "token": response.context["token"]})
    assert list(Term.objects.values_list("site", flat=True)) == [mx.pk]


def test_another_institution_cannot_be_chosen(sites, people):
    _mx, br = sites
    client = client_for(people["mx_coordinator"])
    response = upload(client, site=br.pk)
    # The field is not offered: the upload goes to the person's own institution, never to
    # the one posted.
    assert response.status_code == 200
    client.post(IMPORT, {"confirm": "1", "token": response.context["token"]})
    assert not Term.objects.filter(site=br).exists()


def test_a_person_of_both_institutions_chooses_and_the_choice_holds(sites, people):
    mx, br = sites
    client = client_for(people["both_coordinator"])
    page = client.get(IMPORT)
    assert 'name="site"' in page.text
    missing = upload(client)
    assert missing.status_code == 200 and "token" not in missing.context
    assert missing.context["form"].errors["site"]
    response = upload(client, site=br.pk)
    client.post(IMPORT, {"confirm": "1", "token": response.context["token"]})
    assert list(Term.objects.values_list("site", flat=True)) == [br.pk]
    assert not Term.objects.filter(site=mx).exists()


def test_the_preview_cannot_be_moved_to_another_institution(sites, people):
    _mx, br = sites
    client = client_for(people["mx_coordinator"])
    response = upload(client)
    session = client.session
    pending = session[SESSION_KEY]
    pending["site"] = br.pk  # a tampered (or stale) session
    session[SESSION_KEY] = pending
    session.save()
    followed = client.post(
        IMPORT, {"confirm": "1", "token": response.context["token"]}, follow=True
    )
    errors = [m for m in followed.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1, errors
    assert Term.objects.count() == 0


def test_the_same_student_number_is_two_students(sites):
    mx, br = sites
    import_academics("students.csv", STUDENTS, site=mx)
    import_academics(
        "students.csv", STUDENTS.replace(b"Estudiante Siete", b"Estudante Sete"), site=br
    )
    records = dict(
        StudentRecord.objects.filter(student_number="7001").values_list("site", "full_name")
    )
    assert records == {mx.pk: "Estudiante Siete", br.pk: "Estudante Sete"}


@pytest.fixture
def br_job(sites, people):
    _mx, br = sites
    job = ExportJob.objects.create(
        site=br,
        requested_by=people["br_quality"],
        status=ExportJob.Status.DONE,
        filters={"site": br.hostname},
    )
    job.file.save("evidencia-br.xlsx", ContentFile(b"PK\x03\x04 not really"), save=True)
    return job


def test_another_institutions_export_jobs_are_not_found(people, br_job):
    client = client_for(people["mx_quality"])
    for name in ("tutoria_accreditation:job", "tutoria_accreditation:download"):
        assert client.get(reverse(name, args=[br_job.pk])).status_code == 404, name
    listing = client.get(reverse("tutoria_accreditation:export")).text
    assert reverse("tutoria_accreditation:job", args=[br_job.pk]) not in listing
    assert br_job not in accreditation_permissions.visible_jobs(people["mx_quality"])
    # Its own institution's quality office downloads it.
    own = client_for(people["br_quality"])
    response = own.get(reverse("tutoria_accreditation:download", args=[br_job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_an_export_of_another_institution_cannot_be_started(sites, people):
    _mx, br = sites
    client = client_for(people["mx_quality"])
    response = client.post(reverse("tutoria_accreditation:export"), {"site": br.hostname})
    assert response.status_code == 200
    assert response.context["form"].errors["site"]
    assert not ExportJob.objects.exists()


def test_the_indicators_of_another_institution_are_not_shown(sites, people):
    mx, br = sites
    client = client_for(people["mx_quality"])
    response = client.get(reverse("tutoria_accreditation:indicators"), {"site": br.hostname})
    assert response.status_code == 200
    choices = [value for value, _label in response.context["form"].fields["site"].choices]
    assert choices == [mx.hostname]
    # The page counts the person's own institution, never the one asked for.
    assert response.context["export_context"].site == mx
