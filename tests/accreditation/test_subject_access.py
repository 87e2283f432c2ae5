"""Subject access: one student's data from every installed app, identified-export only."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests import factories
from tests.requests.conftest import make_student, walk
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles
from tutoria_cms.core.institutions import default_site
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind

pytestmark = pytest.mark.django_db

PURPOSE = "Solicitud de acceso de la alumna del 2026-12-01"


@pytest.fixture
def officer(db):
    user = factories.UserFactory(username="dpo", groups=[roles.QUALITY])
    user.user_permissions.add(Permission.objects.get(codename="export_identified"))
    return user


@pytest.fixture
def student_data(workshop):
    coordinator = factories.UserFactory(username="c", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="b", groups=[roles.BOARD])
    tutor = factories.UserFactory(username="t", groups=[roles.TUTORS])
    student = make_student("A000001", full_name="Ana Subject")
    make_student("A999999", full_name="Other Student")
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        user=coordinator,
        reasons=["emotional"],
        description="MY-OWN-WORDS",
    )
    request = services.assign_tutor(request, tutor, coordinator)
    request = walk(
        request,
        {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator},
        "submit",
        "review",
        "approve",
        "start",
    )
    services.refer(request, tutor, reason="REFERRAL-REASON")
    services.log_sensitive_read(tutor, request, "disclosure")
    factories.add_registrations(workshop, 2)  # A000000, A000001
    import datetime

    from tutoria_cms.academics.models import Term, TermStanding

    term = Term.objects.create(
        site=default_site(),
        code="2026-1",
        name="2026/1",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
    )
    TermStanding.objects.create(student=student, term=term, failed_components=2, lagging=True)
    return student


def read(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_admin_downloads_everything_about_one_student(client, officer, student_data):
    client.force_login(officer)
    url = reverse("tutoria_accreditation:subject_access")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"student_number": "A000001", "purpose": PURPOSE}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    sheets = read(response.content)
    assert sheets["Academic record"][1][:2] == ("A000001", "Ana Subject")
    assert sheets["Term outcomes"][1:] == [("2026-1", 2, True, False)]
    assert sheets["Confidential details"][1][2] == "MY-OWN-WORDS"
    assert sheets["Referrals"][1][3] == "REFERRAL-REASON"
    assert [row[3] for row in sheets["Request history"][1:]] == [
        "Draft",
        "Draft",
        "Submitted",
        "Under review",
        "Approved",
        "In progress",
    ]
    # The tutor's earlier read, then this export's own reads of what the workbook shows.
    reads = [(row[2], row[3]) for row in sheets["Confidential reads"][1:]]
    assert reads[0] == ("t", "Confidential details")
    assert sorted(reads[1:]) == [
        ("dpo", "Confidential details"),
        ("dpo", "Referral reasons and outcomes"),
    ]
    assert len(sheets["Workshop registrations"]) == 2  # header + this student's only
    text = str(sheets)
    assert "Other Student" not in text and "A000000" not in text
    job = ExportJob.objects.get()
    assert job.identified and job.requested_by == officer
    assert "A000001" not in str(job.filters)  # the log names the student by pseudonym
    assert job.purpose == PURPOSE


@pytest.mark.parametrize("role", [roles.QUALITY, roles.COORDINATION, roles.TUTORS])
def test_only_identified_exporters(client, role, student_data):
    user = factories.UserFactory(username=f"u-{role}", groups=[role])
    client.force_login(user)
    url = reverse("tutoria_accreditation:subject_access")
    response = client.post(url, {"student_number": "A000001", "purpose": PURPOSE})
    assert response.status_code in (302, 403)
    assert not ExportJob.objects.exists()


def test_command(tmp_path, officer, student_data, capsys):
    path = tmp_path / "subject.xlsx"
    call_command("export_subject_data", "A000001", output=str(path), user="dpo", purpose=PURPOSE)
    assert "Written to" in capsys.readouterr().out
    assert "Academic record" in read(path.read_bytes())
    quality = factories.UserFactory(username="q", groups=[roles.QUALITY])
    with pytest.raises(CommandError, match="may not export identified data"):
        call_command(
            "export_subject_data",
            "A000001",
            output=str(tmp_path / "x.xlsx"),
            user=quality.username,
            purpose=PURPOSE,
        )
    assert not (tmp_path / "x.xlsx").exists()
    call_command(
        "export_subject_data",
        "NOBODY",
        output=str(tmp_path / "n.xlsx"),
        user="dpo",
        purpose=PURPOSE,
    )
    assert "Nothing is held" in capsys.readouterr().out


def test_a_written_purpose_is_required(client, officer, student_data):
    client.force_login(officer)
    url = reverse("tutoria_accreditation:subject_access")
    response = client.post(url, {"student_number": "A000001", "purpose": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["purpose"]
    assert not ExportJob.objects.exists()
    with pytest.raises(CommandError):
        call_command("export_subject_data", "A000001", output="x.xlsx", user="dpo")


def test_the_purpose_is_shown_with_the_log_to_identified_readers_only(
    client, officer, student_data
):
    client.force_login(officer)
    client.post(
        reverse("tutoria_accreditation:subject_access"),
        {"student_number": "A000001", "purpose": PURPOSE},
    )
    job = ExportJob.objects.get()
    url = reverse("tutoria_accreditation:job", args=[job.pk])
    assert PURPOSE in client.get(url).content.decode()
    reader = factories.UserFactory(username="q", groups=[roles.QUALITY])
    reader.user_permissions.add(Permission.objects.get(codename="export_evidence"))
    client.force_login(reader)
    response = client.get(url)
    assert PURPOSE not in response.content.decode()


def test_superusers_get_the_confidential_texts_withheld(client, student_data):
    """They are refused confidential details in every view: subject access is no way round."""
    from tutoria_cms.requests.models import SensitiveRead

    root = factories.UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    response = client.post(
        reverse("tutoria_accreditation:subject_access"),
        {"student_number": "A000001", "purpose": PURPOSE},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    sheets = read(response.content)
    text = str(sheets)
    assert "MY-OWN-WORDS" not in text and "REFERRAL-REASON" not in text
    assert sheets["Confidential details"][1][2] == "[withheld: confidential]"
    assert sheets["Academic record"][1][:2] == ("A000001", "Ana Subject")  # the rest is there
    assert not SensitiveRead.objects.filter(user=root).exists()


def test_groups_classes_reports_and_notices(client, officer, student_data):
    import datetime

    from tutoria_cms.academics.models import CurricularComponent, Term
    from tutoria_cms.requests.models import (
        ClassSession,
        GroupSession,
        IndividualClass,
        StudentGroup,
        TermReport,
        TutoringRequest,
    )

    term = Term.objects.get()
    tutor = factories.UserFactory(username="gt", groups=[roles.TUTORS])
    other = make_student("A000002", full_name="Other Member")
    group = StudentGroup.objects.create(code="G-7", name="Grupo siete", term=term, tutor=tutor)
    group.members.add(student_data, other)
    attended = GroupSession.objects.create(
        group=group,
        date=datetime.date(2026, 3, 2),
        topic="Hábitos",
        modality="in_person",
        duration_minutes=60,
    )
    attended.attendees.add(student_data)
    missed = GroupSession.objects.create(
        group=group,
        date=datetime.date(2026, 3, 9),
        topic="SKIPPED-TOPIC",
        modality="in_person",
        duration_minutes=60,
    )
    missed.attendees.add(other)
    TermReport.objects.create(term=term, tutor=tutor, group=group, progress="GROUP-PROGRESS")
    request = TutoringRequest.objects.get(student=student_data)
    component = CurricularComponent.objects.create(
        site=request.site, code="MAT1", name="Cálculo", hours=60
    )
    individual = IndividualClass.objects.create(term=term, component=component, tutor=tutor)
    individual.requests.add(request)
    ClassSession.objects.create(
        individual_class=individual,
        date=datetime.date(2026, 4, 1),
        modality="in_person",
        duration_minutes=90,
    )
    client.force_login(officer)
    sheets = read(
        client.post(
            reverse("tutoria_accreditation:subject_access"),
            {"student_number": "A000001", "purpose": PURPOSE},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content
    )
    assert sheets["Student groups"][1:] == [("G-7", "Grupo siete", "2026-1")]
    assert [row[2] for row in sheets["Group sessions attended"][1:]] == ["Hábitos"]
    assert sheets["End-of-term reports"][1][2:4] == ("G-7", "GROUP-PROGRESS")
    assert sheets["Individual classes"][1][:3] == (individual.pk, "2026-1", "MAT1")
    assert sheets["Class sessions"][1][::3] == (individual.pk, 90)
    # The student's news, named (never the event's key).
    assert {row[1] for row in sheets["Notices"][1:]} == {
        "Decision notice",
        "Tutor assigned",
        "Referral news",
    }
    assert "Other Member" not in str(sheets) and "SKIPPED-TOPIC" not in str(sheets)


def test_workshop_registrations_of_another_institution_are_left_out(
    client, student_data, br_programme
):
    """Student numbers are per institution: the same number elsewhere is someone else."""
    officer = factories.UserFactory(
        username="mx-dpo", groups=[roles.QUALITY], sites=[default_site()]
    )
    officer.user_permissions.add(Permission.objects.get(codename="export_identified"))
    br_workshop = factories.build_workshop(br_programme, title="Oficina do Brasil", capacity=5)
    factories.add_registrations(br_workshop, 2)  # A000000, A000001 of the Brazilian site
    client.force_login(officer)
    sheets = read(
        client.post(
            reverse("tutoria_accreditation:subject_access"),
            {"student_number": "A000001", "purpose": PURPOSE},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content
    )
    assert "Oficina do Brasil" not in str(sheets)
    assert len(sheets["Workshop registrations"]) == 2
