"""No admin form is a dead end: every admin view of the suite that takes a form (GET shows
it, POST takes it) shows, to each role allowed to use it, a form that can be submitted.

The views are collected from Django's URL resolver (``inventory``), the roles from the
matrix of test_url_matrix.py (plus superusers, where they open the page). A page fails when
it has no POST form, or when a POST form has no submit control (a button or an input of type
submit inside the form, or naming it in its ``form`` attribute): a user would fill the form
and find nothing to send it with (the coordinator's "new tutoring request" form had no Save
button).
"""

import pytest

from . import inventory, urls
from .forms import post_forms
from .test_url_matrix import ALLOWED

pytestmark = pytest.mark.django_db

# (view, role): pages that, for this role, show no form by design, and why.
NO_FORM_BY_DESIGN = {
    # "My competency matrix" tells an admin user without a tutor profile that they have none.
    **{
        ("tutoria_tutors:my_matrix", role): "no tutor profile: a message, no form"
        for role in (
            "communications",
            "moderators",
            "new_tutor",
            "coordination",
            "board",
            "orientation",
            "quality",
            "superuser",
        )
    },
    # The profile's tutor reads their whole matrix; only coordinators validate it there.
    ("tutoria_tutors:profile_matrix", "tutor"): "read-only for the profile's tutor",
    # Wagtail's delete view of a row that others protect explains why it cannot be deleted.
    ("tutoria_mentoring_participants:delete", "superuser"): "protected by a pair: a message",
    ("tutoria_partners:delete", "superuser"): "protected by agreements: a message",
    # The decision letter of a notice the e-mail delivered: the letter, nothing to record.
    **{
        ("tutoria_requests:letter", role): "notice delivered by e-mail: the letter only"
        for role in ("coordination", "superuser")
    },
}


def form_views():
    """Our admin views that show a form on GET and take it on POST."""
    return sorted(
        name
        for name, view in inventory.our_views().items()
        if view.route.startswith("admin/")
        and view.view_class is not None
        and view.accepts_post
        and not view.post_only
    )


def cases():
    found = []
    for name in form_views():
        roles = sorted(ALLOWED.get(name, frozenset()) - {"anonymous", "student"})
        found += [(name, role) for role in [*roles, "superuser"]]
    return found


def test_form_views_are_collected():
    """The collection finds the form views (the check below cannot pass by finding none)."""
    names = set(form_views())
    assert {
        "tutoria_requests:add",
        "tutoria_requests:record_session",
        "tutoria_mentoring_pairs:add_goal",
        "tutoria_agreements:complete_stage",
        "tutoria_academics_import",
    } <= names


@pytest.mark.parametrize(("name", "role"), cases())
def test_the_form_can_be_submitted(world, browser, name, role):
    url = urls.resolver_url(world, name, inventory.our_views()[name].route)
    response = browser.as_role(role).get(url)
    if role == "superuser" and response.status_code != 200:
        pytest.skip("superusers do not use this view")
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    # Wagtail's copy view shows the create form, which posts to the "add" URL.
    forms = post_forms(html, url) or post_forms(html, None, form_id="w-editor-form")
    if (name, role) in NO_FORM_BY_DESIGN:
        assert not forms, "the page has a form now: remove its NO_FORM_BY_DESIGN entry"
        return
    assert forms, f"{name} shows {role} no form posting to {url}"
    assert all(forms), f"{name} shows {role} a form without a submit control"
