"""Every state-changing view refuses a POST without a CSRF token, and changes nothing.

The views that take POST are collected like the permission matrix's (test_url_matrix.py):
class-based views of ours whose class has ``post``, Wagtail's page create and edit views
for our page types, our settings, the bulk actions on our models, and our pages that serve
a form (the workshop sign-up). Each is posted by a role the matrix allows on it (a superuser
where none is), with the fields of the form its page shows (as a browser would post them
back; nothing for views that only take POST): without a token, Django's CSRF check refuses
it (a failure view marks its 403 apart from permission refusals) and no row of the database
changes; with a valid token, the same POST gets past the CSRF check, so the first test can
fail.
"""

import string

import pytest
from django.conf import settings as django_settings
from django.utils.crypto import get_random_string

from . import inventory, urls
from .conftest import ROLES, changed_tables, db_state
from .forms import form_data
from .test_url_matrix import (
    ALLOWED,
    DASHBOARD,
    FUNCTION_VIEWS,
    NOT_OURS,
    READS_ONLY,
    REFUSES_ALL,
    SAFE_METHODS_ONLY,
    is_post_only,
    text_of,
    url_of,
)
from .views import HEADER

pytestmark = pytest.mark.django_db


def post_keys():
    keys = {name for name, view in inventory.our_views().items() if view.accepts_post}
    keys |= {key for key in urls.page_keys() if key.startswith(("page_add:", "page_edit:"))}
    keys |= set(urls.settings_keys()) | set(urls.bulk_keys())
    # Our pages that handle a form themselves (Page.serve only renders).
    keys |= {
        f"page_serve:{model._meta.label}"
        for model in inventory.our_page_models()
        if inventory.ours(model.serve.__module__)
    }
    return sorted(keys - set(NOT_OURS))


POST_KEYS = post_keys()

# What each POST carries besides the token (the same with and without it).
POST_DATA = {
    "page_serve:tutoria_workshops.GroupWorkshopPage": {
        "student_number": "S0099",
        "full_name": "Sara Sign-up",
        "email": "sara@example.edu",
        "consent": "on",
    },
    "tutoria_requests:transition": {"reason": "Done"},
}


def post_data(client, key, url):
    """The same data for both tests of a view: what its form shows the poster."""
    if key in POST_DATA:
        return POST_DATA[key]
    if is_post_only(key):
        return {}
    response = client.get(url)
    if response.status_code != 200:
        return {}
    data = form_data(text_of(response), url) or {}
    if key.startswith(("page_add:", "page_edit:")):
        # A stream field's block count is written by the editor's JavaScript.
        from django.apps import apps
        from wagtail.fields import StreamField

        model = apps.get_model(key.split(":", 1)[1])
        for field in model._meta.get_fields():
            if isinstance(field, StreamField) and f"{field.name}-count" not in data:
                data[f"{field.name}-count"] = ["0"]
    return data


# Views that show a page to more roles than may post to them: who posts.
POSTER = {
    # Everybody sees "my matrix"; tutors with a profile assess themselves.
    "tutoria_tutors:my_matrix": "tutor",
    # The tutor sees their matrix; other coordinators validate it.
    "tutoria_tutors:profile_matrix": "coordination",
}


def poster(key):
    """A role the matrix allows to use the view, else a superuser."""
    if key in POSTER:
        return POSTER[key]
    allowed = sorted(ALLOWED[key], key=ROLES.index)
    return allowed[0] if allowed else "superuser"


def set_csrf_cookie(client):
    secret = get_random_string(32, string.ascii_letters + string.digits)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = secret
    return secret


@pytest.fixture
def csrf_failure_view(settings):
    settings.CSRF_FAILURE_VIEW = "tests.security.views.csrf_failure"


def test_the_sweep_covers_the_known_forms():
    """The collection finds POST views of every kind (a collector that finds nothing would
    make the sweep pass vacuously)."""
    assert {
        "tutoria_requests:transition",
        "tutoria_mentoring_pairs:confirm",
        "tutoria_agreements:start_stage",
        "workshop_attendance:sheet",
        "page_edit:tutoria_tutors.TutorProfilePage",
        "page_add:tutoria_workshops.GroupWorkshopPage",
        "settings:tutoria_tutors.TutorDirectorySettings",
        "bulk:tutoria_requests.tutoringrequest:delete",
        "page_serve:tutoria_workshops.GroupWorkshopPage",
    } <= set(POST_KEYS)
    assert set(POST_KEYS) <= set(ALLOWED)


@pytest.mark.usefixtures("csrf_failure_view")
@pytest.mark.parametrize("key", POST_KEYS)
def test_a_post_without_csrf_token_is_refused_and_changes_nothing(world, csrf_browser, key):
    client = csrf_browser.as_role(poster(key))
    url = url_of(world, key)
    data = post_data(client, key, url)
    set_csrf_cookie(client)
    before = db_state()
    response = client.post(url, data)
    assert response.status_code == 403
    assert response.has_header(HEADER), "refused, but not by the CSRF check"
    assert changed_tables(before, db_state()) == []


@pytest.mark.usefixtures("csrf_failure_view")
@pytest.mark.parametrize("key", POST_KEYS)
def test_the_same_post_with_a_valid_token_passes_the_csrf_check(world, csrf_browser, key):
    role = poster(key)
    client = csrf_browser.as_role(role)
    url = url_of(world, key)
    data = post_data(client, key, url)
    token = set_csrf_cookie(client)
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert not response.has_header(HEADER)
    if role in ALLOWED[key]:
        # The view ran for a user it allows: a form (with errors) or a redirect onwards.
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            location = response["Location"]
            assert location != DASHBOARD and not location.startswith("/admin/login/")


def test_the_workshop_sign_up_registers_with_a_token(world, csrf_browser, settings):
    """The control at work: the public form, posted with a token, signs someone up (pending
    until confirmed from the e-mail; the institution has records, so a student of them)."""
    from tutoria_cms.workshops.models import WorkshopRegistration

    settings.CSRF_FAILURE_VIEW = "tests.security.views.csrf_failure"
    key = "page_serve:tutoria_workshops.GroupWorkshopPage"
    client = csrf_browser.as_role("anonymous")
    token = set_csrf_cookie(client)
    number = world.student_a.student_number
    data = {**POST_DATA[key], "student_number": number, "csrfmiddlewaretoken": token}
    response = client.post(url_of(world, key), data)
    assert response.status_code == 302
    assert WorkshopRegistration.objects.filter(student_number=number, status="pending").exists()


@pytest.mark.parametrize("key", sorted(FUNCTION_VIEWS))
def test_function_views_change_nothing_when_posted(world, csrf_browser, key):
    """Views without a class (not in the sweep): posted with a valid token, those that only
    read change nothing, and those that refuse everything refuse superusers too."""
    kind = FUNCTION_VIEWS[key]
    allowed = sorted(ALLOWED[key], key=ROLES.index)
    client = csrf_browser.as_role(allowed[0] if allowed else "superuser")
    token = set_csrf_cookie(client)
    before = db_state()
    response = client.post(url_of(world, key), {"csrfmiddlewaretoken": token})
    if kind == REFUSES_ALL:
        assert response.status_code == 302 and response["Location"] == DASHBOARD
    elif kind == SAFE_METHODS_ONLY:
        assert response.status_code == 405
    else:
        assert kind == READS_ONLY
        assert response.status_code == 200
    assert changed_tables(before, db_state()) == []
