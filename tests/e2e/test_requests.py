"""A board member denies a tutoring request, with a reason, in a real browser."""

import pytest

from tests import factories
from tests.requests.conftest import make_student, walk
from tutoria_cms.core import roles
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind, RequestState

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "No cumple el art. 244: el componente no tiene reprobaciones registradas."


def test_board_member_denies_a_request_with_a_reason(site, term, component, login, mailoutbox):
    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    factories.UserFactory(username="colegiado", groups=[roles.BOARD])
    request = services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=make_student("2019001"),
        term=term,
        component=component,
        user=coordinator,
        language="es",
    )
    walk(request, {"submit": coordinator, "review": coordinator}, "submit", "review")
    request.refresh_from_db()
    assert request.state == RequestState.UNDER_REVIEW
    mailoutbox.clear()
    page = login("colegiado")

    page.get_by_role("link", name="Tutoring requests").click()
    page.get_by_role("link", name=request.get_list_title()).click()
    page.wait_for_url(f"**/admin/tutoria/requests/inspect/{request.pk}/")
    assert page.get_by_text("Under review").first.is_visible()
    page.get_by_role("navigation", name="Actions").get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Deny", exact=True).click()
    page.wait_for_url(f"**/admin/tutoria/requests/{request.pk}/action/deny/")

    # Without a reason the form refuses, and nothing changes.
    page.get_by_role("button", name="Deny", exact=True).click()
    page.get_by_text("This field is required.").wait_for()
    request.refresh_from_db()
    assert request.state == RequestState.UNDER_REVIEW

    page.get_by_label("Reasons").fill(REASON)
    page.get_by_role("button", name="Deny", exact=True).click()
    page.wait_for_url(f"**/admin/tutoria/requests/inspect/{request.pk}/")
    page.get_by_text("Done: the request was denied.").wait_for()

    request.refresh_from_db()
    assert request.state == RequestState.DENIED
    assert request.decision_reason == REASON
    assert request.decided_by.username == "colegiado"
    # The student is told once, with the reasons.
    (message,) = [m for m in mailoutbox if "2019001@example.edu" in m.to]
    assert REASON in message.body
