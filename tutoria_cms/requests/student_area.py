""" "My requests": the requests section of the student area (``tutoria_cms.students``).

A student lists their own requests, files a support request (after accepting their
institution's privacy notice), an individual-class request (with a pre-check by the same rule
set, engine and wording the board sees) or a peer-mentoring request, follows each request on a
timeline and withdraws one still open. Every lookup starts from ``request.student``: another
student's request is "not found". Writes go through ``services`` as the student's own account
(``permissions.can_transition``: a student submits and withdraws their own requests).

The timeline shows what the student is told anyway (the state changes, the reasoned decision
and the verdict, the tutor's name), never who in staff did what, the confidential details,
sessions' notes or referrals.
"""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import services
from .models import OPEN_STATES, RequestKind, RequestLogEntry, TutoringRequest, site_rule_set
from .student_forms import (
    IndividualClassRequestForm,
    MentoringRequestForm,
    SupportRequestForm,
    WithdrawForm,
)

SLUG = "requests"
TEMPLATES = "tutoria_cms/requests/student_area/"
LABEL = gettext_lazy("My requests")
DESCRIPTION = gettext_lazy("Ask for tutoring, follow your requests and withdraw them.")
NO_NOTICE = gettext_lazy(
    "Your institution has not published its privacy notice yet, so requests cannot be filed "
    "here. Ask the tutoring programme."
)


def mentoring_installed():
    return apps.is_installed("tutoria_cms.mentoring")


# -- helpers -------------------------------------------------------------------------------------


def own_requests(request):
    return TutoringRequest.objects.filter(student=request.student)


def own_request(request, pk):
    """The signed-in student's request ``pk``; anyone else's is "not found"."""
    found = (
        own_requests(request)
        .select_related("term", "component", "programme", "assigned_tutor")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def privacy_notice(site):
    """The institution's privacy notice (text, version), or None if it has published none."""
    from tutoria_cms.core.models import InstitutionSettings

    if site is None:
        return None
    settings = InstitutionSettings.for_site(site)
    if not settings.privacy_notice or not settings.privacy_notice_version:
        return None
    return settings


def withdrawable(tutoring_request):
    return tutoring_request.state in services.TRANSITIONS["withdraw"].sources


def current_language():
    return translation.get_language() or "es"


def summary(request):
    count = own_requests(request).filter(state__in=OPEN_STATES).count()
    if not count:
        return _("No open requests")
    return ngettext("%(count)d open request", "%(count)d open requests", count) % {"count": count}


def kinds_offered(site):
    """The kinds a student may file on ``site``: (kind, url name, label, description)."""
    kinds = [
        (
            RequestKind.SUPPORT,
            "requests_new_support",
            _("Ask for tutoring support"),
            _("A tutor accompanies you with what makes your studies difficult."),
        )
    ]
    if site_rule_set(site) is not None:
        kinds.append(
            (
                RequestKind.INDIVIDUAL_CLASS,
                "requests_new_class",
                _("Ask for an individual teaching class"),
                _("For a curricular component you cannot take in a regular class."),
            )
        )
    if mentoring_installed():
        kinds.append(
            (
                RequestKind.PEER_MENTORING,
                "requests_new_mentoring",
                _("Ask to take part in peer mentoring"),
                _("As a mentee, accompanied by another student, or as a mentor."),
            )
        )
    return kinds


# -- the list ------------------------------------------------------------------------------------


def requests_index(page, request):
    site = page.get_site()
    rows = (
        own_requests(request)
        .select_related("term", "component", "programme")
        .order_by("-created_at", "-pk")
    )
    return page.render_section(
        request,
        SLUG,
        TEMPLATES + "index.html",
        {
            "tutoring_requests": [
                {"object": row, "url": page.section_url(request, "requests_detail", row.pk)}
                for row in rows
            ],
            "kinds": [
                {"kind": kind, "url": page.section_url(request, name), "label": label, "text": text}
                for kind, name, label, text in kinds_offered(site)
            ],
        },
    )


# -- filing --------------------------------------------------------------------------------------


def _file(request, page, *, kind, on_error, **values):
    """Create the request as the student and submit it, in one transaction: a refusal
    (``TransitionError``, a validation error) leaves nothing behind. Returns the request, or
    None after ``on_error(message)``."""
    try:
        with transaction.atomic():
            created = services.create_request(
                kind=kind,
                student=request.student,
                user=request.user,
                site=page.get_site(),
                language=current_language(),
                **values,
            )
            return services.transition(created, "submit", request.user)
    except ValidationError as error:
        for message in error.messages:
            on_error(message)
        return None


def _filed(page, request, created):
    messages.success(
        request,
        _("Your request has been sent. You can follow it here."),
    )
    return HttpResponseRedirect(page.section_url(request, "requests_detail", created.pk))


def new_support(page, request):
    site = page.get_site()
    notice = privacy_notice(site)
    if notice is None:
        return page.render_section(
            request,
            SLUG,
            TEMPLATES + "no_notice.html",
            {"message": NO_NOTICE, "back_url": page.section_url(request, "requests")},
        )
    form_kwargs = {"site": site, "notice_version": notice.privacy_notice_version}
    if request.method == "POST":
        form = SupportRequestForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            created = _file(
                request,
                page,
                kind=RequestKind.SUPPORT,
                on_error=lambda message: form.add_error(None, message),
                reasons=data["reasons"],
                description=data["description"],
                programme=data.get("programme"),
                privacy_notice_version=data["notice_version"],
                privacy_notice_accepted_at=timezone.now(),
            )
            if created is not None:
                return _filed(page, request, created)
    else:
        form = SupportRequestForm(**form_kwargs)
    return page.render_section(
        request,
        SLUG,
        TEMPLATES + "new_support.html",
        {"form": form, "notice": notice, "back_url": page.section_url(request, "requests")},
    )


def precheck(page, request, form):
    """The verdict the board would see now, by the site's rule set (``services.judge``)."""
    data = form.cleaned_data
    draft = TutoringRequest(
        site=page.get_site(),
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=request.student,
        term=data["term"],
        component=data["component"],
        language=current_language(),
        **form.facts(),
    )
    rule_set, verdict = services.judge(draft)
    return rule_set, verdict.as_dict()


def new_class(page, request):
    site = page.get_site()
    if site_rule_set(site) is None:
        raise Http404
    context = {"back_url": page.section_url(request, "requests")}
    if request.method == "POST":
        form = IndividualClassRequestForm(request.POST, site=site)
        if form.is_valid() and "back" not in request.POST:
            if "confirm" in request.POST:
                data = form.cleaned_data
                created = _file(
                    request,
                    page,
                    kind=RequestKind.INDIVIDUAL_CLASS,
                    on_error=lambda message: form.add_error(None, message),
                    term=data["term"],
                    component=data["component"],
                    **form.facts(),
                )
                if created is not None:
                    return _filed(page, request, created)
            else:
                rule_set, verdict = precheck(page, request, form)
                return page.render_section(
                    request,
                    SLUG,
                    TEMPLATES + "class_precheck.html",
                    {**context, "form": form, "rule_set": rule_set, "verdict": verdict},
                )
    else:
        form = IndividualClassRequestForm(site=site)
    return page.render_section(
        request, SLUG, TEMPLATES + "new_class.html", {**context, "form": form}
    )


def new_mentoring(page, request):
    if not mentoring_installed():
        raise Http404
    site = page.get_site()
    if request.method == "POST":
        form = MentoringRequestForm(request.POST, site=site)
        if form.is_valid():
            created = _file(
                request,
                page,
                kind=RequestKind.PEER_MENTORING,
                on_error=lambda message: form.add_error(None, message),
                mentoring_role=form.cleaned_data["mentoring_role"],
                programme=form.cleaned_data.get("programme"),
            )
            if created is not None:
                return _filed(page, request, created)
    else:
        form = MentoringRequestForm(site=site)
    return page.render_section(
        request,
        SLUG,
        TEMPLATES + "new_mentoring.html",
        {"form": form, "back_url": page.section_url(request, "requests")},
    )


# -- following -----------------------------------------------------------------------------------

DECISIONS = ("approve", "deny", "redirect", "change_schedule")
# What the student is shown of the audit log, by action (never who did it).
TIMELINE_ACTIONS = {
    "wagtail.create": gettext_lazy("Request created"),
    "tutoria_requests.submit": gettext_lazy("Submitted"),
    "tutoria_requests.review": gettext_lazy("Under review"),
    "tutoria_requests.approve": gettext_lazy("Decision: approved"),
    "tutoria_requests.deny": gettext_lazy("Decision: denied"),
    "tutoria_requests.redirect": gettext_lazy("Decision: redirected to a regular class"),
    "tutoria_requests.change_schedule": gettext_lazy("Decision: sent to a schedule change"),
    "tutoria_requests.assign_tutor": gettext_lazy("Tutor assigned"),
    "tutoria_requests.start": gettext_lazy("Tutoring started"),
    "tutoria_requests.close": gettext_lazy("Closed"),
    "tutoria_requests.withdraw": gettext_lazy("Withdrawn"),
}


def person_name(user):
    if user is None:
        return ""
    return user.get_full_name() or _("your tutor")


def timeline(tutoring_request):
    """The request's events, oldest first: each a dict with ``when``, ``label`` and, for the
    decision, its reasons and verdict; for a tutor's assignment, the tutor's name."""
    from django.contrib.auth import get_user_model

    entries = list(
        RequestLogEntry.objects.filter(
            object_id=str(tutoring_request.pk), action__in=list(TIMELINE_ACTIONS)
        ).order_by("timestamp", "id")
    )
    tutor_ids = {
        entry.data.get("to")
        for entry in entries
        if entry.action == "tutoria_requests.assign_tutor" and isinstance(entry.data, dict)
    }
    tutors = get_user_model().objects.in_bulk([pk for pk in tutor_ids if pk])
    decision_entries = [e for e in entries if e.action.split(".")[-1] in DECISIONS]
    last_decision = decision_entries[-1] if decision_entries else None
    events = []
    for entry in entries:
        event = {"when": entry.timestamp, "label": TIMELINE_ACTIONS[entry.action]}
        if entry.action == "tutoria_requests.assign_tutor":
            data = entry.data if isinstance(entry.data, dict) else {}
            event["tutor"] = person_name(tutors.get(data.get("to")))
        if entry is last_decision:
            event["decision"] = True
            event["reason"] = tutoring_request.decision_reason
            event["regular_class"] = tutoring_request.regular_class
            event["verdict"] = tutoring_request.verdict
        events.append(event)
    return events


def requests_detail(page, request, pk):
    tutoring_request = own_request(request, pk)
    context = {
        "object": tutoring_request,
        "events": timeline(tutoring_request),
        "tutor_name": person_name(tutoring_request.assigned_tutor)
        if tutoring_request.assigned_tutor_id
        else "",
        "back_url": page.section_url(request, "requests"),
    }
    if withdrawable(tutoring_request):
        context["withdraw_url"] = page.section_url(
            request, "requests_withdraw", tutoring_request.pk
        )
    return page.render_section(request, SLUG, TEMPLATES + "detail.html", context)


def requests_withdraw(page, request, pk):
    tutoring_request = own_request(request, pk)
    detail_url = page.section_url(request, "requests_detail", tutoring_request.pk)
    if not withdrawable(tutoring_request):
        messages.info(request, _("This request can no longer be withdrawn."))
        return HttpResponseRedirect(detail_url)
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.transition(
                    tutoring_request, "withdraw", request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Your request has been withdrawn."))
                return HttpResponseRedirect(detail_url)
    else:
        form = WithdrawForm()
    return page.render_section(
        request,
        SLUG,
        TEMPLATES + "withdraw.html",
        {"object": tutoring_request, "form": form, "back_url": detail_url},
    )


urlpatterns = [
    path("", requests_index, name="requests"),
    path("new/support/", new_support, name="requests_new_support"),
    path("new/class/", new_class, name="requests_new_class"),
    path("new/mentoring/", new_mentoring, name="requests_new_mentoring"),
    path("<int:pk>/", requests_detail, name="requests_detail"),
    path("<int:pk>/withdraw/", requests_withdraw, name="requests_withdraw"),
]
