"""Individual classes as the regulation runs them (issue #14, item 2; UFOPA Res. 331/2020,
arts. 241 and 246): no class starts without its designated tutor; the class tutor records the
class's sessions; the in-person share is tracked per class."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.requests.conftest import walk
from tutoria_cms.requests import services
from tutoria_cms.requests.models import IndividualClass, RequestState

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(class_request, coordinator, board):
    """An approved individual-class request: its class is open, no tutor designated yet."""
    return walk(
        class_request,
        {"submit": coordinator, "review": coordinator, "approve": board},
        "submit",
        "review",
        "approve",
    )


# A class cannot start without its tutor (art. 246) ------------------------------------------


def test_a_class_request_cannot_start_without_the_class_tutor(approved, coordinator):
    with pytest.raises(services.TransitionError) as error:
        services.transition(approved, "start", coordinator)
    assert error.value.code == "class_tutor_required"
    approved.refresh_from_db()
    assert approved.state == RequestState.APPROVED


def test_the_refusal_is_translated(approved, coordinator):
    for language, expected in (("pt-br", "docente-tutor da turma"), ("es", "tutor de la clase")):
        with translation.override(language):
            with pytest.raises(services.TransitionError) as error:
                services.transition(approved, "start", coordinator)
            assert expected in str(error.value.messages[0])


def test_a_class_request_starts_once_the_tutor_is_designated(approved, coordinator, tutor):
    services.designate_tutor(IndividualClass.objects.get(), tutor, coordinator)
    assert services.transition(approved, "start", coordinator).state == RequestState.IN_PROGRESS


def test_a_deactivated_class_tutor_does_not_start_the_class(approved, coordinator, tutor):
    services.designate_tutor(IndividualClass.objects.get(), tutor, coordinator)
    tutor.is_active = False
    tutor.save()
    with pytest.raises(services.TransitionError) as error:
        services.transition(approved, "start", coordinator)
    assert error.value.code == "inactive_tutor"


def test_the_start_screen_refuses_a_class_without_tutor(client, approved, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("tutoria_requests:transition", args=[approved.pk, "start"]), follow=True
    )
    approved.refresh_from_db()
    assert approved.state == RequestState.APPROVED
    assert "Designa al tutor de la clase" in response.content.decode()  # the admin speaks es
