"""Build the two demo institutions in code (never from page JSON): idempotent.

Every object is looked up by a stable key (site hostname, page slug under its parent,
username) and only created when missing, so running the loader twice changes nothing.
The data of every feature (requests, tutoring, groups, reports, referrals, term outcomes,
workshop registrations, mentoring, agreements) is made through the apps' services, by the
modules beside this one; the apps themselves ship no demo code.

The Sites are served at ``localhost`` (Spanish) and ``127.0.0.1`` (Brazilian Portuguese), on
``PORT`` or the port given (``load_tutoria_demo --addr``, ``make demo ADDR=...``); the admin's
base URL follows and is recorded for the server (``BASE_URL_FILE``).
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
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from sites.home.models import HomePage
from tutoria_cms.core import roles
from tutoria_cms.programmes.models import ProgrammeIndexPage, TutoringProgrammePage

from . import content_es, content_pt_br

INSTITUTIONS = (content_es, content_pt_br)
PORT = 8000  # the default port of the demo Sites (make demo ADDR=... changes it)
BASE_URL_FILE = "demo-base-url"  # beside the logins file; sites.settings.dev reads it
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"

# The superuser (every institution); each institution's staff are in its content module
# (``STAFF``, usernames after its ``ACCOUNTS_PREFIX``), its tutors made by the tutors' loader.
SUPERUSER = ("admin", "Admin", "Demo")

# The role of each account as ``var/demo-logins.json`` names it (for tools that read it).
ROLE_KEYS = {
    None: "superuser",
    roles.COMMUNICATIONS: "communications",
    roles.COMMUNICATIONS_MODERATORS: "moderation",
    roles.COORDINATION: "coordination",
    roles.BOARD: "board",
    roles.ORIENTATION: "orientation",
    roles.QUALITY: "quality",
    roles.TUTORS: "tutor",
}


def staff_username(content, role):
    """The username of ``content``'s institution's account with ``role`` (a group name)."""
    for username, group, _first, _last in content.STAFF:
        if group == role:
            return f"{content.ACCOUNTS_PREFIX}{username}"
    raise LookupError(role)


class DemoLoader:
    def __init__(self, stdout=None, logins_file=None, today=None, port=None):
        self.stdout = stdout
        self.logins_file = Path(logins_file or Path(settings.VAR_DIR) / "demo-logins.json")
        self.today = today or timezone.localdate()
        self.port = port  # None: keep the Sites' ports (PORT for new ones)
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
        site = Site.objects.filter(hostname=content.HOSTNAME).order_by("pk").first()
        if site is not None and self.port is not None and site.port != self.port:
            site.port = self.port
            site.save(update_fields=["port"])
        if site is None:
            Site.objects.create(
                hostname=content.HOSTNAME,
                port=self.port or PORT,
                root_page=home,
                site_name=content.INSTITUTION,
                is_default_site=content is INSTITUTIONS[0]
                and not Site.objects.filter(is_default_site=True).exists(),
            )
            self.created += 1
        # The new Site comes with its institution's groups and moderation workflow, assigned
        # to its home page (tutoria_cms.core.institution_groups).
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
        """Academic records, requests in every state, individual and group tutoring, reports
        and the previous term's outcomes (requests and academics apps, optional)."""
        if not (
            apps.is_installed("tutoria_cms.requests") and apps.is_installed("tutoria_cms.academics")
        ):
            return
        from sites.home.demo.academics import (
            load_demo_academics,
            load_demo_outcomes,
            student_names,
        )
        from sites.home.demo.requests import TUTORED, load_demo_requests
        from tutoria_cms.requests.models import NO_INDIVIDUAL_CLASSES, TutoringRequestSettings

        site = Site.objects.get(root_page=home)
        previous, term, components, students = load_demo_academics(
            site, content.STUDENT_PREFIX, student_names(content), content.PROGRAMME_OF_STUDY
        )
        request_settings = TutoringRequestSettings.for_site(site)
        if request_settings.rule_set != content.RULE_SET:
            request_settings.rule_set = content.RULE_SET
            request_settings.save()
        pages = TutoringProgrammePage.objects.descendant_of(home).order_by("path")
        User = get_user_model()
        created = load_demo_requests(
            language=content.LANGUAGE,
            programmes=[
                pages.filter(kind=kind).first()
                for kind in ("action_plan", "peer_mentoring", "individual_classes")
            ],
            terms=(previous, term),
            components=components,
            students=students,
            staff=[
                User.objects.get(username=staff_username(content, role))
                for role in (roles.COORDINATION, roles.BOARD, roles.ORIENTATION)
            ],
            tutors=[f"{self.accounts_prefix}{slug}" for slug in content.DEMO_REQUEST_TUTORS],
            group_tutor=User.objects.get(username=f"{self.accounts_prefix}{content.GROUP_TUTOR}"),
            allows_classes=content.RULE_SET != NO_INDIVIDUAL_CLASSES,
            prefix=content.STUDENT_PREFIX,
            today=self.today,
        )
        self.created += len(created)
        tutored = set(TUTORED)
        load_demo_outcomes(
            previous,
            [student for index, student in enumerate(students) if index in tutored],
            [student for index, student in enumerate(students) if index not in tutored],
        )

    # -- accounts ------------------------------------------------------------------------
    def read_logins(self):
        """The known passwords, username -> password (from the logins file, either form)."""
        try:
            data = json.loads(self.logins_file.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        if isinstance(data, dict):  # the first form of the file: {username: password}
            return {k: v for k, v in data.items() if isinstance(v, str)}
        return {
            row["username"]: row["password"]
            for row in data
            if isinstance(row, dict) and "username" in row and "password" in row
        }

    def write_logins(self, rows):
        """``var/demo-logins.json``: a list of ``{"username", "password", "role", "site"}``
        (``role`` a key of :data:`ROLE_KEYS`, ``site`` the institution's hostname, ``None`` for
        the superuser), readable by the owner only."""
        data = [
            {"username": username, "password": password, "role": role, "site": hostname}
            for username, password, role, hostname in rows
        ]
        self.logins_file.parent.mkdir(parents=True, exist_ok=True)
        self.logins_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.chmod(self.logins_file, 0o600)

    def account(self, logins, username, group, first_name, last_name, site=None):
        """Create the account if missing; (re)set its password only if it does not match.

        With ``site``, the person is a member of that institution only, with the role."""
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
        if site is not None:
            self.member(user, site, group)
        logins[username] = password
        return user

    def member(self, user, site, group):
        """Make ``user`` a member of the institution ``site`` with the role ``group``."""
        from tutoria_cms.core.models import InstitutionMembership

        membership, _created = InstitutionMembership.objects.get_or_create(user=user, site=site)
        if group is not None and not membership.roles.filter(name=group).exists():
            membership.roles.add(Group.objects.get(name=group))

    def accounts(self, logins, content, site):
        """The institution's staff accounts; [(username, password, role key, hostname)]."""
        rows = []
        for name, group, first_name, last_name in content.STAFF:
            username = f"{content.ACCOUNTS_PREFIX}{name}"
            self.account(logins, username, group, first_name, last_name, site=site)
            rows.append((username, logins[username], ROLE_KEYS[group], site.hostname))
        return rows

    def students(self, logins, content, site, count=2):
        """Student accounts (tutoria_cms.students) of the first ``count`` student records: the
        address verified is the record's, so the account is linked as a confirmed sign-up
        would be. Not staff, in no group, member of no institution."""
        if not (apps.is_installed("tutoria_cms.students") and apps.is_installed("allauth.account")):
            return []
        from allauth.account.models import EmailAddress

        from tutoria_cms.academics.models import StudentRecord
        from tutoria_cms.students.models import LinkMethod, StudentAccount

        User = get_user_model()
        rows = []
        records = StudentRecord.objects.filter(
            site=site, student_number__startswith=content.STUDENT_PREFIX
        ).exclude(email="")
        for record in records.order_by("student_number")[:count]:
            email = record.email.lower()
            password = logins.get(email) or secrets.token_urlsafe(10)
            first_name, _space, last_name = record.full_name.partition(" ")
            user, created = User.objects.get_or_create(
                username=email,
                defaults={"email": email, "first_name": first_name, "last_name": last_name},
            )
            if created or not user.check_password(password):
                user.set_password(password)
                user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if not StudentAccount.objects.filter(user=user).exists():
                StudentAccount.objects.get_or_create(
                    record=record,
                    defaults={
                        "user": user,
                        "method": LinkMethod.VERIFIED_EMAIL,
                        "evidence": email,
                    },
                )
            logins[email] = password
            rows.append((email, password, "student", site.hostname))
        return rows

    def workshop_calendar(self, home, content):
        """The workshops calendar page, in the menu (workshops app)."""
        if not apps.is_installed("tutoria_cms.workshops"):
            return
        from tutoria_cms.workshops.models import WorkshopCalendarPage

        spec = dict(content.WORKSHOP_CALENDAR)
        self.child(home, WorkshopCalendarPage, spec.pop("slug"), show_in_menus=True, **spec)

    def student_area(self, home, content, site):
        """The student area page and the institution's privacy notice (students app)."""
        from tutoria_cms.core.models import InstitutionSettings

        settings_row = InstitutionSettings.for_site(site)
        if not settings_row.privacy_notice:
            for name, value in content.INSTITUTION_SETTINGS.items():
                setattr(settings_row, name, value)
            settings_row.save()
        if not apps.is_installed("tutoria_cms.students"):
            return
        from tutoria_cms.students.models import StudentAreaPage

        spec = dict(content.STUDENT_AREA)
        self.child(home, StudentAreaPage, spec.pop("slug"), **spec)

    def theme(self, home, content, site):
        """The institution's logo and colours, and an image for every programme, workshop
        and tutor without one (drawn by sites/home/demo/images.py; CREDITS.md)."""
        from sites.home.demo import images
        from tutoria_cms.core.documents import institution_collection
        from tutoria_cms.core.models import InstitutionSettings

        theme = content.THEME
        collection = institution_collection(site)
        settings_row = InstitutionSettings.for_site(site)
        if settings_row.logo_id is None:
            logo, created = images.demo_image(
                theme["logo_title"],
                content.INSTITUTION,
                images.draw_logo(theme["logo_initials"], theme["primary_colour"]),
                collection,
                f"logo-{theme['logo_initials'].lower()}.png",
            )
            self.created += created
            settings_row.logo = logo
            settings_row.primary_colour = theme["primary_colour"]
            settings_row.accent_colour = theme["accent_colour"]
            settings_row.save()
        for page in home.get_descendants().live().specific():
            if hasattr(page, "is_tutor_profile") and page.photo_id is None:
                name = page.display_name
                photo, created = images.demo_image(
                    f"{name} ({site.hostname})",
                    theme["tutor_photo"].format(name=name),
                    images.draw_portrait(page.slug, name, theme["primary_colour"]),
                    collection,
                    f"tutor-{page.slug}.png",
                )
                page.photo = photo
            elif hasattr(page, "image_id") and page.image_id is None:
                is_workshop = hasattr(page, "workshop_sessions")
                description = theme["workshop_image" if is_workshop else "programme_image"]
                image, created = images.demo_image(
                    f"{page.title} ({site.hostname})",
                    description.format(title=page.title),
                    images.draw_illustration(page.slug, theme["primary_colour"]),
                    collection,
                    f"{page.slug}.png",
                )
                page.image = image
            else:
                continue
            self.created += created
            page.save_revision(user=getattr(page, "user", None)).publish()

    def coordinator(self, content):
        return get_user_model().objects.get(username=staff_username(content, roles.COORDINATION))

    def tutors(self, home, content, logins):
        """The tutor directory with eight tutors and their matrices (tutors app, optional)."""
        if not apps.is_installed("tutoria_cms.tutors"):
            return []
        from sites.home.demo.tutors import load_demo_tutors
        from tutoria_cms.tutors.models import TutorIndexPage

        spec = dict(content.TUTOR_INDEX)
        index = self.child(home, TutorIndexPage, spec.pop("slug"), show_in_menus=True, **spec)
        validator = self.coordinator(content)
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
        from sites.home.demo.mentoring import load_demo_mentoring, load_demo_student_pair
        from tutoria_cms.academics.models import StudentRecord

        # The demo student accounts' records (``students()``): the first two.
        records = StudentRecord.objects.filter(
            site=home.get_site(), student_number__startswith=content.STUDENT_PREFIX
        ).exclude(email="")
        for page in TutoringProgrammePage.objects.descendant_of(home).filter(kind="peer_mentoring"):
            self.created += load_demo_mentoring(
                page, content.LANGUAGE, today=self.today, user=self.coordinator(content)
            )
            self.created += load_demo_student_pair(
                page,
                records.order_by("student_number")[:2],
                content.LANGUAGE,
                today=self.today,
                user=self.coordinator(content),
            )

    # -- addresses -----------------------------------------------------------------------
    def site_urls(self):
        """[(institution, root URL)] of the demo Sites, as they are now."""
        urls = []
        for content in INSTITUTIONS:
            site = Site.objects.filter(hostname=content.HOSTNAME).order_by("pk").first()
            if site is not None:
                urls.append((content.INSTITUTION, site.root_url + "/"))
        return urls

    def base_url(self):
        """The admin's base URL (e-mails' links): the default demo Site's root URL."""
        site = Site.objects.filter(hostname=INSTITUTIONS[0].HOSTNAME).order_by("pk").first()
        return site.root_url if site is not None else f"http://localhost:{PORT}"

    @property
    def base_url_file(self):
        return self.logins_file.with_name(BASE_URL_FILE)

    def write_base_url(self):
        """Record the base URL for the server that ``make demo`` starts next
        (``sites.settings.dev`` reads it when WAGTAILADMIN_BASE_URL is not in the
        environment)."""
        url = self.base_url()
        path = self.base_url_file
        if not path.exists() or path.read_text().strip() != url:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(url + "\n")
        return url

    def workshops(self, home, content):
        """Registrations and attendance in the site's workshops (workshops app)."""
        if not (
            apps.is_installed("tutoria_cms.workshops")
            and apps.is_installed("tutoria_cms.academics")
        ):
            return
        from sites.home.demo.workshops import load_demo_registrations
        from tutoria_cms.academics.models import StudentRecord

        students = list(
            StudentRecord.objects.filter(
                student_number__startswith=content.STUDENT_PREFIX
            ).order_by("student_number")
        )
        coordinator = self.coordinator(content)
        self.created += load_demo_registrations(home, students, content.LANGUAGE, coordinator)

    # -- all -----------------------------------------------------------------------------
    def load(self):
        """Build everything; return [(username, password, role key, hostname)] of the demo
        accounts (hostname ``None`` for the superuser).

        The demo's past is not mailed: its e-mails (registrations, decisions) are built, with
        links to the demo's address, and dropped."""
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            with transaction.atomic():
                self.remove_wagtail_welcome_page()
                for content in INSTITUTIONS:
                    self.home(content)
            with override_settings(WAGTAILADMIN_BASE_URL=self.base_url()), transaction.atomic():
                return self._load()

    def _load(self):
        logins = self.read_logins()
        username, first_name, last_name = SUPERUSER
        self.account(logins, username, None, first_name, last_name)
        rows = [(username, logins[username], ROLE_KEYS[None], None)]
        for content in INSTITUTIONS:
            self.accounts_prefix = content.ACCOUNTS_PREFIX
            home = self.home(content)
            site = Site.objects.get(root_page=home)
            rows += self.accounts(logins, content, site)
            for username in self.tutors(home, content, logins):
                self.member(get_user_model().objects.get(username=username), site, roles.TUTORS)
                rows.append((username, logins[username], ROLE_KEYS[roles.TUTORS], site.hostname))
            self.programmes(home, content)
            self.requests(home, content)
            self.workshops(home, content)
            self.workshop_calendar(home, content)
            if apps.is_installed("tutoria_cms.partnerships"):
                from sites.home.demo.partnerships import load_demo_partnerships

                self.created += load_demo_partnerships(
                    home, content.LANGUAGE, today=self.today, user=self.coordinator(content)
                )
            if apps.is_installed("tutoria_cms.mentoring"):
                self.mentoring(home, content)
            rows += self.students(logins, content, site)
            self.student_area(home, content, site)
            self.theme(home, content, site)
        self.write_logins(rows)
        return rows
