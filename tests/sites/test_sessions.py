"""Admin sessions end when idle (#15): not Django's two weeks from the sign-in."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


def test_sessions_expire_when_idle_and_each_request_renews_them():
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle <= datetime.timedelta(hours=1)
    user = factories.UserFactory(username="coord", groups=["Tutoring coordination"])
    client = Client()
    client.force_login(user)
    # A session about to end is renewed by the next request...
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=30))
    assert client.get("/admin/").status_code == 200
    assert Session.objects.get().expire_date >= timezone.now() + idle - datetime.timedelta(
        seconds=5
    )
    # ...and one left idle past the limit is over: back to the sign-in page.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
