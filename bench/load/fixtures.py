"""The start-of-term rush on top of the demo: what the load's users contend for.

``build_rush(batch)`` adds, for one run (``batch`` keeps the runs' targets apart):

- a few workshops made nearly full (a handful of seats left; one without a waiting list), on
  both demo sites;
- a regular term with a few mandatory components (in pairs of equivalents) and a term's
  worth of eligible students:
  some with an individual-class request already under review (the board's queue: more per
  component than an individual class takes), the others free for coordinators to file;
- coordinators and board members, each with a logged-in session (the load does not spend
  its time hashing passwords at login), and with ``quality=1`` (several nodes) one person of
  the quality office, a member of every site, who requests evidence exports.

It returns the manifest the locust users read: public pages (with their site's host), the
hot workshops, the term, components, students, programme and the sessions.
"""

import datetime
import secrets
from urllib.parse import quote

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.models import Page, Site

from tutoria_cms.academics.models import CurricularComponent, StudentRecord, Term
from tutoria_cms.core import roles
from tutoria_cms.core.choices import WorkshopTopic
from tutoria_cms.programmes.models import TutoringProgrammePage
from tutoria_cms.requests import services as request_services
from tutoria_cms.requests.models import RequestKind
from tutoria_cms.workshops import services as workshop_services
from tutoria_cms.workshops.models import GroupWorkshopPage, WorkshopSession

# No e-mail while building fixtures (the server's e-mails go to its log during the run).
QUIET = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")

SEARCHES = ["tutoría", "taller", "tutoria", "oficina", "estudio"]
DIRECTORY_FILTERS = ["", "?modality=in_person", "?q=ma", "?attention_type=individual"]


def page_target(page):
    """{"host": the page's site hostname, "path": its path on that site}."""
    site_id, root_url, path = page.specific.get_url_parts()
    site = Site.objects.get(pk=site_id)
    return {"host": site.hostname, "path": url_path(path), "title": page.title}


def url_path(path):
    """A path as it goes on the wire (slugs and searches may have accents)."""
    return quote(path, safe="/?=&%")


def public_pages():
    """Every live page of the demo sites, with the directory's filters and the searches."""
    targets = []
    for site in Site.objects.order_by("pk"):
        pages = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
        for page in pages.specific().order_by("path"):
            target = page_target(page)
            kind = type(page).__name__
            if kind == "TutorIndexPage":
                for query in DIRECTORY_FILTERS:
                    targets.append(
                        {**target, "path": target["path"] + url_path(query), "kind": kind}
                    )
                continue
            targets.append({**target, "kind": kind})
        for query in SEARCHES:
            targets.append(
                {"host": site.hostname, "path": url_path(f"/search/?q={query}"), "kind": "search"}
            )
    return targets


def hot_workshop(programme, batch, number, *, capacity, left, waiting_list):
    """A published workshop with ``left`` seats left (the others taken through the service)."""
    today = timezone.localdate()
    page = GroupWorkshopPage(
        title=f"Rush {batch.upper()}{number}: {programme.title}",
        slug=f"rush-{batch}-{number}",
        topic=WorkshopTopic.STUDY_TECHNIQUES,
        capacity=capacity,
        waiting_list_enabled=waiting_list,
        locale=programme.locale,
        workshop_sessions=[
            WorkshopSession(
                date=today + datetime.timedelta(days=7 * (week + 1)),
                start_time=datetime.time(10),
                end_time=datetime.time(12),
                place="Aula 3",
            )
            for week in range(3)
        ],
    )
    programme.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    for seat in range(capacity - left):
        workshop_services.register(
            page,
            student_number=f"P{batch.upper()}{number}-{seat:04d}",
            full_name=f"Estudiante previo {seat}",
            email=f"p{batch}{number}-{seat}@demo.example.edu",
            consent=True,
            language="es",
        )
    return {
        **page_target(page),
        "id": page.pk,
        "capacity": capacity,
        "left": left,
        "waiting_list": waiting_list,
    }


def signup_records(batch, sites, count):
    """The students who sign up during the rush, on the records of the hot workshops'
    institutions: a sign-up with a number the institution does not know is answered the same
    ("requested") but stores nothing and sends nothing (no enumeration). ``count`` numbers
    ``S<BATCH>00000``… (one per sign-up, in order) and the 15 numbers typed on several
    devices at once, ``E<BATCH>000``…; the e-mail goes to the record's address."""
    numbers = [f"S{batch.upper()}{number:05d}" for number in range(count)]
    numbers += [f"E{batch.upper()}{number:03d}" for number in range(15)]
    for site in sites:
        StudentRecord.objects.bulk_create(
            StudentRecord(
                site=site,
                student_number=number,
                full_name=f"Estudiante {number}",
                email=f"{number.lower()}@demo.example.edu",
                programme_of_study="Licenciatura",
                curriculum_hours=3000,
            )
            for number in numbers
        )


def member_of(accounts, sites=None):
    """Memberships of ``sites`` (default: every site), no roles chosen: all the person's
    roles apply there."""
    from tutoria_cms.core.models import InstitutionMembership

    User = get_user_model()
    for account in accounts:
        user = User.objects.get(pk=account["id"])
        for site in sites if sites is not None else Site.objects.all():
            InstitutionMembership.objects.get_or_create(user=user, site=site)


def staff(batch, group, prefix, count):
    """``count`` accounts of ``group``, each with a logged-in session; [{username, session}]."""
    User = get_user_model()
    accounts = []
    for number in range(count):
        user = User.objects.create_user(
            username=f"load.{batch}.{prefix}{number}",
            password=secrets.token_urlsafe(12),
            email=f"load.{batch}.{prefix}{number}@demo.example.edu",
            first_name=prefix.title(),
            last_name=str(number),
        )
        user.groups.add(Group.objects.get(name=group))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        accounts.append({"username": user.username, "id": user.pk, "session": session.session_key})
    return accounts


def rush_term(batch, *, components, queued_per_component, free_students, programme, coordinator):
    """The term, its components, students with requests under review and free students."""
    today = timezone.localdate()
    # The institution of the programme: every record of the rush belongs to it.
    site = programme.get_site()
    term = Term.objects.create(
        site=site,
        code=f"LOAD-{batch.upper()}",
        name=f"Load {batch.upper()} (regular)",
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=120),
    )
    component_rows = [
        CurricularComponent.objects.create(
            site=site,
            code=f"LD{batch.upper()}{number:02d}",
            name=f"Componente de carga {number}",
            hours=60,
            mandatory=True,
        )
        for number in range(components)
    ]
    # Pairs of equivalent components: one individual class per pair and term (art. 245).
    for first, second in zip(component_rows[::2], component_rows[1::2], strict=False):
        first.equivalents.add(second)

    def student(number):
        return StudentRecord.objects.create(
            site=site,
            student_number=f"LD{batch.upper()}{number:05d}",
            full_name=f"Estudiante {batch.upper()} {number}",
            email=f"ld{batch}{number}@demo.example.edu",
            programme_of_study="Licenciatura",
            curriculum_hours=3000,
            completed_hours=2850,
        )

    # Round robin over the components: the newest requests (the top of the board's queue)
    # are for every component, equivalent ones side by side.
    queued, number = [], 0
    for _index in range(queued_per_component):
        for component in component_rows:
            request = request_services.create_request(
                kind=RequestKind.INDIVIDUAL_CLASS,
                student=student(number),
                term=term,
                component=component,
                programme=programme,
                user=coordinator,
            )
            for action in ("submit", "review"):
                request = request_services.transition(request, action, coordinator)
            queued.append(request.pk)
            number += 1
    free = [student(number + index).pk for index in range(free_students)]
    return {
        "term": term.pk,
        "components": [component.pk for component in component_rows],
        "queued_requests": queued,
        "free_students": free,
    }


@QUIET
@transaction.atomic
def build_rush(
    batch,
    *,
    hot_workshops=3,
    capacity=60,
    seats_left=20,
    components=4,
    queued_per_component=6,
    free_students=8,
    coordinators=4,
    board=4,
    quality=0,
    signups=3000,
):
    """Everything one run contends for; returns its manifest (JSON-serialisable)."""
    programmes = list(
        TutoringProgrammePage.objects.live().filter(kind="action_plan").order_by("path")
    )
    if not programmes:
        raise RuntimeError("Load the demo first (manage.py load_tutoria_demo).")
    workshops = [
        hot_workshop(
            programmes[number % len(programmes)],
            batch,
            number,
            capacity=capacity,
            left=seats_left,
            # The last one refuses once full: contention ends in "full", not the waiting list.
            waiting_list=number != hot_workshops - 1,
        )
        for number in range(hot_workshops)
    ]
    signup_records(
        batch,
        Site.objects.filter(pk__in={Page.objects.get(pk=w["id"]).get_site().pk for w in workshops}),
        signups,
    )
    # Individual classes are filed where the demo takes them (the Brazilian site's programme of
    # individual classes, judged by its regulation), else on the first action plan.
    classes_programme = (
        TutoringProgrammePage.objects.live()
        .filter(kind="individual_classes")
        .order_by("path")
        .first()
        or programmes[0]
    )
    coordinator_accounts = staff(batch, roles.COORDINATION, "coordinator", coordinators)
    board_accounts = staff(batch, roles.BOARD, "board", board)
    quality_accounts = staff(batch, roles.QUALITY, "quality", quality)
    # Coordination and the board work in the institution of the individual classes; the
    # quality office exports the evidence of every institution.
    member_of(coordinator_accounts + board_accounts, [classes_programme.get_site()])
    member_of(quality_accounts)
    User = get_user_model()
    rush = rush_term(
        batch,
        components=components,
        queued_per_component=queued_per_component,
        free_students=free_students,
        programme=classes_programme,
        coordinator=User.objects.get(pk=coordinator_accounts[0]["id"]),
    )
    return {
        "batch": batch,
        "public_pages": public_pages(),
        "hot_workshops": workshops,
        "programme": classes_programme.pk,
        "language": classes_programme.locale.language_code,
        "coordinators": coordinator_accounts,
        "board": board_accounts,
        "signups": signups,
        "quality": quality_accounts,
        "export_sites": list(Site.objects.order_by("pk").values_list("hostname", flat=True)),
        "export_from": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
        "export_to": timezone.localdate().isoformat(),
        **rush,
    }
