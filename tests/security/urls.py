"""How to reach each entry of the matrix in the world of conftest.py: URL parameters filled
from the world's objects (always the "A" object, which belongs to ``tutor``)."""

import re

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.http import urlencode

from . import inventory

# Which world object a namespace's ``pk`` means.
NAMESPACE_OBJECT = {
    "tutoria_requests": "request_a",
    "wagtailsnippetchoosers_tutoria_requests_tutoringrequest": "request_a",
    "tutoria_groups": "group_a",
    "tutoria_reports": "report_a",
    "tutoria_classes": "individual_class",
    "tutoria_work_plans": "individual_class",
    "tutoria_mentoring_pairs": "pair_a",
    "tutoria_mentoring_participants": "mentee_a",
    "tutoria_mentoring_programmes": "mentoring",
    "tutoria_agreements": "agreement",
    "tutoria_partners": "partner",
    "tutoria_competency_frameworks": "framework",
    "tutoria_competency_dimensions": "dimension",
    "workshop_registrations": "registration",
    "tutoria_accreditation": "job",
    "tutoria_institution_memberships": "membership",
    "tutoria_lockouts": "lockout",
    "tutoria_curricular_components": "component",
    "tutoria_two_factor_devices": "two_factor_device",
    "tutoria_referral_services": "referral_service",
}
# URLs whose ``pk`` is not their namespace's object.
NAME_OBJECT = {
    "tutoria_reports:prepare": "request_a",  # with kind "request"
    "tutoria_classes:edit_session": "class_session",
    "tutoria_classes:delete_session": "class_session",
    # Issuing a certificate: a registration whose identity was verified, with attendance.
    "workshop_registrations:certificate": "certified_registration",
    "workshop_registrations:certificate_download": "certificate",
}
# URLs served on their institution's own host, absolute (as printed on a certificate): the
# verification page knows only its Site's certificates.
ABSOLUTE = {
    "tutoria_certificate_verify": lambda w: _verification_url(w.certificate),
}
# The evidence browser's listings (wagtail-modeladmin URL names: evidence_<listing>_modeladmin_*).
MODELADMIN_OBJECT = {
    "requests": "request_a",
    "sessions": "session",
    "registrations": "registration",
    "attendance": "attendance",
    "assessments": "assessment",
    "agreements": "agreement",
    "exports": "listing_export",
}
# Parameters that are not the namespace's object.
PARAMETER = {
    "page_id": lambda w, name: (
        (w.workshop if name.startswith("workshop_attendance:") else w.profile_a).pk
    ),
    "programme_id": lambda w, name: w.mentoring.pk,
    "step_id": lambda w, name: w.step.pk,
    "meeting_id": lambda w, name: w.meeting.pk,
    "referral_id": lambda w, name: w.referral.pk,
    "commitment_id": lambda w, name: w.commitment.pk,
    "stage": lambda w, name: "planning",
    "action": lambda w, name: "close",
    # A private calendar feed's secret: the world has none (tests/core/test_calendar_feeds.py).
    "token": lambda w, name: "not-a-calendar-feed-secret",
    "kind": lambda w, name: "request",
}
# Query strings some views need to show something.
QUERY = {
    "search": {"q": "Taller"},
    "wagtailsnippetchoosers_tutoria_requests_tutoringrequest:chosen_multiple": {"id": "request_a"},
}

PARAMETER_RE = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def parameters(route):
    return [a or b for a, b in PARAMETER_RE.findall(route)]


def object_for(world, name):
    if name.startswith("evidence_") and "_modeladmin_" in name:
        listing = name[len("evidence_") :].split("_modeladmin_")[0]
        return getattr(world, MODELADMIN_OBJECT[listing])
    if name in NAME_OBJECT:
        return getattr(world, NAME_OBJECT[name])
    namespace = name.split(":")[0]
    return getattr(world, NAMESPACE_OBJECT[namespace])


def _verification_url(certificate):
    from tutoria_cms.workshops.certificates import verification_url

    return verification_url(certificate)


def resolver_url(world, name, route):
    if name in ABSOLUTE:
        return ABSOLUTE[name](world)
    kwargs = {}
    for parameter in parameters(route):
        if parameter in ("pk", "instance_pk"):
            kwargs[parameter] = object_for(world, name).pk
        else:
            kwargs[parameter] = PARAMETER[parameter](world, name)
    url = reverse(name, kwargs=kwargs)
    query = QUERY.get(name)
    if query:
        url += "?" + urlencode(
            {
                key: getattr(world, value).pk if hasattr(world, value) else value
                for key, value in query.items()
            }
        )
    return url


# Pages, settings and bulk actions of our models, served by Wagtail's own URLs -----------------

# The world's page of each of our page types (edited, served) and where a new one is added.
PAGE_OF_TYPE = {
    "home.HomePage": ("home", "root"),
    "tutoria_programmes.ProgrammeIndexPage": ("programme_index", "home"),
    "tutoria_programmes.TutoringProgrammePage": ("programme", "programme_index"),
    "tutoria_workshops.GroupWorkshopPage": ("workshop", "programme"),
    "tutoria_tutors.TutorIndexPage": ("tutor_index", "home"),
    "tutoria_tutors.TutorProfilePage": ("profile_a", "tutor_index"),
    "tutoria_partnerships.PartnershipIndexPage": ("partnership_index", "home"),
    "tutoria_students.StudentAreaPage": ("student_area", "home"),
    "tutoria_workshops.WorkshopCalendarPage": ("workshop_calendar", "home"),
}


def page_keys():
    keys = []
    for model in inventory.our_page_models():
        label = model._meta.label
        keys += [f"page_add:{label}", f"page_edit:{label}", f"page_serve:{label}"]
    return keys


def settings_keys():
    return [f"settings:{model._meta.label}" for model in inventory.our_settings_models()]


def bulk_keys():
    return [
        f"bulk:{app_label}.{model_name}:{action}"
        for app_label, model_name, action, _class in inventory.our_bulk_actions()
    ]


def pseudo_url(world, key):
    from django.apps import apps

    kind, rest = key.split(":", 1)
    if kind in ("page_add", "page_edit", "page_serve"):
        page_attr, parent_attr = PAGE_OF_TYPE[rest]
        if kind == "page_edit":
            return reverse("wagtailadmin_pages:edit", args=[getattr(world, page_attr).pk])
        if kind == "page_serve":
            return getattr(world, page_attr).get_url()
        model = apps.get_model(rest)
        content_type = ContentType.objects.get_for_model(model)
        return reverse(
            "wagtailadmin_pages:add",
            args=[content_type.app_label, content_type.model, getattr(world, parent_attr).pk],
        )
    if kind == "settings":
        model = apps.get_model(rest)
        return reverse(
            "wagtailsettings:edit",
            args=[model._meta.app_label, model._meta.model_name, world.site.pk],
        )
    if kind == "bulk":
        target, action = rest.split(":")
        app_label, model_name = target.split(".")
        return (
            reverse("wagtail_bulk_action", args=[app_label, model_name, action])
            + "?"
            + (urlencode({"id": world.request_a.pk}))
        )
    raise KeyError(key)
