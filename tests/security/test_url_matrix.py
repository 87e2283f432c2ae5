"""Every URL of the suite x every role: allowed (200) or refused, nothing else.

The URLs are collected from Django's URL resolver (and, for pages, settings and bulk actions
served by Wagtail's own URLs, from Wagtail's registries of our models): a view without an
entry in ``ALLOWED`` fails ``test_every_view_has_a_decision``. Roles are the groups of
DESIGN.md section 2 (``tutoria_cms.core.roles``), plus anonymous visitors, a student (a
plain account linked to student A's record: the mentee of pair A), a tutor with nothing
assigned yet (``new_tutor``) and two tutors with work (``tutor`` owns every "A" object the
URLs point at; ``other_tutor`` owns the "B" ones and is refused A's: object-level checks
between two tutors who both reach the listings). See conftest.py for the world.

- Allowed: 200 (405 on GET for views that only take POST: the permission check passed).
- Refused: 403, 404 (the object does not exist for this reader), or Wagtail's redirect to the
  login page (anonymous, no admin access) or to the dashboard (``permission_denied``); a few
  explicit redirects are listed in ``REFUSED_BY_REDIRECT``. A refusal shows none of the
  world's confidential texts or personal data.
- Any response (allowed or not) shows a confidential text only to the roles it is for
  (``conftest.SECRETS``).
"""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests import factories

from . import inventory, urls
from .conftest import (
    DISCLOSURE_A,
    DISCLOSURE_B,
    EVIDENCE_A,
    MENTOR_NOTES,
    PERSONAL,
    REFERRAL_REASON,
    REPORT_A,
    ROLES,
    SECRETS,
    SESSION_NOTES,
    assert_for_each,
    others_data,
)

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)
# Every account with access to the admin (the student has none).
ADMIN_USERS = EVERYONE - {"anonymous", "student"}
NOBODY = frozenset()
COORDINATION = frozenset({"coordination"})
# Requests (tutoria_cms/requests/permissions.py): who sees request A, which is in progress,
# assigned to ``tutor`` and referred to the orientation service.
SEES_REQUEST_A = frozenset({"tutor", "coordination", "board", "orientation"})
# Who sees some request (the request listing opens): also ``other_tutor``, with request B.
SEES_REQUESTS = SEES_REQUEST_A | {"other_tutor"}
# Pages: the communications roles hold add/change (moderators: publish) on the whole tree.
COMMUNICATIONS = frozenset({"communications", "moderators"})
# Evidence browser (tutoria_cms.contrib.modeladmin): browse_evidence, the quality office only.
EVIDENCE_BROWSER = frozenset({"quality"})

ALLOWED = {
    # --- Referral services (requests/service_viewsets.py): superusers only (no role holds the
    # vocabulary's permissions by default; they are granted in Settings › Groups).
    **{
        f"tutoria_referral_services:{view}": NOBODY
        for view in (
            "index",
            "index_results",
            "add",
            "edit",
            "delete",
            "inspect",
            "history",
            "history_results",
            "usage",
        )
    },
    # --- Institution memberships (core/viewsets.py): superusers only (no role holds the
    # membership model's permissions).
    **{
        f"tutoria_institution_memberships:{view}": NOBODY
        for view in (
            "index",
            "index_results",
            "add",
            "edit",
            "delete",
            "history",
            "history_results",
            "usage",
        )
    },
    # --- Sign-in lockouts (core/lockouts.py): superusers only.
    "tutoria_lockouts:index": NOBODY,
    "tutoria_lockouts:index_results": NOBODY,
    "tutoria_lockouts:unlock": NOBODY,
    # --- Two-step verification (core/two_factor.py): everyone with admin access sets up
    # their own; the code page answers only a sign-in waiting for its code (else: dashboard).
    "tutoria_two_factor": ADMIN_USERS,
    "tutoria_two_factor_verify": NOBODY,
    # --- Calendar feeds (core/calendar.py): everyone with admin access makes and revokes
    # their own private feed; the feed answers only its secret (the matrix's is unknown: 404).
    "tutoria_calendar_feed_settings": ADMIN_USERS,
    "tutoria_calendar_feed": NOBODY,
    # Turning off someone else's (a lost phone): superusers only.
    "tutoria_two_factor_devices:index": NOBODY,
    "tutoria_two_factor_devices:index_results": NOBODY,
    "tutoria_two_factor_devices:turn_off": NOBODY,
    # --- Tutoring requests (snippet viewset, tutoria_cms/requests/viewsets.py) ---------------
    "tutoria_requests:list": SEES_REQUESTS,
    "tutoria_requests:list_results": SEES_REQUESTS,
    "tutoria_requests:inspect": SEES_REQUEST_A,
    # Coordination records new requests.
    "tutoria_requests:add": COORDINATION,
    # Wagtail's history needs add/change/delete: coordination ("add").
    "tutoria_requests:history": COORDINATION,
    "tutoria_requests:history_results": COORDINATION,
    # Wagtail's usage needs "change": requests change only through actions, nobody has it.
    "tutoria_requests:usage": NOBODY,
    # Transition "close" of request A: its tutor and coordination.
    "tutoria_requests:transition": frozenset({"tutor", "coordination"}),
    "tutoria_requests:assign": COORDINATION,
    # The decision notice as a letter (request A's decision e-mail): coordination.
    "tutoria_requests:letter": COORDINATION,
    "tutoria_requests:print_letter": COORDINATION,
    # The confidential details: the assigned tutor, the orientation service once referred.
    "tutoria_requests:disclosure": frozenset({"tutor", "orientation"}),
    "tutoria_requests:record_session": frozenset({"tutor"}),
    "tutoria_requests:refer": frozenset({"tutor"}),
    "tutoria_requests:update_referral": frozenset({"tutor", "orientation"}),
    # The request chooser (the widget of foreign keys to requests): who sees requests, and
    # only the requests they see; it creates nothing.
    "wagtailsnippetchoosers_tutoria_requests_tutoringrequest:choose": SEES_REQUESTS,
    "wagtailsnippetchoosers_tutoria_requests_tutoringrequest:choose_results": SEES_REQUESTS,
    "wagtailsnippetchoosers_tutoria_requests_tutoringrequest:chosen": SEES_REQUEST_A,
    "wagtailsnippetchoosers_tutoria_requests_tutoringrequest:chosen_multiple": SEES_REQUEST_A,
    "wagtailsnippetchoosers_tutoria_requests_tutoringrequest:create": NOBODY,
    # Wagtail's bulk deletion of snippets (?id=request A): requests are never deleted.
    "bulk:tutoria_requests.tutoringrequest:delete": NOBODY,
    # Site setting "rule set": superusers only (no role holds change_tutoringrequestsettings).
    "settings:tutoria_requests.TutoringRequestSettings": NOBODY,
    # --- Group tutoring, end-of-term reports, individual classes (admin_viewsets.py) ---------
    # Listings: coordination, and tutors with groups / reports of their own.
    "tutoria_groups:index": frozenset({"tutor", "other_tutor", "coordination"}),
    "tutoria_groups:index_results": frozenset({"tutor", "other_tutor", "coordination"}),
    "tutoria_groups:add": COORDINATION,
    "tutoria_groups:edit": COORDINATION,
    # No role deletes groups (their sessions are evidence).
    "tutoria_groups:delete": NOBODY,
    "tutoria_groups:history": COORDINATION,
    "tutoria_groups:history_results": COORDINATION,
    "tutoria_groups:usage": COORDINATION,
    # Only the group's tutor records its sessions.
    "tutoria_groups:session": frozenset({"tutor"}),
    "tutoria_reports:index": frozenset({"tutor", "other_tutor", "coordination"}),
    "tutoria_reports:index_results": frozenset({"tutor", "other_tutor", "coordination"}),
    # Report A: its tutor and coordination (not the other tutor, who has reports too).
    "tutoria_reports:inspect": frozenset({"tutor", "coordination"}),
    # Reports change through their own views only: Wagtail's history needs a write right.
    "tutoria_reports:history": NOBODY,
    "tutoria_reports:history_results": NOBODY,
    "tutoria_reports:edit_report": frozenset({"tutor"}),
    "tutoria_reports:review": COORDINATION,
    # Preparing the report of request A: its assigned tutor only.
    "tutoria_reports:prepare": frozenset({"tutor"}),
    # Classes: coordination, the board (judges class requests), the designated tutor.
    "tutoria_classes:index": frozenset({"tutor", "coordination", "board"}),
    "tutoria_classes:index_results": frozenset({"tutor", "coordination", "board"}),
    "tutoria_classes:designate": COORDINATION,
    # The class page: whoever sees the class; its sessions: the designated tutor (not the
    # tutors of its requests) and coordination (tests/requests/test_individual_classes.py).
    "tutoria_classes:inspect": frozenset({"tutor", "coordination", "board"}),
    "tutoria_classes:session": frozenset({"tutor", "coordination"}),
    # Correcting or deleting a class session: the same people (the class must be open to save).
    "tutoria_classes:edit_session": frozenset({"tutor", "coordination"}),
    "tutoria_classes:delete_session": frozenset({"tutor", "coordination"}),
    # The class's history (tutor, requests, sessions): coordination of its institution.
    "tutoria_classes:history": COORDINATION,
    "tutoria_classes:history_results": COORDINATION,
    # Work plan (PIT) records, read only: coordination, and the tutor with a record (the class's
    # designation gave ``tutor`` one; ``other_tutor`` has none).
    "tutoria_work_plans:index": frozenset({"tutor", "coordination"}),
    "tutoria_work_plans:index_results": frozenset({"tutor", "coordination"}),
    # --- Peer mentoring (tutoria_cms/mentoring/permissions.py) -------------------------------
    # Pairs: coordination, and mentors of confirmed pairs (their own only); the student (the
    # mentee of pair A) has no admin access.
    "tutoria_mentoring_pairs:index": frozenset({"tutor", "other_tutor", "coordination"}),
    "tutoria_mentoring_pairs:index_results": frozenset({"tutor", "other_tutor", "coordination"}),
    "tutoria_mentoring_pairs:inspect": frozenset({"tutor", "coordination"}),
    "tutoria_mentoring_pairs:suggestions": COORDINATION,
    "tutoria_mentoring_pairs:confirm": COORDINATION,  # POST only
    "tutoria_mentoring_pairs:reject": COORDINATION,  # POST only
    "tutoria_mentoring_pairs:change_mentor": COORDINATION,
    # The pair's work: coordination and the pair's mentor.
    "tutoria_mentoring_pairs:add_goal": frozenset({"tutor", "coordination"}),
    "tutoria_mentoring_pairs:step_done": frozenset({"tutor", "coordination"}),  # POST only
    "tutoria_mentoring_pairs:log_meeting": frozenset({"tutor", "coordination"}),
    "tutoria_mentoring_pairs:log_scheduled_meeting": frozenset({"tutor", "coordination"}),
    "tutoria_mentoring_pairs:schedule_meeting": frozenset({"tutor", "coordination"}),
    "tutoria_mentoring_pairs:check_in": frozenset({"tutor", "coordination"}),
    "tutoria_mentoring_pairs:close": frozenset({"tutor", "coordination"}),
    # Participants and programme settings: coordination (no role deletes them).
    "tutoria_mentoring_participants:index": COORDINATION,
    "tutoria_mentoring_participants:index_results": COORDINATION,
    "tutoria_mentoring_participants:add": COORDINATION,
    "tutoria_mentoring_participants:edit": COORDINATION,
    "tutoria_mentoring_participants:delete": NOBODY,
    "tutoria_mentoring_participants:history": COORDINATION,
    "tutoria_mentoring_participants:history_results": COORDINATION,
    "tutoria_mentoring_participants:usage": COORDINATION,
    "tutoria_mentoring_programmes:index": COORDINATION,
    "tutoria_mentoring_programmes:index_results": COORDINATION,
    "tutoria_mentoring_programmes:add": COORDINATION,
    "tutoria_mentoring_programmes:edit": COORDINATION,
    "tutoria_mentoring_programmes:delete": NOBODY,
    "tutoria_mentoring_programmes:history": COORDINATION,
    "tutoria_mentoring_programmes:history_results": COORDINATION,
    "tutoria_mentoring_programmes:usage": COORDINATION,
    # --- Partnerships (tutoria_cms/partnerships/permissions.py) ------------------------------
    # Coordination manages agreements; the quality office reads them.
    "tutoria_agreements:index": frozenset({"coordination", "quality"}),
    "tutoria_agreements:index_results": frozenset({"coordination", "quality"}),
    "tutoria_agreements:inspect": frozenset({"coordination", "quality"}),
    "tutoria_agreements:add": COORDINATION,
    "tutoria_agreements:edit": COORDINATION,
    "tutoria_agreements:delete": NOBODY,  # agreements are evidence: nobody deletes them
    "tutoria_agreements:history": COORDINATION,
    "tutoria_agreements:history_results": COORDINATION,
    "tutoria_agreements:usage": COORDINATION,
    "tutoria_agreements:start_stage": COORDINATION,  # POST only
    "tutoria_agreements:complete_stage": COORDINATION,
    "tutoria_agreements:add_commitment": COORDINATION,
    "tutoria_agreements:record_fulfilment": COORDINATION,
    "tutoria_partners:index": frozenset({"coordination", "quality"}),
    "tutoria_partners:index_results": frozenset({"coordination", "quality"}),
    "tutoria_partners:add": COORDINATION,
    "tutoria_partners:edit": COORDINATION,
    "tutoria_partners:delete": NOBODY,
    "tutoria_partners:history": COORDINATION,
    "tutoria_partners:history_results": COORDINATION,
    "tutoria_partners:usage": COORDINATION,
    # --- Tutor directory (tutoria_cms/tutors/permissions.py) ---------------------------------
    # "My competency matrix" is about the user themself: every admin user reaches it (a
    # tutor edits their self-assessment there; anybody else is told they have no profile).
    "tutoria_tutors:my_matrix": ADMIN_USERS,
    # Profile A's whole matrix and its history: the tutor and coordinators.
    "tutoria_tutors:profile_matrix": frozenset({"tutor", "coordination"}),
    "tutoria_tutors:assessment_history": frozenset({"tutor", "coordination"}),
    "tutoria_tutors:heat_map": COORDINATION,
    # Competency frameworks and dimensions: coordination (add/change/delete/view).
    "tutoria_competency_frameworks:index": COORDINATION,
    "tutoria_competency_frameworks:index_results": COORDINATION,
    "tutoria_competency_frameworks:add": COORDINATION,
    "tutoria_competency_frameworks:edit": COORDINATION,
    "tutoria_competency_frameworks:delete": COORDINATION,
    "tutoria_competency_frameworks:copy": COORDINATION,
    "tutoria_competency_frameworks:inspect": COORDINATION,
    "tutoria_competency_frameworks:history": COORDINATION,
    "tutoria_competency_frameworks:history_results": COORDINATION,
    "tutoria_competency_frameworks:usage": COORDINATION,
    "tutoria_competency_dimensions:index": COORDINATION,
    "tutoria_competency_dimensions:index_results": COORDINATION,
    "tutoria_competency_dimensions:add": COORDINATION,
    "tutoria_competency_dimensions:edit": COORDINATION,
    "tutoria_competency_dimensions:delete": COORDINATION,
    "tutoria_competency_dimensions:copy": COORDINATION,
    "tutoria_competency_dimensions:reorder": COORDINATION,  # POST only
    "tutoria_competency_dimensions:history": COORDINATION,
    "tutoria_competency_dimensions:history_results": COORDINATION,
    "tutoria_competency_dimensions:usage": COORDINATION,
    # Site setting "framework of the directory": coordination.
    "settings:tutoria_tutors.TutorDirectorySettings": COORDINATION,
    # Site setting "institution" (contact, data controller, privacy notice): core 0010.
    "settings:tutoria_core.InstitutionSettings": COMMUNICATIONS | COORDINATION,
    # --- Group workshops (tutoria_cms/workshops, migration 0002) -----------------------------
    # Registrations: read by coordination and by the communications roles who run the
    # workshop pages (a deliberate grant); written by nobody in the admin.
    "workshop_registrations:index": COMMUNICATIONS | COORDINATION,
    "workshop_registrations:index_results": COMMUNICATIONS | COORDINATION,
    "workshop_registrations:inspect": COMMUNICATIONS | COORDINATION,
    "workshop_registrations:history": NOBODY,
    "workshop_registrations:history_results": NOBODY,
    "workshop_registrations:usage": NOBODY,
    # Cancelling and attendance: coordination (cancel_workshopregistration, record_attendance).
    "workshop_registrations:cancel": COORDINATION,
    # Verifying a student's identity in person: coordination (verify_workshopregistration).
    "workshop_registrations:verify": COORDINATION,
    # Workshop attendance certificates: coordination issues and downloads them
    # (issue_certificate, migration 0007).
    "workshop_registrations:certificate": COORDINATION,
    "workshop_registrations:certificate_download": COORDINATION,
    # Every certificate of the institution, and a tutor's term certificate (issue_certificate).
    "tutoria_certificates:index": COORDINATION,
    "tutoria_certificates:issue_given": COORDINATION,
    "workshop_attendance:index": COORDINATION,
    "workshop_attendance:sheet": COORDINATION,
    # --- Academic records, accreditation evidence --------------------------------------------
    "tutoria_academics_import": COORDINATION,
    # Curricular components (read only, with the equivalences' history): coordination.
    "tutoria_curricular_components:index": COORDINATION,
    "tutoria_curricular_components:index_results": COORDINATION,
    "tutoria_curricular_components:inspect": COORDINATION,
    "tutoria_curricular_components:history": COORDINATION,
    "tutoria_curricular_components:history_results": COORDINATION,
    # Evidence workbooks: the quality office exports; the job is the quality office's own.
    "tutoria_accreditation:export": frozenset({"quality"}),
    "tutoria_accreditation:job": frozenset({"quality"}),
    "tutoria_accreditation:download": frozenset({"quality"}),
    "tutoria_accreditation:indicators": frozenset({"coordination", "quality"}),
    # Identified data of one student: export_identified, which no role holds by default.
    "tutoria_accreditation:subject_access": NOBODY,
    # --- Public site --------------------------------------------------------------------------
    "search": EVERYONE,
    # The privacy notice of the Site (core/privacy.py), linked from every page's footer.
    "tutoria_privacy": EVERYONE,
    # The public verification page of certificates (workshops/certificate_views.py): the form,
    # and a valid code of the Site's institution (rate-limited per address).
    "tutoria_certificate_verify_form": EVERYONE,
    "tutoria_certificate_verify": EVERYONE,
    # Crawlers' rules, the icon and the web app manifest of the site (sites/home/seo.py).
    "robots_txt": EVERYONE,
    "favicon_ico": EVERYONE,
    "webmanifest": EVERYONE,
    # --- Operations: the load balancer's health check (core/health.py), no sign-in.
    "tutoria_health": EVERYONE,
    # --- Students (tutoria_cms.students): the signed-in person's own area, nobody else's.
    # allauth's own sign-in pages (account_*, socialaccount_*) are not collected: neither
    # their code nor a model of theirs is ours (tests/students covers them).
    # Where a signed-in person lands on the public site (a student: on to their area, below).
    "tutoria_students_my_area": EVERYONE - {"anonymous", "student"},
}

# The evidence browser: listing and inspect for the quality office; adding, editing and
# deleting answer "permission denied" to everybody, superusers included.
for listing in urls.MODELADMIN_OBJECT:
    for view, allowed in (
        ("index", EVIDENCE_BROWSER),
        ("inspect", EVIDENCE_BROWSER),
        ("create", NOBODY),
        ("edit", NOBODY),
        ("delete", NOBODY),
    ):
        ALLOWED[f"evidence_{listing}_modeladmin_{view}"] = allowed

# Our page types in Wagtail's page editor, and served to the public (all live pages).
for label in urls.PAGE_OF_TYPE:
    ALLOWED[f"page_add:{label}"] = COMMUNICATIONS
    ALLOWED[f"page_edit:{label}"] = COMMUNICATIONS
    ALLOWED[f"page_serve:{label}"] = EVERYONE
# The student area: its institution's students only (no staff role).
ALLOWED["page_serve:tutoria_students.StudentAreaPage"] = frozenset({"student"})
# Home pages are added at the tree root: superusers only.
ALLOWED["page_add:home.HomePage"] = NOBODY
# A tutor creates one profile, their own (a tutor who has one is sent to it, below)...
ALLOWED["page_add:tutoria_tutors.TutorProfilePage"] = COMMUNICATIONS | {"new_tutor"}
# ... and edits only that one (profile A: ``tutor``'s).
ALLOWED["page_edit:tutoria_tutors.TutorProfilePage"] = COMMUNICATIONS | {"tutor"}

# Refusals that redirect elsewhere than the login page or the dashboard.
REFUSED_BY_REDIRECT = {
    # "You already have a tutor profile: edit it instead."
    ("page_add:tutoria_tutors.TutorProfilePage", "tutor"): lambda w: w.profile_a,
    ("page_add:tutoria_tutors.TutorProfilePage", "other_tutor"): lambda w: w.profile_b,
    # A visitor is asked to sign in on the public site (allauth), not in the admin.
    ("tutoria_students_my_area", "anonymous"): lambda w: (
        f"{reverse('account_login')}?next={reverse('tutoria_students_my_area')}"
    ),
    # Not a refusal: the student is sent on to their student area.
    ("tutoria_students_my_area", "student"): lambda w: w.student_area.relative_url(w.site),
    ("page_serve:tutoria_students.StudentAreaPage", "anonymous"): lambda w: (
        f"{reverse('account_login')}?next={quote(w.student_area.relative_url(w.site))}"
    ),
}

# Views that are plain functions (no class says which methods they take): what they do.
READS_ONLY, REFUSES_ALL = "reads only", "refuses every request"
SAFE_METHODS_ONLY = "GET and HEAD only (POST: 405)"
FUNCTION_VIEWS = {
    "search": READS_ONLY,
    "tutoria_privacy": SAFE_METHODS_ONLY,
    "tutoria_health": SAFE_METHODS_ONLY,
    "tutoria_accreditation:download": READS_ONLY,
    **{
        f"evidence_{listing}_modeladmin_{view}": REFUSES_ALL
        for listing in urls.MODELADMIN_OBJECT
        for view in ("create", "edit", "delete")
    },
}

# Collected views that are not the suite's, although they look like it. Wagtail's and
# wagtail-modeladmin's own views (its JavaScript catalogue, the page explorer) are not
# collected, because neither their code nor their model is ours. Add an entry only with the
# reason why the view is not ours.
NOT_OURS = {
    "openid_connect_login": "allauth's OpenID Connect sign-in, wrapped by tutoria_cms.students "
    "only to add its provider's origin to the page's CSP form-action (allauth's own view; "
    "tests/students/test_sso_e2e.py)",
    "saml_login": "allauth's SAML sign-in, wrapped by tutoria_cms.students only to add the "
    "institution's IdP origin to the page's CSP form-action (allauth's own view; "
    "tests/students/test_saml_e2e.py)",
}


def collected_keys():
    views = set(inventory.our_views())
    return (
        views | set(urls.page_keys()) | set(urls.settings_keys()) | set(urls.bulk_keys())
    ) - set(NOT_OURS)


def url_of(world, key):
    views = inventory.our_views()
    if key in views:
        return urls.resolver_url(world, key, views[key].route)
    return urls.pseudo_url(world, key)


def is_post_only(key):
    view = inventory.our_views().get(key)
    return view is not None and view.post_only


ADMIN_LOGIN = "/admin/login/"
DASHBOARD = "/admin/"


def text_of(response):
    if getattr(response, "streaming", False):
        return ""  # a file (the evidence workbook): pseudonymised, checked in accreditation
    return response.content.decode(errors="replace")


def assert_refused(response, key, role, world):
    status = response.status_code
    if status == 302:
        location = response["Location"]
        expected = REFUSED_BY_REDIRECT.get((key, role))
        if expected is not None:
            target = expected(world)
            if not isinstance(target, str):  # a page: its editor
                target = reverse("wagtailadmin_pages:edit", args=[target.pk])
            assert location == target, location
        else:
            assert location == DASHBOARD or location.startswith(ADMIN_LOGIN), location
    else:
        assert status in (403, 404), status
    text = text_of(response)
    for sensitive in (*SECRETS, *PERSONAL):
        assert sensitive not in text, sensitive


def assert_no_secrets(response, role):
    text = text_of(response)
    leaked = [
        secret for secret, readers in SECRETS.items() if secret in text and role not in readers
    ]
    assert not leaked, leaked


# The matrix --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(ALLOWED))
def test_permission_matrix(world, browser, key):
    """The URL of ``key`` asked by every role: the decision of ``ALLOWED``, no confidential
    text but its readers', nothing of the other institution."""
    url = url_of(world, key)

    def check(role):
        response = browser.as_role(role).get(url)
        if role in ALLOWED[key]:
            expected = 405 if is_post_only(key) else 200
            assert response.status_code == expected, (
                response.status_code,
                response.get("Location"),
            )
        else:
            assert_refused(response, key, role, world)
        assert_no_secrets(response, role)
        # Nothing of the other institution either (issue #13; test_url_matrix_institutions.py).
        text = text_of(response)
        assert not [data for data in others_data(world, "a") if data in text]

    assert_for_each(ROLES, check)


def test_every_view_has_a_decision():
    """Collected from the resolver: a new view without an entry in ALLOWED fails here."""
    collected = collected_keys()
    assert collected - set(ALLOWED) == set(), "add these views to ALLOWED"
    assert set(ALLOWED) - collected == set(), "these entries match no view any more"


def test_function_views_say_what_they_do():
    """Views without a class: the methods they accept cannot be read from the code."""
    functions = {name for name, view in inventory.our_views().items() if view.is_function}
    assert functions == set(FUNCTION_VIEWS)


def test_every_viewset_of_ours_is_collected():
    """Cross-check of the collection: every admin viewset registered for our models (or
    defined in our code) has its URLs among the collected ones."""
    from wagtail.admin.viewsets import viewsets

    namespaces = {key.split(":")[0] for key in inventory.our_views() if ":" in key}
    # Wagtail's users and groups viewsets, subclassed by core only to show role names in the
    # admin language (core/user_viewsets.py): their views and permission policy are
    # Wagtail's own, unchanged.
    relabelled = {"wagtailusers_groups", "wagtailusers_users"}
    expected = set()
    for viewset in viewsets.viewsets:
        model_module = getattr(getattr(viewset, "model", None), "__module__", "")
        ours = inventory.ours(type(viewset).__module__) or inventory.ours(model_module)
        if ours and viewset.get_urlpatterns() and viewset.url_namespace not in relabelled:
            expected.add(viewset.url_namespace)
    assert expected, "no viewset found: the registry changed"
    assert expected <= namespaces, expected - namespaces


def test_secrets_are_shown_to_their_readers(world, browser):
    """The confidential texts are really in the world, so the checks above can fail."""
    shown = {
        ("tutor", reverse("tutoria_requests:disclosure", args=[world.request_a.pk])): (
            DISCLOSURE_A,
        ),
        ("orientation", reverse("tutoria_requests:inspect", args=[world.request_a.pk])): (
            REFERRAL_REASON,
            SESSION_NOTES,
        ),
        ("tutor", reverse("tutoria_mentoring_pairs:inspect", args=[world.pair_a.pk])): (
            MENTOR_NOTES,
        ),
        ("coordination", reverse("tutoria_tutors:profile_matrix", args=[world.profile_a.pk])): (
            EVIDENCE_A,
        ),
        ("coordination", reverse("tutoria_reports:inspect", args=[world.report_a.pk])): (REPORT_A,),
        ("orientation", reverse("tutoria_requests:disclosure", args=[world.request_b.pk])): (
            DISCLOSURE_B,
        ),
    }
    for (role, url), texts in shown.items():
        response = browser.as_role(role).get(url)
        assert response.status_code == 200, url
        for text in texts:
            assert text in text_of(response), (role, url, text)
    assert {text for texts in shown.values() for text in texts} == set(SECRETS)


# Missing objects: a refusal, never a server error --------------------------------------------

INT_PARAMETER = re.compile(r"<int:(\w+)>|\(\?P<(instance_pk)>")


def missing_object_cases():
    cases = []
    for name, view in sorted(inventory.our_views().items()):
        if name in NOT_OURS:
            continue
        for a, b in INT_PARAMETER.findall(view.route):
            cases.append((name, a or b))
    return cases


@pytest.mark.parametrize(("key", "parameter"), missing_object_cases())
def test_a_missing_object_is_not_found(world, browser, key, parameter):
    """Each id of each URL replaced by one that does not exist, asked by a role allowed on
    the real one (a superuser where no role is): 404, or a refusal; never a server error."""
    view = inventory.our_views()[key]
    kwargs = {}
    for name in urls.parameters(view.route):
        if name == parameter:
            kwargs[name] = 987654
        elif name in ("pk", "instance_pk"):
            kwargs[name] = urls.object_for(world, key).pk
        else:
            kwargs[name] = urls.PARAMETER[name](world, key)
    allowed = sorted(ALLOWED[key], key=ROLES.index)
    role = allowed[0] if allowed else "superuser"
    response = browser.as_role(role).get(reverse(key, kwargs=kwargs))
    if allowed and not is_post_only(key):
        assert response.status_code == 404
    else:
        factories.assert_refused(response, also=(405,))


# Object-level: another's objects in the form or the URL ----------------------------------------


def _today():
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _shown_form(client, url, **changes):
    """The form as the page shows it, with ``changes``: a tampered but well-formed POST."""
    from .forms import form_data

    data = form_data(text_of(client.get(url)), url)
    assert data is not None, f"no form posting to {url}"
    data.update({name: [str(value)] for name, value in changes.items()})
    return data


def _first_field(client, url, suffix):
    from .forms import form_data

    data = form_data(text_of(client.get(url)), url) or {}
    return next(name for name in data if name.endswith(suffix))


# (case, role, URL, POST data or None for GET, expected): the URL or the form names an object
# of someone else, one that does not fit, or one the user cannot reach. Expected: "not found"
# (404), "refused" (403 or the redirect to the dashboard), or "invalid" (the form again, with
# the error). In every case no row of the database changes.
TAMPERED = {
    "update the referral of another tutor's request through one's own": (
        "tutor",
        lambda w: reverse(
            "tutoria_requests:update_referral", args=[w.request_a.pk, w.referral_b.pk]
        ),
        lambda w, c: {"status": "closed", "outcome_notes": "tampered"},
        "not found",
    ),
    "mark done a step of another pair through one's own": (
        "tutor",
        lambda w: reverse("tutoria_mentoring_pairs:step_done", args=[w.pair_a.pk, w.step_b.pk]),
        lambda w, c: {},
        "not found",
    ),
    "log a meeting of another pair through one's own": (
        "tutor",
        lambda w: reverse(
            "tutoria_mentoring_pairs:log_scheduled_meeting", args=[w.pair_a.pk, w.meeting_b.pk]
        ),
        lambda w, c: {"date": _today(), "mode": "in_person", "duration_minutes": "30"},
        "not found",
    ),
    "fulfil a commitment of another agreement through this one": (
        "coordination",
        lambda w: reverse(
            "tutoria_agreements:record_fulfilment", args=[w.agreement.pk, w.commitment_2.pk]
        ),
        lambda w, c: {"fulfilled_on": _today(), "report": "tampered"},
        "not found",
    ),
    "mark present in one's group a student of another group": (
        "tutor",
        lambda w: reverse("tutoria_groups:session", args=[w.group_a.pk]),
        lambda w, c: {
            "date": _today(),
            "topic": "Tema",
            "modality": "in_person",
            "duration_minutes": "60",
            "attendees": [w.student_b.pk],
        },
        "invalid",
    ),
    "assign as tutor an account that is not a tutor": (
        "coordination",
        lambda w: reverse("tutoria_requests:assign", args=[w.request_a.pk]),
        lambda w, c: {"tutor": w.users["board"].pk},
        "invalid",
    ),
    "designate as class tutor an account that is not a tutor": (
        "coordination",
        lambda w: reverse("tutoria_classes:designate", args=[w.individual_class.pk]),
        lambda w, c: {"tutor": w.users["quality"].pk},
        "invalid",
    ),
    "rematch a pair with a mentee as mentor": (
        "coordination",
        lambda w: reverse("tutoria_mentoring_pairs:change_mentor", args=[w.pair_a.pk]),
        lambda w, c: {"mentor": w.mentee_b.pk, "reason": "tampered"},
        "invalid",
    ),
    "prepare the report of another tutor's request": (
        "tutor",
        lambda w: reverse("tutoria_reports:prepare", args=["request", w.request_b.pk]),
        lambda w, c: {},
        "not found",
    ),
    "prepare the report of another tutor's group": (
        "tutor",
        lambda w: reverse("tutoria_reports:prepare", args=["group", w.group_b.pk]),
        lambda w, c: {},
        "not found",
    ),
    "a transition that does not exist": (
        "coordination",
        lambda w: reverse("tutoria_requests:transition", args=[w.request_a.pk, "delete"]),
        lambda w, c: {"reason": "tampered"},
        "not found",
    ),
    "choose requests of which one is another tutor's": (
        "tutor",
        lambda w: (
            reverse("wagtailsnippetchoosers_tutoria_requests_tutoringrequest:chosen_multiple")
            + f"?id={w.request_a.pk}&id={w.request_b.pk}"
        ),
        None,
        "not found",
    ),
    "bulk-delete requests, one of them invisible to the tutor": (
        "tutor",
        lambda w: (
            reverse("wagtail_bulk_action", args=["tutoria_requests", "tutoringrequest", "delete"])
            + f"?id={w.request_a.pk}&id={w.request_b.pk}"
        ),
        lambda w, c: {},
        "refused",
    ),
    "bulk-delete every request as coordination (who sees them all)": (
        "coordination",
        lambda w: (
            reverse("wagtail_bulk_action", args=["tutoria_requests", "tutoringrequest", "delete"])
            + f"?id={w.request_a.pk}&id={w.request_b.pk}&id={w.draft_request.pk}"
        ),
        lambda w, c: {},
        "refused",
    ),
    "edit another tutor's profile page": (
        "other_tutor",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.profile_a.pk]),
        lambda w, c: {"title": "Tampered", "slug": "tampered"},
        "refused",
    ),
    "self-assess with another account's document as evidence": (
        "tutor",
        lambda w: reverse("tutoria_tutors:my_matrix"),
        lambda w, c: _shown_form(
            c,
            reverse("tutoria_tutors:my_matrix"),
            **{
                _first_field(
                    c, reverse("tutoria_tutors:my_matrix"), "-evidence_document"
                ): w.document.pk
            },
        ),
        "invalid",
    ),
    "mark present on a sheet a registration of another workshop": (
        "coordination",
        lambda w: reverse("workshop_attendance:sheet", args=[w.workshop.pk]),
        lambda w, c: _shown_form(
            c,
            reverse("workshop_attendance:sheet", args=[w.workshop.pk]),
            **{f"present-{w.workshop_2.ordered_sessions[0].pk}-{w.registration_2.pk}": "on"},
        ),
        "unchanged",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_tampered_ids_are_refused_and_change_nothing(world, browser, case):
    from .conftest import changed_tables, db_state

    role, url, data, expected = TAMPERED[case]
    client = browser.as_role(role)
    url = url(world)
    data = data(world, client) if data is not None else None
    before = db_state()
    response = client.get(url) if data is None else client.post(url, data)
    if expected == "not found":
        assert response.status_code == 404
    elif expected == "refused":
        assert response.status_code == 403 or (
            response.status_code == 302 and response["Location"] == DASHBOARD
        ), response.status_code
    elif expected == "invalid":
        assert response.status_code == 200
    else:  # "unchanged": the view saved what it shows, and only that
        assert response.status_code in (200, 302)
    assert_no_secrets(response, role)
    assert changed_tables(before, db_state()) == []


# The same forms, untampered, are accepted (so "invalid" above is the tampering's doing).
UNTAMPERED = {
    "mark present in one's group a student of another group": lambda w, c: {
        "date": _today(),
        "topic": "Tema",
        "modality": "in_person",
        "duration_minutes": "60",
        "attendees": [w.student_a.pk],
    },
    "assign as tutor an account that is not a tutor": lambda w, c: {
        "tutor": w.users["new_tutor"].pk,
    },
    "designate as class tutor an account that is not a tutor": lambda w, c: {
        "tutor": w.users["other_tutor"].pk,
    },
    "rematch a pair with a mentee as mentor": lambda w, c: {
        "mentor": w.mentor_b.pk,
        "reason": "untampered",
    },
    "self-assess with another account's document as evidence": lambda w, c: _shown_form(
        c,
        reverse("tutoria_tutors:my_matrix"),
        **{_first_field(c, reverse("tutoria_tutors:my_matrix"), "-evidence"): "Otro taller"},
    ),
    "mark present on a sheet a registration of another workshop": lambda w, c: {
        f"present-{w.workshop.ordered_sessions[0].pk}-{w.registration.pk}": [],
    },
}


@pytest.mark.parametrize("case", sorted(UNTAMPERED))
def test_the_untampered_form_is_accepted(world, browser, case):
    from .conftest import changed_tables, db_state

    role, url, _data, _expected = TAMPERED[case]
    client = browser.as_role(role)
    url = url(world)
    data = UNTAMPERED[case](world, client)
    before = db_state()
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] != DASHBOARD
    assert changed_tables(before, db_state()) != []
