"""The demo loader builds both institutions in code, idempotently, with data for every
feature and every indicator, at the address it is served on."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site, WorkflowPage

from sites.home.management.commands.load_tutoria_demo import port_of
from tutoria_cms.programmes.models import TutoringProgrammePage
from tutoria_cms.workshops.models import GroupWorkshopPage

pytestmark = pytest.mark.django_db

SITES = (("localhost", "es"), ("127.0.0.1", "pt-br"))


@pytest.fixture
def logins_file(tmp_path):
    return tmp_path / "logins.json"


def load(logins_file, capsys, **options):
    call_command("load_tutoria_demo", logins_file=str(logins_file), **options)
    return capsys.readouterr().out


def snapshot():
    from tutoria_cms.academics.models import TermStanding
    from tutoria_cms.mentoring.models import Pair
    from tutoria_cms.partnerships.models import Agreement
    from tutoria_cms.requests.models import Referral, TermReport, TutoringRequest
    from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

    return (
        list(TutoringRequest.objects.order_by("pk").values_list("pk", "state")),
        list(TutoringRequest.history.order_by("pk").values_list("history_id", "state")),
        list(Referral.objects.order_by("pk").values_list("pk", "status")),
        list(TermReport.objects.order_by("pk").values_list("pk", "status")),
        list(TermStanding.objects.order_by("pk").values_list("pk", "dropped_out")),
        list(WorkshopRegistration.objects.order_by("pk").values_list("pk", "status")),
        Attendance.objects.count(),
        list(Pair.objects.order_by("pk").values_list("pk", "status")),
        list(Agreement.objects.order_by("pk").values_list("pk", "current_stage")),
        list(Page.objects.order_by("path").values_list("path", "title", "live")),
        list(Site.objects.order_by("hostname").values_list("hostname", "port", "root_page_id")),
        list(get_user_model().objects.order_by("username").values_list("username", "password")),
    )


def per_site_counts(site):
    """{what: count} of the demo's data in ``site`` (one row per feature and state)."""
    from tutoria_cms.academics.models import TermStanding
    from tutoria_cms.mentoring.models import CheckIn, Goal, Meeting, Pair
    from tutoria_cms.partnerships.models import Agreement
    from tutoria_cms.requests.models import (
        GroupSession,
        Referral,
        ReferralStatus,
        ReportStatus,
        RequestKind,
        RequestState,
        StudentGroup,
        TermReport,
        TutoringRequest,
        TutoringSession,
    )
    from tutoria_cms.workshops.models import Attendance, WorkshopRegistration

    path = site.root_page.path
    requests = TutoringRequest.objects.filter(programme__path__startswith=path)
    counts = {f"request {state}": requests.filter(state=state).count() for state in RequestState}
    for kind in (RequestKind.SUPPORT, RequestKind.PEER_MENTORING):
        counts[f"request {kind}"] = requests.filter(kind=kind).count()
    referrals = Referral.objects.filter(request__in=requests)
    for status in ReferralStatus:
        counts[f"referral {status}"] = referrals.filter(status=status).count()
    counts["referral with outcome"] = (
        referrals.filter(status=ReferralStatus.CLOSED).exclude(outcome_notes="").count()
    )
    counts["individual session"] = TutoringSession.objects.filter(request__in=requests).count()
    groups = StudentGroup.objects.filter(programme__path__startswith=path)
    counts["student group"] = groups.count()
    counts["group session with attendance"] = (
        GroupSession.objects.filter(group__in=groups, attendees__isnull=False).distinct().count()
    )
    reports = TermReport.objects.filter(Q(request__in=requests) | Q(group__in=groups))
    for status in ReportStatus:
        counts[f"report {status}"] = reports.filter(status=status).count()
    students = requests.values("student")
    standings = TermStanding.objects.filter(student__in=students)
    counts["term standing"] = standings.count()
    counts["term standing dropped out"] = standings.filter(dropped_out=True).count()
    registrations = WorkshopRegistration.objects.filter(workshop__path__startswith=path)
    for status in WorkshopRegistration.Status:
        counts[f"registration {status}"] = registrations.filter(status=status).count()
    counts["attendance"] = Attendance.objects.filter(registration__in=registrations).count()
    pairs = Pair.objects.for_site(site)
    for status in ("suggested", "confirmed", "closed"):
        counts[f"pair {status}"] = pairs.filter(status=status).count()
    counts["goal"] = Goal.objects.filter(pair__in=pairs).count()
    counts["meeting"] = Meeting.objects.filter(pair__in=pairs).count()
    counts["check-in"] = CheckIn.objects.filter(pair__in=pairs).count()
    agreements = Agreement.objects.filter(site=site)
    for stage in ("planning", "programming", "execution", "follow_up", "evaluation", "done"):
        counts[f"agreement {stage}"] = agreements.filter(current_stage=stage).count()
    return counts


def test_two_sites_with_data_for_every_feature_and_indicator(logins_file, capsys, client):
    from tutoria_cms.accreditation.views import dashboard_indicators
    from tutoria_cms.requests.models import (
        NO_INDIVIDUAL_CLASSES,
        RequestKind,
        TutoringRequest,
        TutoringRequestSettings,
    )

    output = load(logins_file, capsys)
    mx = Site.objects.get(hostname="localhost", port=8000)
    br = Site.objects.get(hostname="127.0.0.1", port=8000)
    assert mx.is_default_site
    assert mx.root_page.locale.language_code == "es"
    assert br.root_page.locale.language_code == "pt-br"
    for site in (mx, br):
        programmes = TutoringProgrammePage.objects.live().descendant_of(site.root_page)
        kinds = set(programmes.values_list("kind", flat=True))
        assert {"action_plan", "peer_mentoring"} <= kinds
        workshops = GroupWorkshopPage.objects.live().descendant_of(site.root_page)
        assert workshops.count() >= 4
        assert all(w.workshop_sessions.exists() for w in workshops)
        assert WorkflowPage.objects.filter(page=site.root_page).exists()
        empty = [what for what, count in per_site_counts(site).items() if not count]
        # States only individual-class decisions reach, on a site that takes none.
        classes_only = ["request redirected", "request schedule_change"]
        takes_classes = TutoringRequestSettings.for_site(site).rule_set != NO_INDIVIDUAL_CLASSES
        assert empty == ([] if takes_classes else classes_only), site
    # Each institution's referral services, in its language; its referrals use them.
    from tutoria_cms.requests.models import Referral, ReferralService

    for site, names in (
        (mx, {"Psicología", "Orientación educativa", "Trabajo social"}),
        (br, {"Psicologia", "Serviço social", "Apoio pedagógico"}),
    ):
        assert set(ReferralService.objects.filter(site=site).values_list("name", flat=True)) == (
            names
        )
        referrals = Referral.objects.filter(site=site)
        assert referrals.exists() and not referrals.exclude(service__site=site).exists()
        assert referrals.values("service").distinct().count() > 1
    mentoring = TutoringProgrammePage.objects.get(slug="mentoria-entre-pares")
    assert mentoring.stages[0].value["title"] == "Orientação do programa e pareamento"
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()

    # The Mexican site takes no individual classes (no regulation of its own); the Brazilian
    # site's are judged by its regulation, chosen in its settings.
    mx_requests = TutoringRequest.objects.filter(programme__path__startswith=mx.root_page.path)
    assert not mx_requests.filter(kind=RequestKind.INDIVIDUAL_CLASS).exists()
    assert TutoringRequestSettings.for_site(mx).rule_set == "none"
    br_classes = TutoringRequest.objects.filter(
        programme__path__startswith=br.root_page.path, kind=RequestKind.INDIVIDUAL_CLASS
    )
    assert br_classes.filter(state="approved").exists()
    assert TutoringRequestSettings.for_site(br).rule_set == "ufopa-331-2020"
    denied = br_classes.get(state="denied")
    assert denied.verdict["eligible"] is False and denied.decision_reason
    assert denied.rule_set == "ufopa-331-2020"
    # The demo's past happened in the past: histories say when.
    history = TutoringRequest.history.filter(history_change_reason="create")
    assert history.filter(history_date__lt=timezone.now() - timezone.timedelta(days=30)).exists()

    # Every indicator shows a value, for both sites and for all (none suppressed: the
    # cohorts are large enough), but the sensitive counts (reasons, referrals): they are
    # released only for whole ended terms (the previous term, six tutored requests: small
    # cells), randomly rounded to base 5.
    for hostname in ("", "localhost", "127.0.0.1"):
        context, indicators = dashboard_indicators(hostname)
        missing = [
            i.key
            for i in indicators
            if (i.suppressed or i.value is None) and not (i.sensitive and i.unit == "count")
        ]
        assert missing == [], hostname
        assert [t.code for t in context.released_terms()], hostname
        sensitive = [i for i in indicators if i.sensitive and i.unit == "count"]
        assert sensitive and all(i.value is not None and i.value % 5 == 0 for i in sensitive)
    # The home page panel (the site and the current term): the same, but for the term
    # outcomes, which the academic system records at the end of a term (this one has not
    # ended: "not available" is the truth).
    from tutoria_cms.accreditation.wagtail_hooks import current_term_code

    outcomes = ("term_outcomes_", "failure_rate_", "lag_rate_", "dropout_rate_")
    for site in (mx, br):
        hostname = site.hostname
        _context, indicators = dashboard_indicators(hostname, current_term_code(site))
        missing = [
            i.key
            for i in indicators
            if (i.suppressed or i.value is None)
            and not i.key.startswith(outcomes)
            and not (i.sensitive and i.unit == "count")
        ]
        assert missing == [], hostname
        # The current term has not ended: its sensitive counts are withheld, and say so.
        withheld = [i for i in indicators if i.sensitive and i.unit == "count"]
        assert withheld and all(i.value is None and i.unavailable for i in withheld)

    from tutoria_cms.students.models import StudentAccount

    rows = json.loads(logins_file.read_text())
    assert all(set(row) == {"username", "password", "role", "site"} for row in rows)
    logins = {row["username"]: row["password"] for row in rows}
    assert f"admin                  {logins['admin']}" in output
    assert [row for row in rows if row["site"] is None] == [
        {"username": "admin", "password": logins["admin"], "role": "superuser", "site": None}
    ]
    staff_roles = {
        "communications",
        "moderation",
        "coordination",
        "board",
        "orientation",
        "quality",
    }
    for hostname in ("localhost", "127.0.0.1"):
        here = [row for row in rows if row["site"] == hostname]
        assert staff_roles <= {row["role"] for row in here}, hostname
        assert len([row for row in here if row["role"] == "tutor"]) >= 8, hostname
        # Student accounts (tutoria_cms.students): at least two, each linked to a record of
        # this institution through its verified address; not staff, in no group.
        students = [row for row in here if row["role"] == "student"]
        assert len(students) >= 2, hostname
        for row in students:
            account = StudentAccount.objects.select_related("user", "record__site").get(
                user__username=row["username"]
            )
            assert account.record.site.hostname == hostname
            assert account.record.email.lower() == account.user.email == row["username"]
            assert account.user.emailaddress_set.get(email=row["username"]).verified
            assert not account.user.is_staff and not account.user.groups.exists()
            assert account.user.check_password(row["password"])
            # Their area shows something in My tutoring and My workshops.
            from tutoria_cms.requests import student_tutoring
            from tutoria_cms.workshops import student_area

            record = account.record
            assert student_tutoring.own_sessions(record).exists(), row["username"]
            assert student_tutoring.own_referrals(record).exists(), row["username"]
            assert student_tutoring.own_tutors(record), row["username"]
            assert student_tutoring.own_groups(record).exists(), row["username"]
            assert (
                student_area.own_registrations(record).filter(attendances__present=True).exists()
            ), row["username"]
            # Their area's "My mentoring" shows a pair (as mentee or as mentor).
            from tutoria_cms.mentoring.permissions import student_pairs

            assert student_pairs(account.record).filter(goals__isnull=False).exists()
        # Each staff account belongs to its own institution only.
        for row in here:
            if row["role"] == "student":
                continue
            user = get_user_model().objects.get(username=row["username"])
            assert list(user.tutoria_memberships.values_list("site__hostname", flat=True)) == [
                hostname
            ], row["username"]
    assert all(row["password"] in output for row in rows)
    assert "http://localhost:8000/" in output and "http://127.0.0.1:8000/" in output
    from tutoria_cms.tutors.models import TutorProfilePage

    for site in (mx, br):
        assert TutorProfilePage.objects.live().descendant_of(site.root_page).count() >= 8
    estudio = GroupWorkshopPage.objects.get(slug="tecnicas-de-estudio", locale__language_code="es")
    assert [block.block_type for block in estudio.facilitators] == ["tutor"]
    assert estudio.facilitators[0].value["tutor"].specific.user.username == "mx.ana"
    assert get_user_model().objects.get(username="admin").check_password(logins["admin"])

    mx_page = client.get("/", HTTP_HOST="localhost:8000")
    br_page = client.get("/", HTTP_HOST="127.0.0.1:8000")
    assert mx_page.status_code == br_page.status_code == 200
    assert "Programas de tutoría" in mx_page.text and 'lang="es"' in mx_page.text
    assert "Programas de tutoria" in br_page.text and 'lang="pt-br"' in br_page.text

    # The quality office's indicators page and coordination's dashboard render the demo.
    client.force_login(get_user_model().objects.get(username="mx.calidad"))
    indicators_page = client.get(reverse("tutoria_accreditation:indicators"))
    assert indicators_page.status_code == 200
    client.force_login(get_user_model().objects.get(username="mx.coordinacion"))
    dashboard = client.get(reverse("wagtailadmin_home"), HTTP_HOST="localhost:8000")
    assert dashboard.status_code == 200 and 'data-indicator="referrals"' in dashboard.text

    # Each institution's communications staff edit its pages only; its moderators approve
    # in its own workflow; its tutors add profiles under its directory only.
    from tutoria_cms.core import roles
    from tutoria_cms.tutors.models import TutorIndexPage

    User = get_user_model()
    for site, other in ((mx, br), (br, mx)):
        role_of = {row["username"]: row["role"] for row in rows if row["site"] == site.hostname}
        staff = {role: username for username, role in role_of.items() if role != "tutor"}
        tutor = User.objects.get(username=next(u for u, r in role_of.items() if r == "tutor"))
        own = TutoringProgrammePage.objects.descendant_of(site.root_page).first()
        theirs = TutoringProgrammePage.objects.descendant_of(other.root_page).first()
        for role in ("communications", "moderation"):
            user = User.objects.get(username=staff[role])
            client.force_login(user)
            edit = reverse("wagtailadmin_pages:edit", args=[own.pk])
            assert client.get(edit).status_code == 200, user
            refusal = client.get(reverse("wagtailadmin_pages:edit", args=[theirs.pk]))
            assert refusal.status_code == 302 and refusal["Location"] == "/admin/", user
            assert own.permissions_for_user(user).can_publish() is (role == "moderation")
        moderator = User.objects.get(username=staff["moderation"])
        task = roles.content_review_task(site)
        assert WorkflowPage.objects.get(page=site.root_page).workflow == roles.content_workflow(
            site
        )
        assert task.groups.filter(user=moderator).exists()
        assert not roles.content_review_task(other).groups.filter(user=moderator).exists()
        directory = TutorIndexPage.objects.descendant_of(site.root_page).get()
        other_directory = TutorIndexPage.objects.descendant_of(other.root_page).get()
        assert directory.permissions_for_user(tutor).can_add_subpage()
        assert not other_directory.permissions_for_user(tutor).can_add_subpage()


def test_running_twice_changes_nothing_and_addr_moves_the_demo(logins_file, capsys):
    first_output = load(logins_file, capsys)
    base_url_file = logins_file.with_name("demo-base-url")
    assert base_url_file.read_text().strip() == "http://localhost:8000"
    before = snapshot()
    second_output = load(logins_file, capsys)
    assert snapshot() == before
    assert "(0 " in second_output
    logins = {row["username"]: row["password"] for row in json.loads(logins_file.read_text())}
    password = logins["mx.coordinacion"]
    assert password in first_output and password in second_output

    # make demo ADDR=127.0.0.1:8101: the Sites, the printed URLs and the e-mails' base URL.
    output = load(logins_file, capsys, addr="127.0.0.1:8101")
    assert sorted(Site.objects.values_list("hostname", "port")) == [
        ("127.0.0.1", 8101),
        ("localhost", 8101),
    ]
    assert "http://localhost:8101/" in output and "http://127.0.0.1:8101/" in output
    assert "http://localhost:8101/admin/" in output and ":8000" not in output
    assert base_url_file.read_text().strip() == "http://localhost:8101"
    after = snapshot()
    assert after[:-2] == before[:-2] and after[-1] == before[-1]  # only the ports changed
    assert load(logins_file, capsys, addr="127.0.0.1:8101") and snapshot() == after


@pytest.mark.parametrize(
    ("addr", "port"), [("8101", 8101), ("0.0.0.0:8102", 8102), ("[::1]:8103", 8103)]
)
def test_addr_gives_the_port(addr, port):
    assert port_of(addr) == port


@pytest.mark.parametrize("addr", ["localhost", "127.0.0.1:", "127.0.0.1:99999", "x:y"])
def test_a_bad_addr_is_refused(addr):
    with pytest.raises(CommandError, match="not an address"):
        port_of(addr)


def test_the_first_form_of_the_logins_file_keeps_its_passwords(logins_file, capsys):
    logins_file.write_text(json.dumps({"admin": "kept-admin-pw", "mx.calidad": "kept-q-pw"}))
    load(logins_file, capsys)
    rows = {row["username"]: row for row in json.loads(logins_file.read_text())}
    assert rows["admin"]["password"] == "kept-admin-pw"
    assert rows["mx.calidad"] == {
        "username": "mx.calidad",
        "password": "kept-q-pw",
        "role": "quality",
        "site": "localhost",
    }
    assert get_user_model().objects.get(username="mx.calidad").check_password("kept-q-pw")
