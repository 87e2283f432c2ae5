"""Tutor journey: from the dashboard to the account's calendar feed, create the private feed
(its address shown once, to copy into a calendar app), then revoke it."""

import pytest

from tests import factories
from tests.e2e.journeys.conftest import es
from tutoria_cms.core import roles
from tutoria_cms.core.models import CalendarFeedToken

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_tutor_creates_and_revokes_their_calendar_feed(site, sign_in):
    tutor = factories.UserFactory(
        username="tutora.ana", first_name="Ana", last_name="Pérez", groups=[roles.TUTORS]
    )
    page = sign_in("tutora.ana")

    page.get_by_role("link", name=es("Account"), exact=True).first.click()
    page.get_by_role("tab", name=es("More actions")).click()
    page.get_by_role("link", name=es("Calendar feed")).click()
    page.get_by_role("heading", name=es("Calendar feed")).first.wait_for()
    page.get_by_text(es("You have no calendar feed.")).wait_for()

    page.get_by_role("button", name=es("Create my calendar feed")).click()
    page.get_by_text(
        es("Your calendar feed is ready. Copy its address now: it is shown only once.")
    ).wait_for()
    address = page.get_by_label(
        es("Address of your calendar feed (copy it now: it is shown only once)")
    ).input_value()
    assert address.startswith(site.get_site().root_url + "/calendar/")
    assert address.endswith(".ics")
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeedToken.objects.for_token(secret).user == tutor  # the address works

    page.get_by_role("button", name=es("Revoke the calendar feed")).click()
    page.get_by_text(es("Your calendar feed is revoked: its address no longer works.")).wait_for()
    page.get_by_text(es("You have no calendar feed.")).wait_for()
    assert CalendarFeedToken.objects.for_token(secret) is None  # the address no longer works
