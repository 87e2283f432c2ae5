"""The evidence browser (tutoria_cms.contrib.modeladmin): read only for everybody, visible to
the Quality office, pseudonymised, never a confidential string, exportable as safe .xlsx."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.accreditation.conftest import make_agreement
from tests.requests.conftest import make_student, walk
from tutoria_cms.contrib.modeladmin.models import ListingExport
from tutoria_cms.core import roles
from tutoria_cms.core.pseudonyms import Pseudonymiser
from tutoria_cms.partnerships.models import Agreement
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind, TutoringRequest, TutoringSession
from tutoria_cms.tutors.models import Competency, CompetencyAssessment
from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

pytestmark = pytest.mark.django_db

SECRET_DISCLOSURE = "SECRETO-DIVULGACION-4471"
SECRET_NOTES = "SECRETO-NOTAS-SESION-8812"
SECRET_REFERRAL = "SECRETO-CANALIZACION-3390"
SECRET_OUTCOME = "SECRETO-RESULTADO-5521"
SECRETS = (SECRET_DISCLOSURE, SECRET_NOTES, SECRET_REFERRAL, SECRET_OUTCOME)
STUDENT_NUMBER = "MX2024777"
FORMULA_TITLE = '=HYPERLINK("http://x","taller")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LISTINGS = (
    "requests",
    "sessions",
    "registrations",
    "attendance",
    "assessments",
    "agreements",
    "exports",
)
MODELS = {
    "requests": TutoringRequest,
    "sessions": TutoringSession,
    "registrations": WorkshopRegistration,
    "attendance": Attendance,
    "assessments": CompetencyAssessment,
    "agreements": Agreement,
    "exports": ListingExport,
}


def url(listing, action="index", pk=None):
    name = f"evidence_{listing}_modeladmin_{action}"
    return reverse(name, args=[pk] if pk is not None else [])


@pytest.fixture
def world(programme, term, mx_home):
    coordinator = factories.UserFactory(username="coord", groups=[roles.COORDINATION])
    board = factories.UserFactory(username="board", groups=[roles.BOARD])
    tutor = factories.UserFactory(username="tutor1", groups=[roles.TUTORS])
    actors = dict.fromkeys(("submit", "review", "start", "withdraw"), coordinator)
    actors.update(approve=board, deny=board, close=tutor)
    student = make_student(STUDENT_NUMBER, full_name="Lucía Hernández")
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        programme=programme,
        term=term,
        user=coordinator,
        reasons=["emotional"],
        description=SECRET_DISCLOSURE,
    )
    request = services.assign_tutor(request, tutor, coordinator)
    request = walk(request, actors, "submit", "review", "approve", "start")
    services.record_session(
        request,
        tutor,
        date=timezone.localdate(),
        modality="video",
        duration_minutes=50,
        private_notes=SECRET_NOTES,
    )
    referral = services.refer(request, tutor, reason=SECRET_REFERRAL)
    if referral is not None:
        type(referral).objects.filter(pk=referral.pk).update(outcome_notes=SECRET_OUTCOME)
    other = services.create_request(
        kind=RequestKind.PEER_MENTORING,
        student=make_student("MX2024888"),
        user=coordinator,
        mentoring_role="mentee",
    )
    walk(other, actors, "submit", "withdraw")

    workshop = factories.build_workshop(programme, title=FORMULA_TITLE, capacity=10)
    registrations = factories.add_registrations(workshop, 2)
    session = workshop.ordered_sessions[0]
    for registration, present in zip(registrations, (True, False), strict=True):
        Attendance.objects.create(session=session, registration=registration, present=present)

    framework = factories.load_seed_framework()
    index = factories.build_tutor_index(mx_home)
    profile = factories.build_tutor_profile(index, title="Ana Ramírez", user=tutor)
    competency = Competency.objects.filter(dimension__framework=framework).first()
    assessment = CompetencyAssessment.objects.create(
        profile=profile,
        competency=competency,
        self_level=2,
        evidence=SECRET_NOTES + "-ev",
    )
    assessment.validated_level = 2
    assessment.save()

    agreement = make_agreement("Convenio con Industrias", site=mx_home.get_site())
    return {
        "request": request,
        "other": other,
        "student": student,
        "coordinator": coordinator,
        "board": board,
        "tutor": tutor,
        "workshop": workshop,
        "assessment": assessment,
        "agreement": agreement,
    }


@pytest.fixture
def quality(db):
    return factories.UserFactory(username="calidad", groups=[roles.QUALITY])


@pytest.fixture
def identified_quality(db):
    user = factories.UserFactory(username="calidad2", groups=[roles.QUALITY])
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="tutoria_accreditation", codename="export_identified"
        )
    )
    return user


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


def refused(response):
    """Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard."""
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code == 403


def logged_in(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def text_of(response):
    if response.get("Content-Type") == XLSX:
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode()


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    data = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(book):
    return list(book.worksheets[0].iter_rows(values_only=True))


def every_page(client, world):
    """Every listing, every inspect view of the world's records, every export."""
    for listing in LISTINGS:
        yield client.get(url(listing))
        yield client.get(url(listing) + "?export=xlsx")
        for pk in MODELS[listing].objects.values_list("pk", flat=True):
            yield client.get(url(listing, "inspect", pk))


# Who may browse ---------------------------------------------------------------------------


def test_quality_office_sees_every_listing_and_the_menu(client, world, quality):
    client = logged_in(quality)
    for listing in LISTINGS:
        response = client.get(url(listing))
        assert response.status_code == 200, listing
    home = client.get(reverse("wagtailadmin_home"))
    assert "Evidence records" in home.text
    listing = client.get(url("requests")).text
    assert f"#{world['request'].pk}" in listing and "In progress" in listing
    assert "Download this listing (.xlsx)" in listing


@pytest.mark.parametrize(
    "role", [roles.TUTORS, roles.COMMUNICATIONS, roles.COORDINATION, roles.BOARD, roles.ORIENTATION]
)
def test_other_roles_are_refused(world, role):
    user = factories.UserFactory(username=f"u-{role}", groups=[role])
    client = logged_in(user)
    request_pk = world["request"].pk
    for address in (
        url("requests"),
        url("requests") + "?export=xlsx",
        url("requests", "inspect", request_pk),
        url("sessions"),
    ):
        response = client.get(address)
        assert refused(response), (role, address)
        assert SECRET_DISCLOSURE not in response.content.decode()
    if client.get(reverse("wagtailadmin_home")).status_code == 200:
        assert "Evidence records" not in client.get(reverse("wagtailadmin_home")).text
    assert not ListingExport.objects.exists()


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(url("requests"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["quality", "superuser"])
def test_nobody_adds_edits_or_deletes(world, who, request):
    user = request.getfixturevalue(who)
    client = logged_in(user)
    counts = {listing: MODELS[listing].objects.count() for listing in LISTINGS}
    states = dict(TutoringRequest.objects.values_list("pk", "state"))
    for listing in LISTINGS:
        for method in (client.get, client.post):
            response = method(url(listing, "create"), {"state": "closed", "title": "x"})
            assert refused(response), (listing, "create")
        for pk in MODELS[listing].objects.values_list("pk", flat=True):
            for action in ("edit", "delete"):
                for method in (client.get, client.post):
                    response = method(url(listing, action, pk), {"state": "closed"})
                    assert refused(response), (listing, action)
        # modeladmin's history view checks no permission: it is not offered at all.
        pk = MODELS[listing].objects.values_list("pk", flat=True).first()
        if pk is not None:
            assert client.get(f"/admin/evidence/{listing}/history/{pk}/").status_code == 404
        page = client.get(url(listing)).text
        assert url(listing, "create") not in page
    assert counts == {listing: MODELS[listing].objects.count() for listing in LISTINGS}
    assert states == dict(TutoringRequest.objects.values_list("pk", "state"))


def test_superuser_browses_read_only(world, superuser):
    client = logged_in(superuser)
    pk = world["request"].pk
    response = client.get(url("requests", "inspect", pk))
    assert response.status_code == 200
    assert url("requests", "edit", pk) not in response.text
    assert url("requests", "delete", pk) not in response.text
    listing = client.get(url("requests")).text
    assert url("requests", "edit", pk) not in listing


def test_the_apps_own_edit_links_are_kept(world):
    """The browser registers no admin URL finder: the requests app's links still work."""
    from wagtail.admin.admin_url_finder import AdminURLFinder

    finder = AdminURLFinder(world["coordinator"])
    edit_url = finder.get_edit_url(world["request"]) or ""
    assert "/evidence/" not in edit_url


# What is shown ----------------------------------------------------------------------------


def test_inspect_shows_the_request_and_its_history(world, quality):
    client = logged_in(quality)
    request = world["request"]
    response = client.get(url("requests", "inspect", request.pk))
    assert response.status_code == 200
    page = response.text
    assert "History" in page
    for state in ("Draft", "Submitted", "Under review", "Approved", "In progress"):
        assert state in page
    for username in ("coord", "board"):
        assert username in page
    # The change reason of the tutor assignment, by its name (not the code "assign_tutor").
    assert "Tutor assigned" in page and "assign_tutor" not in page
    pseudonym = Pseudonymiser()(STUDENT_NUMBER)
    assert pseudonym in page and STUDENT_NUMBER not in page
    assert "Lucía" not in page


def test_inspect_shows_assessment_and_agreement_history(world, quality):
    client = logged_in(quality)
    page = client.get(url("assessments", "inspect", world["assessment"].pk)).text
    assert "Ana Ramírez" in page and "Validated level" in page
    assert page.count("<tr>") >= 3  # header + created + changed
    page = client.get(url("agreements", "inspect", world["agreement"].pk)).text
    assert "Convenio con Industrias" in page and "History" in page


def test_no_confidential_string_anywhere(world, quality, identified_quality, superuser):
    for user in (quality, identified_quality, superuser):
        client = logged_in(user)
        for response in every_page(client, world):
            assert response.status_code == 200
            content = text_of(response)
            for secret in SECRETS:
                assert secret not in content, (user.username, secret)
            assert "Lucía" not in content and "alumno0@example.edu" not in content


def test_confidential_fields_cannot_be_probed_or_searched(world, quality, superuser):
    for user in (quality, superuser):
        client = logged_in(user)
        everything = client.get(url("requests")).context["result_count"]
        for probe in (
            f"?disclosure__description__icontains={SECRET_DISCLOSURE}",
            "?disclosure__description__icontains=nothing-like-this",
            "?referrals__reason__icontains=nothing-like-this",
            f"?q={SECRET_DISCLOSURE}",
        ):
            response = client.get(url("requests") + probe)
            if probe.startswith("?q="):
                assert response.context["result_count"] == 0
            else:
                assert response.context["result_count"] == everything, probe
        sessions = client.get(url("sessions") + "?private_notes__icontains=nothing-like-this")
        assert sessions.context["result_count"] == TutoringSession.objects.count()
        notes = client.get(url("sessions") + f"?q={SECRET_NOTES}")
        nothing = client.get(url("sessions") + "?q=nothing-like-this")
        assert notes.context["result_count"] == nothing.context["result_count"]


def test_student_numbers_are_pseudonymised_without_the_permission(world, quality):
    client = logged_in(quality)
    pseudonym = Pseudonymiser()(STUDENT_NUMBER)
    for listing in ("requests", "sessions"):
        page = client.get(url(listing)).text
        assert pseudonym in page and STUDENT_NUMBER not in page
    page = client.get(url("registrations")).text
    assert Pseudonymiser()("A000000") in page and "A000000" not in page
    # Searching by student number would re-identify a pseudonym: not offered.
    response = client.get(url("requests") + f"?q={STUDENT_NUMBER}")
    assert response.context["result_count"] == 0


def test_identified_permission_shows_student_numbers(world, identified_quality):
    client = logged_in(identified_quality)
    page = client.get(url("requests")).text
    assert STUDENT_NUMBER in page
    response = client.get(url("requests") + f"?q={STUDENT_NUMBER}")
    assert response.context["result_count"] == 1


def test_filters(world, quality):
    client = logged_in(quality)
    response = client.get(url("requests") + "?state__exact=in_progress")
    assert response.context["result_count"] == 1
    response = client.get(url("requests") + "?kind__exact=peer_mentoring")
    assert response.context["result_count"] == 1
    response = client.get(url("requests") + f"?term__id__exact={world['request'].term_id}")
    assert response.context["result_count"] == 1
    response = client.get(url("attendance") + "?present__exact=1")
    assert response.context["result_count"] == 1
    response = client.get(url("registrations") + f"?workshop={world['workshop'].pk}")
    assert response.context["result_count"] == 2


# Export -----------------------------------------------------------------------------------


def test_export_streams_the_filtered_listing_safely_and_is_logged(world, quality):
    client = logged_in(quality)
    response = client.get(url("requests") + "?state__exact=in_progress&export=xlsx")
    book = workbook(response)
    table = rows(book)
    assert table[0][:4] == ("Id", "Request", "Kind", "State")
    assert len(table) == 2 and table[1][0] == world["request"].pk
    assert table[1][3] == "In progress"
    pseudonym = Pseudonymiser()(STUDENT_NUMBER)
    assert pseudonym in table[1]
    assert all(STUDENT_NUMBER not in str(cell) for row in table for cell in row)
    log = ListingExport.objects.get()
    assert log.user == quality and log.username == "calidad"
    assert log.listing == "tutoria_requests.tutoringrequest"
    assert log.filters == {"state__exact": "in_progress"} and log.rows == 1
    assert not log.identified


def test_export_keeps_formula_looking_text_literal(world, quality):
    client = logged_in(quality)
    book = workbook(client.get(url("registrations") + "?export=xlsx"))
    sheet = book.worksheets[0]
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert cells and all(cell.value == FORMULA_TITLE for cell in cells)
    assert all(cell.data_type == "s" for cell in cells)
    numbers = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(numbers) == sorted(Pseudonymiser()(n) for n in ("A000000", "A000001"))


def test_every_export_opens_and_dates_are_dates(world, quality):
    client = logged_in(quality)
    for listing in LISTINGS:
        book = workbook(client.get(url(listing) + "?export=xlsx"))
        table = rows(book)
        assert table[0][0] == "Id"
    sessions = rows(workbook(client.get(url("sessions") + "?export=xlsx")))
    assert sessions[1][1] is not None and hasattr(sessions[1][1], "year")
    assert sessions[1][4] == 50


def test_identified_export(world, identified_quality):
    client = logged_in(identified_quality)
    table = rows(workbook(client.get(url("requests") + "?export=xlsx&q=" + STUDENT_NUMBER)))
    assert any(STUDENT_NUMBER in row for row in table[1:])
    log = ListingExport.objects.get()
    assert log.identified and log.search == STUDENT_NUMBER


def test_decision_reasons_are_withheld_from_pseudonymised_readers(
    world, quality, identified_quality
):
    """The history of a request showed the reason the board typed with a decision (free text
    about a student) to the pseudonymised quality office, which the workbook withholds."""
    reason = "SECRETO-MOTIVO-DECISION-7310"
    denied = services.create_request(
        kind=RequestKind.SUPPORT,
        student=make_student("MX2024999"),
        programme=world["request"].programme,
        term=world["request"].term,
        user=world["coordinator"],
        reasons=["academic"],
    )
    staff = dict.fromkeys(("submit", "review"), world["coordinator"])
    denied = walk(denied, staff, "submit", "review")
    denied = walk(denied, {"deny": world["board"]}, "deny", reason=reason)
    page = logged_in(quality).get(url("requests", "inspect", denied.pk)).text
    assert reason not in page
    assert "reason given (shown in identified exports)" in page and "Denied" in page
    page = logged_in(identified_quality).get(url("requests", "inspect", denied.pk)).text
    assert reason in page


def test_the_export_log_hides_an_identified_search_from_pseudonymised_readers(
    world, quality, identified_quality
):
    logged_in(identified_quality).get(url("requests") + "?export=xlsx&q=" + STUDENT_NUMBER)
    log = ListingExport.objects.get()
    page = logged_in(quality).get(url("exports", "inspect", log.pk)).text
    assert STUDENT_NUMBER not in page
    assert "(hidden: searched in an identified export)" in page
    page = logged_in(identified_quality).get(url("exports", "inspect", log.pk)).text
    assert STUDENT_NUMBER in page


def test_other_export_formats_are_not_offered(world, quality):
    client = logged_in(quality)
    assert client.get(url("requests") + "?export=csv").status_code == 404


def test_the_browser_speaks_spanish_and_portuguese(world, quality):
    client = logged_in(quality)
    page = client.get(url("requests"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Descargar este listado (.xlsx)" in page and "alumno(a) (seudónimo)" in page.lower()
    page = client.get(
        url("requests", "inspect", world["request"].pk), HTTP_ACCEPT_LANGUAGE="pt-br"
    ).content.decode()
    assert "Histórico" in page
