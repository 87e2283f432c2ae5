"""Build the two demo institutions in code (never from page JSON): idempotent.

Every object is looked up by a stable key (site hostname, page slug under its parent,
username) and only created when missing, so running the loader twice changes nothing.
"""

import datetime
import json
import os
import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site, WorkflowPage

from sites.home.models import HomePage
from tutoria_cms.core import roles
from tutoria_cms.programmes.models import ProgrammeIndexPage, TutoringProgrammePage

from . import content_es, content_pt_br

INSTITUTIONS = (content_es, content_pt_br)
PORT = 8000
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"

# Demo accounts: (username, role group or None for the superuser, first name, last name).
ACCOUNTS = [
    ("admin", None, "Admin", "Demo"),
    ("comunicacion", roles.COMMUNICATIONS, "Carmen", "Ruiz"),
    ("moderacion", roles.COMMUNICATIONS_MODERATORS, "Marta", "Vidal"),
    ("coordinacion", roles.COORDINATION, "Laura", "Jiménez"),
    ("colegiado", roles.BOARD, "Paulo", "Freitas"),
    ("orientacion", roles.ORIENTATION, "Irene", "Campos"),
    ("calidad", roles.QUALITY, "Hugo", "Navarro"),
]


class DemoLoader:
    def __init__(self, stdout=None, logins_file=None, today=None):
        self.stdout = stdout
        self.logins_file = Path(logins_file or Path(settings.VAR_DIR) / "demo-logins.json")
        self.today = today or timezone.localdate()
        self.created = 0

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    # -- pages ---------------------------------------------------------------------------
    def child(self, parent, model, slug, **fields):
        existing = parent.get_children().filter(slug=slug).first()
        if existing is not None:
            return existing.specific
        page = model(slug=slug, locale=parent.locale, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1
        return page

    def remove_wagtail_welcome_page(self):
        for page in Page.objects.filter(depth=2, title=WAGTAIL_WELCOME_TITLE):
            if type(page.specific) is Page and not page.get_children().exists():
                Site.objects.filter(root_page=page).delete()
                page.delete()

    def home(self, content):
        locale, _created = Locale.objects.get_or_create(language_code=content.LANGUAGE)
        root = Page.get_first_root_node()
        home = root.get_children().filter(slug=content.HOME["slug"]).first()
        if home is None:
            home = HomePage(
                title=content.HOME["title"],
                slug=content.HOME["slug"],
                institution=content.INSTITUTION,
                introduction=content.HOME["introduction"],
                locale=locale,
            )
            root.add_child(instance=home)
            home.save_revision().publish()
            self.created += 1
        site = Site.objects.filter(hostname=content.HOSTNAME, port=PORT).first()
        if site is None:
            Site.objects.create(
                hostname=content.HOSTNAME,
                port=PORT,
                root_page=home,
                site_name=content.INSTITUTION,
                is_default_site=content is INSTITUTIONS[0]
                and not Site.objects.filter(is_default_site=True).exists(),
            )
            self.created += 1
        workflow = roles.content_workflow()
        if workflow is not None and not WorkflowPage.objects.filter(page=home).exists():
            WorkflowPage.objects.create(workflow=workflow, page=home)
        return home.specific

    def programmes(self, home, content):
        index = self.child(
            home,
            ProgrammeIndexPage,
            content.INDEX["slug"],
            title=content.INDEX["title"],
            introduction=content.INDEX["introduction"],
            search_description=content.INDEX["search_description"],
            show_in_menus=True,
        )
        for spec in content.PROGRAMMES:
            spec = dict(spec)
            workshops = spec.pop("workshops", [])
            slug = spec.pop("slug")
            programme = self.child(index, TutoringProgrammePage, slug, **spec)
            if apps.is_installed("tutoria_cms.workshops"):
                for workshop in workshops:
                    self.workshop(programme, workshop)
        return index

    def workshop(self, programme, spec):
        from tutoria_cms.workshops.models import GroupWorkshopPage, WorkshopSession

        spec = dict(spec)
        slug = spec.pop("slug")
        if programme.get_children().filter(slug=slug).exists():
            return
        sessions = spec.pop("sessions")
        facilitators = [self.facilitator(name, role) for name, role in spec.pop("facilitators")]
        page = GroupWorkshopPage(
            slug=slug, locale=programme.locale, facilitators=facilitators, **spec
        )
        page.workshop_sessions = [
            WorkshopSession(
                date=self.today + datetime.timedelta(days=offset),
                start_time=datetime.time.fromisoformat(start),
                end_time=datetime.time.fromisoformat(end),
                place="" if where.startswith("https://") else where,
                video_url=where if where.startswith("https://") else "",
            )
            for offset, start, end, where in sessions
        ]
        programme.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1

    def facilitator(self, name, role):
        """A free-text facilitator, or "@slug": a demo tutor's profile (when installed)."""
        if name.startswith("@") and apps.is_installed("tutoria_cms.tutors"):
            from tutoria_cms.tutors.models import TutorProfilePage

            profile = TutorProfilePage.objects.get(
                user__username=f"{self.accounts_prefix}{name[1:]}"
            )
            return ("tutor", {"tutor": profile, "role": role})
        return ("person", {"name": name.lstrip("@"), "role": role})

    def requests(self, home, content):
        """Academic records and requests in every state (requests app, optional)."""
        if not (
            apps.is_installed("tutoria_cms.requests") and apps.is_installed("tutoria_cms.academics")
        ):
            return
        from tutoria_cms.academics.demo import load_demo_academics
        from tutoria_cms.requests.demo import load_demo_requests

        term, components, students = load_demo_academics(
            content.STUDENT_PREFIX, content.STUDENTS, content.PROGRAMME_OF_STUDY
        )
        programme = (
            TutoringProgrammePage.objects.descendant_of(home).filter(kind="action_plan").first()
        )
        User = get_user_model()
        tutors = [f"{self.accounts_prefix}{slug}" for slug in content.DEMO_REQUEST_TUTORS]
        created = load_demo_requests(
            programme,
            content.LANGUAGE,
            term,
            components,
            students,
            coordinator=User.objects.get(username="coordinacion"),
            board=User.objects.get(username="colegiado"),
            tutors=tutors,
        )
        self.created += len(created)

    # -- accounts ------------------------------------------------------------------------
    def read_logins(self):
        try:
            return json.loads(self.logins_file.read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def write_logins(self, logins):
        self.logins_file.parent.mkdir(parents=True, exist_ok=True)
        self.logins_file.write_text(json.dumps(logins, indent=2, sort_keys=True))
        os.chmod(self.logins_file, 0o600)

    def account(self, logins, username, group, first_name, last_name):
        """Create the account if missing; (re)set its password only if it does not match."""
        User = get_user_model()
        password = logins.get(username) or secrets.token_urlsafe(10)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@demo.example.edu",
                "is_staff": group is None,
                "is_superuser": group is None,
            },
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        if group is not None:
            user.groups.add(Group.objects.get(name=group))
        logins[username] = password
        return user

    def accounts(self):
        logins = self.read_logins()
        for username, group, first_name, last_name in ACCOUNTS:
            self.account(logins, username, group, first_name, last_name)
        self.write_logins(logins)
        return logins

    def tutors(self, home, content, logins):
        """The tutor directory with eight tutors and their matrices (tutors app, optional)."""
        if not apps.is_installed("tutoria_cms.tutors"):
            return []
        from tutoria_cms.tutors.demo import load_demo_tutors
        from tutoria_cms.tutors.models import TutorIndexPage

        spec = dict(content.TUTOR_INDEX)
        index = self.child(home, TutorIndexPage, spec.pop("slug"), show_in_menus=True, **spec)
        validator = get_user_model().objects.get(username="coordinacion")
        accounts = load_demo_tutors(
            index,
            content.LANGUAGE,
            content.ACCOUNTS_PREFIX,
            validator=validator,
            passwords=logins,
        )
        logins.update(accounts)
        return [username for username, _password in accounts]

    def mentoring(self, home, content):
        """The peer-mentoring cycle of the site's peer-mentoring programme (mentoring app)."""
        from tutoria_cms.mentoring.demo import load_demo_mentoring

        for page in TutoringProgrammePage.objects.descendant_of(home).filter(kind="peer_mentoring"):
            self.created += load_demo_mentoring(page, content.LANGUAGE, today=self.today)

    # -- all -----------------------------------------------------------------------------
    @transaction.atomic
    def load(self):
        """Build everything; return [(username, password, role)] of the demo accounts."""
        self.remove_wagtail_welcome_page()
        logins = self.accounts()
        rows = [
            (username, logins[username], roles.ROLE_LABELS[group] if group else None)
            for username, group, _first, _last in ACCOUNTS
        ]
        for content in INSTITUTIONS:
            self.accounts_prefix = content.ACCOUNTS_PREFIX
            home = self.home(content)
            for username in self.tutors(home, content, logins):
                rows.append((username, logins[username], roles.ROLE_LABELS[roles.TUTORS]))
            self.programmes(home, content)
            self.requests(home, content)
            if apps.is_installed("tutoria_cms.partnerships"):
                from tutoria_cms.partnerships.demo import load_demo_partnerships

                self.created += load_demo_partnerships(home, content.LANGUAGE, today=self.today)
            if apps.is_installed("tutoria_cms.mentoring"):
                self.mentoring(home, content)
        self.write_logins(logins)
        return rows
