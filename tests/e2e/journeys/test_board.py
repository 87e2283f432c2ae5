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


REDIRECT_REASON = "Hay grupo ordinario de Cálculo I en el turno vespertino, con lugares."
REGULAR_CLASS = "MAT101 – grupo 02 (vespertino)"


def test_board_member_redirects_an_individual_class_request_to_a_regular_class(
    site, term, component, sign_in, mailoutbox
):
    """Art. 242, § 1: the board prefers a regular class; the student is told which, why and
    what to do next, and the request page shows the outcome in its state and history."""
    coordinator = factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    factories.UserFactory(username="colegiado", groups=[roles.BOARD])
    individual = under_review(
        coordinator, "2019003", kind=RequestKind.INDIVIDUAL_CLASS, term=term, component=component
    )
    page = sign_in("colegiado")

    decide(page, individual, "Redirect to a regular class")
    page.get_by_label(es("Regular class")).fill(REGULAR_CLASS)
    page.get_by_label(es("Reasons")).fill(REDIRECT_REASON)
    page.get_by_role("button", name=es("Redirect to a regular class"), exact=True).click()
    done = es("Done: the request was %(action)s.")
    page.get_by_text(done % {"action": es("redirected to a regular class")}).wait_for()

    # The request page: its state, the regular class and the history's row.
    page.get_by_role("link", name=es("Tutoring requests"), exact=True).click()
    with translation.override("es"):
        title = str(individual.get_list_title())
    page.get_by_role("link", name=title).click()
    state = es("Redirected to a regular class")
    page.get_by_text(REGULAR_CLASS).first.wait_for()
    assert page.get_by_text(state, exact=True).count() >= 2  # the state and the history row

    individual.refresh_from_db()
    assert individual.state == RequestState.REDIRECTED
    assert individual.regular_class == REGULAR_CLASS
    assert individual.decision_reason == REDIRECT_REASON
    (message,) = [m for m in mailoutbox if "2019003@example.edu" in m.to]
    assert REDIRECT_REASON in message.body and REGULAR_CLASS in message.body
