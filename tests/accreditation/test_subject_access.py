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
    response = client.post(url, {"student_number": "A000001"}, HTTP_ACCEPT_LANGUAGE="en")
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


@pytest.mark.parametrize("role", [roles.QUALITY, roles.COORDINATION, roles.TUTORS])
def test_only_identified_exporters(client, role, student_data):
    user = factories.UserFactory(username=f"u-{role}", groups=[role])
    client.force_login(user)
    url = reverse("tutoria_accreditation:subject_access")
    response = client.post(url, {"student_number": "A000001"})
    assert response.status_code in (302, 403)
    assert not ExportJob.objects.exists()


def test_command(tmp_path, officer, student_data, capsys):
    path = tmp_path / "subject.xlsx"
    call_command("export_subject_data", "A000001", output=str(path), user="dpo")
    assert "Written to" in capsys.readouterr().out
    assert "Academic record" in read(path.read_bytes())
    quality = factories.UserFactory(username="q", groups=[roles.QUALITY])
    with pytest.raises(CommandError, match="may not export identified data"):
        call_command(
            "export_subject_data", "A000001", output=str(tmp_path / "x.xlsx"), user=quality.username
        )
    assert not (tmp_path / "x.xlsx").exists()
    call_command("export_subject_data", "NOBODY", output=str(tmp_path / "n.xlsx"), user="dpo")
    assert "Nothing is held" in capsys.readouterr().out
