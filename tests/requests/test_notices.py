"""Art. 248 notices tell the truth (#14 item 5): "sent" only when the mail server accepted
the e-mail; a student without an address, or a refusal, is a to-do of coordination with a
printable letter, and nothing is recorded as sent that was not."""

from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.core import roles
from tutoria_cms.requests import dashboard, services
from tutoria_cms.requests.models import Notification

pytestmark = pytest.mark.django_db


def decide(request, coordinator, board, capture, **patches):
    walk(request, {"submit": coordinator, "review": coordinator}, "submit", "review")
    with capture(execute=True):
        services.transition(request, "approve", board)
    return Notification.objects.get(request=request)


def undelivered_count(user):
    items = {item.key: item for item in dashboard.work_items(user)}
    return items["requests_undelivered"].count


def test_a_student_without_an_address_is_not_told_it_was_sent(
    class_request, coordinator, board, django_capture_on_commit_callbacks
):
    student = class_request.student
    student.email = ""
    student.save()
    notification = decide(class_request, coordinator, board, django_capture_on_commit_callbacks)
    assert notification.status == Notification.Status.NO_ADDRESS
    assert notification.sent_at is None and len(mail.outbox) == 0
    assert undelivered_count(coordinator) == 1
    # Retried by the periodic command only once the record has an address.
    call_command("send_tutoria_notifications")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.NO_ADDRESS and len(mail.outbox) == 0
    student.email = "found@example.edu"
    student.save()
    call_command("send_tutoria_notifications")
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert mail.outbox[0].to == ["found@example.edu"]
    assert undelivered_count(coordinator) == 0


def test_a_message_the_server_did_not_accept_is_failed(
    class_request, coordinator, board, django_capture_on_commit_callbacks
):
    with mock.patch("tutoria_cms.requests.tasks.send_mail", return_value=0):
        notification = decide(class_request, coordinator, board, django_capture_on_commit_callbacks)
    assert notification.status == Notification.Status.FAILED
    assert notification.last_error == "NotAccepted" and notification.sent_at is None


def test_coordination_prints_the_letter_and_marks_it_delivered(
    class_request, coordinator, board, django_capture_on_commit_callbacks
):
    class_request.student.email = ""
    class_request.student.save()
    notification = decide(class_request, coordinator, board, django_capture_on_commit_callbacks)
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(coordinator)
    # From the dashboard's to-do to the request, then its letter.
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    listing = reverse("tutoria_requests:list") + "?attention=undelivered"
    assert listing.replace("&", "&amp;") in home or listing in home
    page = client.get(reverse("tutoria_requests:inspect", args=[class_request.pk]))
    letter_url = reverse("tutoria_requests:letter", args=[class_request.pk])
    assert letter_url in page.content.decode()
    html = client.get(letter_url).content.decode()
    assert "Imprimir la carta" in html
    printed = client.get(reverse("tutoria_requests:print_letter", args=[class_request.pk]))
    printed = printed.content.decode()
    # The notice in the student's language (the request's: pt-br), with their name.
    assert class_request.student.full_name in printed
    assert 'lang="pt-br"' in printed
    response = client.post(letter_url)
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Notification.Status.LETTER
    assert notification.sent_at is not None
    assert undelivered_count(coordinator) == 0
    # Twice is refused with a message, not recorded again.
    response = client.post(letter_url)
    assert "ya se había entregado" in response.content.decode()


def test_only_coordination_of_the_institution_prints_letters(
    class_request, coordinator, board, django_capture_on_commit_callbacks
):
    class_request.student.email = ""
    class_request.student.save()
    decide(class_request, coordinator, board, django_capture_on_commit_callbacks)
    letter_url = reverse("tutoria_requests:letter", args=[class_request.pk])
    other_site = factories.build_site("pt-br", "outra.localhost", title="Outra")
    elsewhere = factories.UserFactory(
        username="coord-br", groups=[roles.COORDINATION], sites=[other_site.get_site()]
    )
    # Refused: Wagtail sends a refused admin user to the dashboard; another institution's
    # request is not found.
    for user, status in ((board, 302), (elsewhere, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(letter_url).status_code == status
        assert client.post(letter_url).status_code == status
    assert Notification.objects.get(request=class_request).status == Notification.Status.NO_ADDRESS


# --- The referral loop closes (#14 item 8): the tutor hears when the service accepts or closes


@pytest.fixture
def referral(support_request, coordinator, board, tutor):
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    request = walk(request, actors, "submit", "review", "approve", "start")
    # The decision e-mail to the student is another matter: out of the way.
    Notification.objects.update(status=Notification.Status.SENT)
    return services.refer(request, tutor, reason="ZZ-REFERRAL-REASON")


def to_tutor(tutor):
    """The e-mails to the tutor (the student hears of their referral too: test_student_notices)."""
    return [message for message in mail.outbox if message.to == [tutor.email]]


def test_the_tutor_is_told_when_the_service_accepts_and_closes(
    referral, tutor, orientation, django_capture_on_commit_callbacks
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(tutor)
    profile.preferred_language = "pt-br"
    profile.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_referral(
            referral, orientation, status="attended", outcome_notes="ZZ-OUTCOME-NOTES"
        )
    assert len(to_tutor(tutor)) == 1
    message = to_tutor(tutor)[0]
    assert message.to == [tutor.email]
    assert message.subject == f"Encaminhamento da solicitação nº {referral.request_id}: Atendido"
    assert reverse("tutoria_requests:inspect", args=[referral.request_id]) in message.body
    # Never what the tutor or the service wrote.
    assert "ZZ-" not in message.body + message.subject
    with django_capture_on_commit_callbacks(execute=True):
        services.update_referral(referral, orientation, status="follow_up")
    assert len(to_tutor(tutor)) == 1  # follow-up is no news
    with django_capture_on_commit_callbacks(execute=True):
        services.update_referral(referral, orientation, status="closed")
    assert len(to_tutor(tutor)) == 2 and "encerrado" in to_tutor(tutor)[1].body
    call_command("send_tutoria_notifications")
    assert len(to_tutor(tutor)) == 2  # each news once
    # And on the tutor's dashboard.
    items = {item.key: item for item in dashboard.work_items(tutor)}
    news = items["tutor_referral_news"]
    assert news.count == 1
    assert news.links[0].url == reverse("tutoria_requests:inspect", args=[referral.request_id])


def test_the_tutor_is_not_told_of_their_own_change(
    referral, tutor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_referral(referral, tutor, status="closed")
    call_command("send_tutoria_notifications")
    assert len(to_tutor(tutor)) == 0


def test_a_failed_referral_news_is_retried(
    referral, tutor, orientation, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with (
        mock.patch("tutoria_cms.requests.tasks.send_mail", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.update_referral(referral, orientation, status="attended")
    assert len(to_tutor(tutor)) == 0
    call_command("send_tutoria_notifications")
    assert len(to_tutor(tutor)) == 1 and to_tutor(tutor)[0].to == [tutor.email]
