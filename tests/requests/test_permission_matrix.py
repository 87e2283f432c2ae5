"""Every admin view of the request workflow x every role: allowed or refused, nothing else.

A refusal is a 403, a 404 (the object is invisible to the reader) or Wagtail's redirect
(to the login page for anonymous users, to the dashboard for users lacking the right).
"""

import pytest
from django.urls import reverse

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.core import roles
from tutoria_cms.requests import services

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "communications",
    "moderators",
    "assigned_tutor",
    "other_tutor",
    "coordination",
    "board",
    "orientation",
    "quality",
]


@pytest.fixture
def world(support_request, coordinator, board, orientation, tutor, other_tutor):
    request = services.assign_tutor(support_request, tutor, coordinator)
    actors = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    request = walk(request, actors, "submit", "review", "approve", "start")
    services.refer(request, tutor, reason="Orientación")
    users = {
        "anonymous": None,
        "communications": factories.UserFactory(username="com", groups=[roles.COMMUNICATIONS]),
        "moderators": factories.UserFactory(
            username="mod", groups=[roles.COMMUNICATIONS_MODERATORS]
        ),
        "assigned_tutor": tutor,
        "other_tutor": other_tutor,
        "coordination": coordinator,
        "board": board,
        "orientation": orientation,
        "quality": factories.UserFactory(username="qual", groups=[roles.QUALITY]),
    }
    return request, users


def urls(request):
    return {
        "list": reverse("tutoria_requests:list"),
        "inspect": reverse("tutoria_requests:inspect", args=[request.pk]),
        "close": reverse("tutoria_requests:transition", args=[request.pk, "close"]),
        "assign": reverse("tutoria_requests:assign", args=[request.pk]),
        "disclosure": reverse("tutoria_requests:disclosure", args=[request.pk]),
        "record_session": reverse("tutoria_requests:record_session", args=[request.pk]),
        "refer": reverse("tutoria_requests:refer", args=[request.pk]),
        "groups": reverse("tutoria_groups:index"),
        "reports": reverse("tutoria_reports:index"),
        "classes": reverse("tutoria_classes:index"),
        "import": reverse("tutoria_academics_import"),
    }


ALLOWED = {
    "list": {"assigned_tutor", "coordination", "board", "orientation"},
    "inspect": {"assigned_tutor", "coordination", "board", "orientation"},
    "close": {"assigned_tutor", "coordination"},
    "assign": {"coordination"},
    "disclosure": {"assigned_tutor", "orientation"},
    "record_session": {"assigned_tutor"},
    "refer": {"assigned_tutor"},
    "groups": {"coordination"},
    "reports": {"coordination"},
    "classes": {"coordination", "board"},
    "import": {"coordination"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", sorted(ALLOWED))
def test_permission_matrix(client, world, role, view):
    request, users = world
    if users[role] is not None:
        client.force_login(users[role])
    url = urls(request)[view]
    response = client.get(url)
    if role in ALLOWED[view]:
        assert response.status_code == 200, (role, view, response.status_code)
    else:
        assert response.status_code in (302, 403, 404), (role, view, response.status_code)
        if response.status_code == 302:
            assert response["Location"] != url
        assert "Orientación" not in response.text


def test_matrix_covers_every_url_of_the_workflow():
    """Collected from the URL resolver: a new view without a decision here fails."""
    from django.urls import URLResolver, get_resolver

    def named(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from named(pattern.url_patterns, namespace)
            elif pattern.name:
                yield f"{prefix}{pattern.name}"

    namespaces = {"tutoria_requests", "tutoria_groups", "tutoria_reports", "tutoria_classes"}
    found = {
        name for name in named(get_resolver().url_patterns) if name.split(":")[0] in namespaces
    }
    decided = {
        # in the matrix above
        "tutoria_requests:list",
        "tutoria_requests:inspect",
        "tutoria_requests:transition",
        "tutoria_requests:assign",
        "tutoria_requests:disclosure",
        "tutoria_requests:record_session",
        "tutoria_requests:refer",
        "tutoria_groups:index",
        "tutoria_reports:index",
        "tutoria_classes:index",
        # tested per role in test_admin*.py and test_sessions_referrals.py
        "tutoria_requests:add",
        "tutoria_requests:update_referral",
        "tutoria_groups:session",
        "tutoria_reports:inspect",
        "tutoria_reports:edit_report",
        "tutoria_reports:review",
        "tutoria_reports:prepare",
        "tutoria_classes:designate",
        # Wagtail's generic views, governed by the same permission policies
        "tutoria_requests:list_results",
        "tutoria_requests:history",
        "tutoria_requests:history_results",
        "tutoria_requests:usage",
        "tutoria_groups:index_results",
        "tutoria_groups:add",
        "tutoria_groups:edit",
        "tutoria_groups:delete",
        "tutoria_groups:history",
        "tutoria_groups:history_results",
        "tutoria_groups:usage",
        "tutoria_reports:index_results",
        "tutoria_reports:history",
        "tutoria_reports:history_results",
        "tutoria_classes:index_results",
    }
    assert found - decided == set(), "new views need a decision in the permission matrix"
