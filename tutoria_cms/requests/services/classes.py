"""Individual teaching classes: joining one on approval, designating its tutor, recording,
correcting and deleting its sessions, and the tutor's work plan (PIT) they credit."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.history import attributed
from tutoria_cms.core.text import clean_text

from .. import permissions
from ..models import ClassSession, IndividualClass, WorkPlanRecord, site_rule_set
from ..workflow import TransitionError, TransitionRefused, required_rule_set
from .common import require_member


def join_individual_class(tutoring_request, user=None):
    """Open the term's class for the component (or an equivalent), or join it, up to the
    rule set's class size (``max_students_per_class``; UFOPA: 4).

    ``user`` (who approved) is recorded in the class's history (its requests are tracked)."""
    component = tutoring_request.component
    components = sorted({component.pk, *component.equivalents.values_list("pk", flat=True)})
    # One class for a component and its equivalents per term (art. 245): lock the group's
    # component rows, in a fixed order (no deadlock), so that the first approvals of two
    # equivalent components do not each open a class (the unique constraint only sees one
    # component).
    list(
        type(component)
        .objects.select_for_update()
        .filter(pk__in=components)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    existing = (
        IndividualClass.objects.select_for_update()
        .filter(
            site_id=tutoring_request.site_id,
            term_id=tutoring_request.term_id,
            component_id__in=components,
        )
        .order_by("pk")
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                existing = IndividualClass(
                    site_id=tutoring_request.site_id,
                    term_id=tutoring_request.term_id,
                    component_id=component.pk,
                )
                if user is not None:
                    attributed(existing, user)
                existing.save()
        except IntegrityError:
            existing = IndividualClass.objects.select_for_update().get(
                term_id=tutoring_request.term_id, component_id=component.pk
            )
    rule_set = required_rule_set(tutoring_request)
    limit = rule_set.max_students_per_class
    if limit is not None and existing.requests.count() >= limit:
        raise TransitionError(
            _(
                "The individual class of this component is full (%(max)d students, "
                "%(rule_set)s): open a regular class instead."
            )
            % {"max": limit, "rule_set": rule_set},
            code="class_full",
        )
    if user is not None:
        attributed(existing, user)
    existing.requests.add(tutoring_request)
    return existing


def designate_tutor(individual_class, tutor, user):
    """Designate the class's tutor, within the classes a tutor may have in a term by the
    class's rule set (``max_classes_per_tutor_per_term``; UFOPA: 1, art. 241 sole paragraph)."""
    if not permissions.coordinates(user, individual_class):
        raise TransitionRefused(_("You are not allowed to do this with this request."))
    require_member(tutor, individual_class)
    rule_set = individual_class.rule_set
    limit = rule_set.max_classes_per_tutor_per_term if rule_set is not None else None
    with transaction.atomic():
        # One tutor, one row lock: parallel designations are counted one after the other.
        type(tutor).objects.select_for_update().get(pk=tutor.pk)
        if limit is not None:
            load = (
                IndividualClass.objects.filter(term_id=individual_class.term_id, tutor=tutor)
                .exclude(pk=individual_class.pk)
                .count()
            )
            if load >= limit:
                raise TransitionError(
                    _(
                        "This tutor already has as many individual classes this term as "
                        "allowed (%(max)d, %(rule_set)s)."
                    )
                    % {"max": limit, "rule_set": rule_set},
                    code="tutor_limit",
                )
        previous = individual_class.tutor
        individual_class.tutor = tutor
        attributed(individual_class, user).save()
        # Both tutors' work plans (PIT) for the term follow the designation.
        for each in {previous, tutor} - {None}:
            update_work_plan(each, individual_class.term, individual_class.site, user)
    return individual_class


def record_class_session(individual_class, user, *, date, modality, duration_minutes, topic=""):
    """The class's designated tutor (or coordination) records a session of the class, while
    the class runs (one of its requests in progress): its modality and duration count towards
    the rule set's in-person share (UFOPA Res. 331/2020, art. 241)."""
    if not permissions.can_record_class_sessions(user, individual_class):
        raise TransitionRefused(
            _("Only the class's designated tutor and coordination can record its sessions."),
            code="permission",
        )
    if not individual_class.has_started:
        raise TransitionError(
            _("The class's sessions are recorded once the class has started."), code="state"
        )
    session = ClassSession(
        individual_class=individual_class,
        site_id=individual_class.site_id,
        date=date,
        modality=modality,
        duration_minutes=duration_minutes,
        topic=clean_text(topic, max_length=200, required=False),
        recorded_by=user,
    )
    return _save_class_session(session, user)


def _save_class_session(session, user):
    """Validate and save a class session, and bring its tutor's work plan up to date."""
    individual_class = session.individual_class
    session.full_clean()
    attributed(session, user)
    with transaction.atomic():
        session.save()
        update_work_plan(individual_class.tutor, individual_class.term, individual_class.site)
    return session


def _require_class_record(individual_class, user):
    """Who corrects a class's sessions (its designated tutor, coordination of its
    institution), while the class is open (one of its requests in progress)."""
    if not permissions.can_record_class_sessions(user, individual_class):
        raise TransitionRefused(
            _("Only the class's designated tutor and coordination can record its sessions."),
            code="permission",
        )
    if not individual_class.has_started:
        raise TransitionError(
            _("The class's sessions can be changed only while the class is open."),
            code="state",
        )


def update_class_session(session, user, *, date, modality, duration_minutes, topic=""):
    """Correct a class session (its designated tutor or coordination, while the class is
    open): the change is kept in the session's history, and the class's in-person share and
    its tutor's work plan (PIT) follow it."""
    individual_class = session.individual_class
    _require_class_record(individual_class, user)
    session.date = date
    session.modality = modality
    session.duration_minutes = duration_minutes
    session.topic = clean_text(topic, max_length=200, required=False)
    return _save_class_session(session, user)


def delete_class_session(session, user):
    """Delete a class session recorded by mistake (its designated tutor or coordination,
    while the class is open): its history keeps it (who deleted it, when), and the class's
    in-person share and its tutor's work plan (PIT) no longer count it."""
    individual_class = session.individual_class
    _require_class_record(individual_class, user)
    attributed(session, user)
    with transaction.atomic():
        session.delete()
        update_work_plan(individual_class.tutor, individual_class.term, individual_class.site)
    return individual_class


def update_work_plan(tutor, term, site, user=None):
    """The tutor's work plan (PIT) record for the term, brought up to date: the in-person
    hours recorded in the individual classes they are designated to, each class up to its
    rule set's in-person hours, at most ``max_classes_per_tutor_per_term`` classes (UFOPA: one
    component per regular term, art. 241 sole paragraph), within the rule set's cap in hours
    (``max_work_plan_hours_per_term``; None: no cap). None without a tutor or a rule set."""
    rule_set = site_rule_set(site)
    if tutor is None or rule_set is None:
        return None
    with transaction.atomic():
        record = _locked_work_plan(site, tutor, term)
        # Counted under the record's lock: two sessions recorded at once are both credited.
        classes = list(
            IndividualClass.objects.filter(site=site, term=term, tutor=tutor)
            .select_related("component", "term")
            .order_by("pk")
        )
        limit = rule_set.max_classes_per_tutor_per_term
        credited = classes if limit is None else classes[:limit]
        hours = Decimal(0)
        for individual_class in credited:
            share = individual_class.in_person_share
            taught = Decimal(share.in_person_minutes) / 60
            if share.required_hours is not None:
                taught = min(taught, Decimal(share.required_hours))
            hours += taught
        cap = rule_set.max_work_plan_hours_per_term
        if cap is not None:
            hours = min(hours, Decimal(cap))
        record.class_hours = hours.quantize(Decimal("0.01"))
        record.classes_credited = len(credited)
        record.hours_cap = cap
        if user is not None:
            attributed(record, user)
        record.save()
    return record


def _locked_work_plan(site, tutor, term):
    """The tutor's work plan record for the term, created if missing and locked (one per
    site, tutor and term, by a unique constraint): when two transactions create it at once,
    the one that loses the race gets the other's row instead of an ``IntegrityError``."""
    lookup = {"site": site, "tutor": tutor, "term": term}
    record = WorkPlanRecord.objects.select_for_update().filter(**lookup).first()
    if record is not None:
        return record
    try:
        with transaction.atomic():
            return WorkPlanRecord.objects.create(**lookup)
    except IntegrityError:
        return WorkPlanRecord.objects.select_for_update().get(**lookup)
