"""Wagtail's own admin views that reach the suite's data, in the permission matrix.

The matrix of ``test_url_matrix.py`` covers the views of the suite; these are Wagtail's own
(the admin API, choosers, copy and move, history, revisions and compare, workflow history,
reports, search, the user bar) called with the world's pages and documents. For each role:
the answer expected (allowed or refused, never a server error), no confidential text the role
may not read, nothing of the other institution. Then searches: what a role may not read is
not found by searching for it. Then combinations: a user creates something they may create,
and others look for it where they may look.
"""

import json
import re

import pytest
from django.urls import reverse

from .conftest import PERSONAL, ROLES, SECRETS, assert_for_each, others_data

pytestmark = pytest.mark.django_db


def _profile(w):
    """The tutor's profile as it is now (each test's revisions are rolled back with it)."""
    return type(w.profile_a).objects.get(pk=w.profile_a.pk)


def _type(model_label):
    app_label, model = model_label.lower().split(".")
    return [app_label, model]


VIEWS = {
    # Admin API (the page explorer and choosers read it).
    "api:pages": lambda w: reverse("wagtailadmin_api:pages:listing") + "?fields=*",
    "api:page_detail": lambda w: reverse("wagtailadmin_api:pages:detail", args=[_profile(w).pk]),
    "api:documents": lambda w: reverse("wagtailadmin_api:documents:listing"),
    "api:document_detail": lambda w: reverse(
        "wagtailadmin_api:documents:detail", args=[w.deliverable.pk]
    ),
    "api:images": lambda w: reverse("wagtailadmin_api:images:listing"),
    # Choosers.
    "chooser:page": lambda w: reverse("wagtailadmin_choose_page"),
    "chooser:page_child": lambda w: reverse(
        "wagtailadmin_choose_page_child", args=[w.tutor_index.pk]
    ),
    "chooser:document": lambda w: reverse("wagtaildocs_chooser:choose"),
    "chooser:document_results": lambda w: reverse("wagtaildocs_chooser:choose_results"),
    "chooser:document_chosen": lambda w: reverse(
        "wagtaildocs_chooser:chosen", args=[w.deliverable.pk]
    ),
    "chooser:image": lambda w: reverse("wagtailimages_chooser:choose"),
    # A tutor's profile page: copy, move, history, revisions, usage, workflow history.
    "page:copy": lambda w: reverse("wagtailadmin_pages:copy", args=[_profile(w).pk]),
    "page:move": lambda w: reverse("wagtailadmin_pages:move", args=[_profile(w).pk]),
    "page:history": lambda w: reverse("wagtailadmin_pages:history", args=[_profile(w).pk]),
    "page:revisions": lambda w: reverse(
        "wagtailadmin_pages:revisions_index", args=[_profile(w).pk]
    ),
    "page:revision_view": lambda w: reverse(
        "wagtailadmin_pages:revisions_view",
        args=[_profile(w).pk, _profile(w).latest_revision_id],
    ),
    "page:revisions_compare": lambda w: reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[_profile(w).pk, "earliest", "latest"],
    ),
    "page:usage": lambda w: reverse("wagtailadmin_pages:usage", args=[_profile(w).pk]),
    "page:workflow_history": lambda w: reverse(
        "wagtailadmin_pages:workflow_history", args=[w.workshop.pk]
    ),
    "page:type_use": lambda w: reverse(
        "wagtailadmin_pages:type_use", args=_type(type(_profile(w))._meta.label)
    ),
    "page:preview": lambda w: reverse("wagtailadmin_pages:preview_on_edit", args=[_profile(w).pk]),
    "document:usage": lambda w: reverse("wagtaildocs:document_usage", args=[w.deliverable.pk]),
    # Reports and search.
    "report:site_history": lambda w: reverse("wagtailadmin_reports:site_history_results"),
    "report:aging_pages": lambda w: reverse("wagtailadmin_reports:aging_pages_results"),
    "report:locked_pages": lambda w: reverse("wagtailadmin_reports:locked_pages_results"),
    "report:page_types_usage": lambda w: reverse("wagtailadmin_reports:page_types_usage"),
    "report:workflow": lambda w: reverse("wagtailadmin_reports:workflow_results"),
    "report:workflow_tasks": lambda w: reverse("wagtailadmin_reports:workflow_tasks_results"),
    "search:pages": lambda w: reverse("wagtailadmin_pages:search_results") + "?q=a",
    # The user bar, on a tutor's public profile.
    "userbar": lambda w: _profile(w).get_url(),
}


# Who gets an answer from each view (everyone else is refused). Wagtail decides from the page
# permissions the roles hold through their institution's groups (core.InstitutionGroup): the
# communications roles on the whole tree (moderators also move and see locked pages), every
# tutor on the tutor directory (their own profile only beyond listings and reports).
ADMIN_USERS = frozenset(ROLES) - {"anonymous", "student"}
PAGE_ROLES = frozenset({"communications", "moderators", "tutor", "other_tutor", "new_tutor"})
PROFILE_A = frozenset({"communications", "moderators", "tutor"})
COMMUNICATIONS = frozenset({"communications", "moderators"})
ALLOWED = {
    "api:pages": ADMIN_USERS,
    "api:page_detail": PAGE_ROLES,
    "api:documents": ADMIN_USERS,
    # The deliverable is in the agreements' collection of institution A: partnership staff
    # (coordination) only (core.documents, tests/security/test_private_documents.py).
    "api:document_detail": frozenset({"coordination"}),
    "api:images": ADMIN_USERS,
    "chooser:page": ADMIN_USERS,
    "chooser:page_child": ADMIN_USERS,
    "chooser:document": ADMIN_USERS,
    "chooser:document_results": ADMIN_USERS,
    "chooser:document_chosen": frozenset({"coordination"}),
    "chooser:image": ADMIN_USERS,
    "page:copy": PROFILE_A,
    "page:move": frozenset({"moderators"}),
    "page:history": PROFILE_A,
    # Wagtail 8 shows a page's revisions in its history: the old URL redirects there.
    "page:revisions": frozenset(),
    "page:revision_view": PROFILE_A,
    "page:revisions_compare": PROFILE_A,
    "page:usage": PROFILE_A,
    "page:workflow_history": COMMUNICATIONS,
    "page:type_use": PAGE_ROLES,
    "page:preview": PROFILE_A,
    # Usage of a restricted document: nobody (Wagtail asks for the "change" permission on
    # its collection, which no role holds on the agreements' collection).
    "document:usage": frozenset(),
    "report:site_history": ADMIN_USERS,
    "report:aging_pages": PAGE_ROLES,
    "report:locked_pages": COMMUNICATIONS,
    "report:page_types_usage": PAGE_ROLES,
    "report:workflow": PAGE_ROLES,
    "report:workflow_tasks": PAGE_ROLES,
    "search:pages": PAGE_ROLES,
    "userbar": frozenset(ROLES),  # a public page
}
ADMIN_LOGIN = "/admin/login/"
DASHBOARD = "/admin/"


def text_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_hides(text, role, world, where):
    leaked = [s for s, readers in SECRETS.items() if s in text and role not in readers]
    leaked += [data for data in others_data(world, "a") if data in text]
    assert not leaked, (where, role, leaked)


@pytest.fixture
def revision(world):
    """A draft of the tutor's profile (a revision to view and compare)."""
    return _profile(world).save_revision(user=world.users["tutor"])


@pytest.mark.parametrize("key", sorted(VIEWS))
def test_wagtail_views_in_the_matrix(world, browser, revision, key):
    """The Wagtail view of ``key`` asked by every role: the decision of ``ALLOWED``, and no
    confidential text but its readers'."""
    url = VIEWS[key](world)

    def check(role):
        response = browser.as_role(role).get(url)
        text = text_of(response)
        if role in ALLOWED[key]:
            assert response.status_code == 200, (response.status_code, response.get("Location"))
        else:
            status = response.status_code
            if status == 302:
                location = response["Location"]
                assert (
                    location == DASHBOARD
                    or location.startswith(ADMIN_LOGIN)
                    or (key == "page:revisions" and location.endswith("/history/"))
                ), location
            else:
                assert status in (403, 404), status
            assert not [data for data in PERSONAL if data in text]
        assert_hides(text, role, world, key)

    assert_for_each(ROLES, check)


def test_every_view_has_a_decision():
    assert set(VIEWS) == set(ALLOWED)


# Searching Wagtail's search boxes and the admin API for what a role may not read ---------------

SEARCHES = {
    "pages": lambda q: reverse("wagtailadmin_pages:search_results") + f"?q={q}",
    "page_chooser": lambda q: reverse("wagtailadmin_choose_page_search") + f"?q={q}",
    "api_pages": lambda q: reverse("wagtailadmin_api:pages:listing") + f"?search={q}",
    "api_documents": lambda q: reverse("wagtailadmin_api:documents:listing") + f"?search={q}",
    "document_chooser": lambda q: reverse("wagtaildocs_chooser:choose_results") + f"?q={q}",
}


def found(response):
    """What a search answered with: the ids of an API listing, or the admin links of a page
    (the query itself, echoed in the search box or in links, taken out)."""
    if response["Content-Type"].startswith("application/json"):
        return sorted(item["id"] for item in json.loads(response.content)["items"])
    return sorted(set(re.findall(r'href="(/admin/[^"?]*)', text_of(response))))


def hidden_from(role, world):
    secrets = [s for s, readers in SECRETS.items() if role not in readers]
    return secrets + list(others_data(world, "a"))


@pytest.mark.parametrize("role", sorted(ADMIN_USERS))
def test_searching_finds_nothing_a_role_may_not_read(world, browser, role):
    client = browser.as_role(role)
    for name, url in SEARCHES.items():
        nonsense = client.get(url("QQ-NOTHING-AT-ALL"))
        if nonsense.status_code != 200:
            continue
        for secret in hidden_from(role, world):
            response = client.get(url(secret))
            assert response.status_code == 200, (name, secret)
            assert found(response) == found(nonsense), (role, name, secret)


def test_the_searches_do_find_what_a_role_may_read(world, browser):
    """The control: the same searches find a title the role may read."""
    client = browser.as_role("communications")
    title = world.profile_a.title
    for name in ("pages", "page_chooser", "api_pages"):
        hit = client.get(SEARCHES[name](title.split()[0]))
        miss = client.get(SEARCHES[name]("QQ-NOTHING-AT-ALL"))
        assert found(hit) != found(miss), name
    coordination = browser.as_role("coordination")
    hit = coordination.get(SEARCHES["api_documents"](world.document_title))
    assert found(hit) == [world.deliverable.pk]


# Combinations: one creates what they may, others look for it where they may look -----------------

DRAFT_TEXT = "DRAFT-ONLY-COMBINATION"
NEW_STUDENT = "Zacarías Zapata-Combinación"


def everything_seen(client, world):
    """The text of every Wagtail view of the matrix (and the whole site history)."""
    if not _profile(world).latest_revision_id:
        _profile(world).save_revision(user=world.users["tutor"])
    texts = [text_of(client.get(url(world))) for url in VIEWS.values()]
    texts.append(text_of(client.get(reverse("wagtailadmin_reports:site_history_results"))))
    return "\n".join(texts)


def assert_not_found_by_search(client, query, who):
    """Searching for ``query`` answers what searching for nonsense answers (the query itself is
    echoed in the search box: what counts is what the search found)."""
    for name, url in SEARCHES.items():
        nonsense = client.get(url("QQ-NOTHING-AT-ALL"))
        if nonsense.status_code == 200:
            assert found(client.get(url(query))) == found(nonsense), (who, name)


def test_a_tutors_draft_is_seen_only_by_the_tutor_and_communications(world, browser):
    """Unpublished changes of a profile (here its department) are read by the people who may
    edit the page. (Its draft *title* is shown, as Wagtail does, wherever the page is listed
    in the admin, to everyone who may explore the tutor directory.)"""
    profile = _profile(world)
    profile.department = DRAFT_TEXT
    profile.save_revision(user=world.users["tutor"], log_action=True)
    assert (
        _profile(world).department != DRAFT_TEXT
    )  # a draft: the live page keeps its own  # a draft: the live page keeps its title
    for role in ("other_tutor", "new_tutor", "coordination", "board", "orientation", "quality"):
        client = browser.as_role(role)
        assert DRAFT_TEXT not in everything_seen(client, world), role
        assert_not_found_by_search(client, DRAFT_TEXT, role)
    for role in ("coordination", "communications", "tutor"):
        client = browser.as_role(role, "b")
        assert DRAFT_TEXT not in everything_seen(client, world.b), f"institution B's {role}"
        assert_not_found_by_search(client, DRAFT_TEXT, f"institution B's {role}")
    # The control: the tutor and communications read the draft (its revision, the comparison).
    assert DRAFT_TEXT in everything_seen(browser.as_role("tutor"), world)
    assert DRAFT_TEXT in everything_seen(browser.as_role("communications"), world)


def test_a_request_coordination_records_is_found_by_nobody_else_in_wagtails_views(world, browser):
    from tutoria_cms.academics.models import StudentRecord
    from tutoria_cms.requests import services
    from tutoria_cms.requests.models import RequestKind

    student = StudentRecord.objects.create(
        site=world.site,
        student_number="ZC0001",
        full_name=NEW_STUDENT,
        email="zc0001@example.edu",
        curriculum_hours=3000,
        completed_hours=2800,
    )
    request = services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        user=world.users["coordination"],
        term=world.term,
        site=world.site,
        reasons=["emotional"],
        description="Motivo",
    )
    for institution, role in [
        *(("a", role) for role in ("communications", "moderators", "tutor", "board", "quality")),
        *(("b", role) for role in ("coordination", "communications", "quality")),
    ]:
        client = browser.as_role(role, institution)
        seen = everything_seen(client, world.institutions[institution])
        assert NEW_STUDENT not in seen and "ZC0001" not in seen, (institution, role)
        assert_not_found_by_search(client, NEW_STUDENT, (institution, role))
    # The control: coordination reads the student where it works (the request).
    page = browser.as_role("coordination").get(
        reverse("tutoria_requests:inspect", args=[request.pk])
    )
    assert "ZC0001" in text_of(page)
