"""Board journey: from the dashboard, approve one request and deny another with a reason."""

import pytest
from django.utils import translation

from tests import factories
from tests.e2e.journeys.conftest import es
from tutoria_cms.core import roles
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind, RequestState

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "No cumple el art. 244: el componente no tiene reprobaciones registradas."


def under_review(coordinator, number, **kwargs):
    request = services.create_request(
        student=factories.make_student(number), user=coordinator, language="es", **kwargs
    )
    factories.walk(request, {"submit": coordinator, "review": coordinator}, "submit", "review")
    request.refresh_from_db()
    return request


def decide(page, request, action):
    """From the dashboard's menu: the queue, the request, then the action's form."""
    page.get_by_role("link", name=es("Tutoring requests"), exact=True).click()
    with translation.override("es"):
        title = str(request.get_list_title())
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name=es("Actions")).first.click()
    page.get_by_role("link", name=es(action), exact=True).click()


def test_board_member_approves_one_request_and_denies_another(
    site, term, component, sign_in, mailoutbox
):
    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    factories.UserFactory(username="colegiado", groups=[roles.BOARD])
    support = under_review(
        coordinator,
        "2019001",
        kind=RequestKind.SUPPORT,
        reasons=["academic"],
        description="Bajo rendimiento en el primer parcial.",
    )
    individual = under_review(
        coordinator, "2019002", kind=RequestKind.INDIVIDUAL_CLASS, term=term, component=component
    )
    page = sign_in("colegiado")

    decide(page, support, "Approve")
    page.get_by_role("button", name=es("Approve"), exact=True).click()
    done = es("Done: the request was %(action)s.")
    page.get_by_text(done % {"action": es("approved")}).wait_for()

    page.get_by_role("link", name=es("Dashboard")).click()
    decide(page, individual, "Deny")
    page.get_by_label(es("Reasons")).fill(REASON)
    page.get_by_role("button", name=es("Deny"), exact=True).click()
    page.get_by_text(done % {"action": es("denied")}).wait_for()

    support.refresh_from_db()
    individual.refresh_from_db()
    assert support.state == RequestState.APPROVED and support.decided_by.username == "colegiado"
    assert individual.state == RequestState.DENIED and individual.decision_reason == REASON
    (message,) = [m for m in mailoutbox if "2019002@example.edu" in m.to]
    assert REASON in message.body
