"""Many-to-many history, from django-simple-history's own support (``m2m_fields``).

simple-history records a whole history row on every ``m2m_changed`` (``post_add``,
``post_remove``, ``post_clear``) of a tracked field, and with every history row (saves
included) a snapshot of the field's rows (the ``Historical<Model>_<field>`` model, reached
as ``record.<field>``). It writes nothing when the relation is changed from the other side
(``student.student_groups.add(group)``: the signal's instance is then the student):
``track_reverse_m2m`` records those changes too. Nor does it for the mirror rows of a
symmetrical relation: change these fields from the tracked model.

Here: what each history row added and removed (for the history views), the related ids of
many objects as of a moment (for "as of" evidence), and the baseline the migrations write.
"""

from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _


def _names(model, field_name):
    """(the through model's field to ``model``, its field to the related model)."""
    m2m = model._meta.get_field(field_name)
    return m2m.m2m_field_name(), m2m.m2m_reverse_field_name()


def m2m_history_model(model, field_name):
    """The model of the snapshots of ``model.<field_name>`` taken with each history row."""
    return getattr(model.history.model, field_name).model


def snapshots(model, field_name, history_ids):
    """{history id: set of related ids} for the history rows ``history_ids`` (one query)."""
    _source, target = _names(model, field_name)
    history_ids = list(history_ids)
    result = {history_id: set() for history_id in history_ids}
    rows = m2m_history_model(model, field_name).objects.filter(history_id__in=history_ids)
    for history_id, related_id in rows.values_list("history_id", f"{target}_id").iterator():
        result[history_id].add(related_id)
    return result


@dataclass
class HistoryEntry:
    """One line of a record's history page (``core.viewsets.RecordHistoryMixin``)."""

    when: object
    user: object
    subject: str
    change: object  # an M2MChange, or a text


@dataclass
class M2MChange:
    """What one history row of a many-to-many field added and removed (related objects,
    or ``#id`` for those since deleted)."""

    label: str
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    def __str__(self):
        parts = []
        if self.added:
            parts.append(_("added %(items)s") % {"items": ", ".join(map(str, self.added))})
        if self.removed:
            parts.append(_("removed %(items)s") % {"items": ", ".join(map(str, self.removed))})
        return _("%(field)s: %(changes)s") % {
            "field": capfirst(self.label),
            "changes": "; ".join(parts),
        }


def m2m_changes(model, field_name, records, display=str):
    """{history id: M2MChange} for each of ``records`` (history rows of one or more objects
    of ``model``) whose ``field_name`` differs from the previous row of the same object.

    An object's first row shows no change (its relation is set after it is created, in
    rows of its own). ``display(obj)`` is how a related object reads (e.g. a pseudonym).
    Two queries: the snapshots and the related objects.
    """
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    sets = snapshots(model, field_name, [record.history_id for record in records])
    related_model = model._meta.get_field(field_name).related_model
    related_ids = set().union(*sets.values()) if sets else set()
    objects = related_model._base_manager.in_bulk(related_ids)
    label = str(model._meta.get_field(field_name).verbose_name)

    def show(pks):
        return [display(objects[pk]) if pk in objects else f"#{pk}" for pk in sorted(pks)]

    previous, changes = {}, {}
    for record in records:
        current = sets[record.history_id]
        before = previous.get(record.id)
        previous[record.id] = current
        if before is None or before == current:
            continue
        changes[record.history_id] = M2MChange(
            label, show(current - before), show(before - current)
        )
    return changes


def m2m_as_of(model, field_name, moment, object_ids=None):
    """{object id: set of related ids} as recorded by the newest history row of each object
    of ``model`` at or before ``moment`` (objects deleted by then, or not yet created, are
    absent). ``object_ids`` limits the objects (a list or a subquery of ids)."""
    records = model.history.model.objects.filter(history_date__lte=moment)
    if object_ids is not None:
        records = records.filter(id__in=object_ids)
    latest = {}
    for object_id, history_type, history_id in (
        records.order_by("id", "-history_date", "-history_id")
        .values_list("id", "history_type", "history_id")
        .iterator()
    ):
        if object_id not in latest:
            latest[object_id] = history_id if history_type != "-" else None
    wanted = {history_id: object_id for object_id, history_id in latest.items() if history_id}
    return {wanted[hid]: related for hid, related in snapshots(model, field_name, wanted).items()}


def baseline_m2m_history(apps, app_label, model_name, field_name, batch_size=1000):
    """Migrations: give every history row written before the field was tracked the
    relation's rows as they are when tracking starts (none were recorded with them).

    Before, "as of" and the history views read the current relation for every date; this
    keeps that reading for the past (no change is shown between old rows) and records every
    change from now on."""
    model = apps.get_model(app_label, model_name)
    history = apps.get_model(app_label, f"Historical{model_name}")
    m2m = model._meta.get_field(field_name)
    through = m2m.remote_field.through
    snapshot = apps.get_model(app_label, f"Historical{through._meta.object_name}")
    source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
    if not snapshot.objects.exists():
        rows = {}
        for row_id, source_id, target_id in through.objects.values_list(
            "id", f"{source}_id", f"{target}_id"
        ).iterator():
            rows.setdefault(source_id, []).append((row_id, target_id))
        batch = []
        for history_id, object_id in history.objects.filter(id__in=list(rows)).values_list(
            "history_id", "id"
        ):
            for row_id, target_id in rows[object_id]:
                batch.append(
                    snapshot(
                        id=row_id,
                        history_id=history_id,
                        **{f"{source}_id": object_id, f"{target}_id": target_id},
                    )
                )
            if len(batch) >= batch_size:
                snapshot.objects.bulk_create(batch)
                batch = []
        snapshot.objects.bulk_create(batch)


def _history_recorder(model):
    """The ``HistoricalRecords`` that tracks ``model`` (the receiver of its ``post_save``)."""
    from django.db.models.signals import post_save
    from simple_history.models import HistoricalRecords

    sync_receivers, async_receivers = post_save._live_receivers(model)
    for receiver in [*sync_receivers, *async_receivers]:
        recorder = getattr(receiver, "__self__", None)
        if isinstance(recorder, HistoricalRecords) and recorder.cls is model:
            return recorder
    raise LookupError(f"{model.__name__} is not tracked by simple-history")


def track_reverse_m2m(model, field_name):
    """Also record a history row of ``model`` when its tracked ``field_name`` is changed from
    the other side (``student.student_groups.add(group)``, a form of the related model):
    simple-history records only the changes made from ``model``'s side. Each object of
    ``model`` the change touches gets a history row (with its snapshot of the relation), whose
    user is the one set on the changed object (``_history_user``), else the request's
    (simple-history's middleware). For a symmetrical relation, simple-history records the side
    the change is made from; the mirrored objects get their row here."""
    from django.db.models.signals import m2m_changed

    m2m = model._meta.get_field(field_name)
    through = m2m.remote_field.through
    symmetrical = bool(getattr(m2m.remote_field, "symmetrical", False))
    cleared = {}

    def affected(instance, reverse):
        """The ids of the objects of ``model`` related to ``instance`` now."""
        if reverse:
            return list(
                model._base_manager.filter(**{field_name: instance}).values_list("pk", flat=True)
            )
        return list(getattr(instance, field_name).values_list("pk", flat=True))

    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        if not reverse and not symmetrical:
            return  # the tracked side: simple-history records it
        if action == "pre_clear":
            cleared[id(instance)] = affected(instance, reverse)
            return
        if action == "post_clear":
            pks = cleared.pop(id(instance), [])
        elif action in ("post_add", "post_remove"):
            pks = list(pk_set or ())
        else:
            return
        recorder = _history_recorder(model)
        objects = model._base_manager.filter(pk__in=pks).order_by("pk")
        if not reverse:  # symmetrical: ``instance`` is recorded by simple-history
            objects = objects.exclude(pk=instance.pk)
        for obj in objects:
            for attribute in ("_history_user", "_history_date"):
                if hasattr(instance, attribute):
                    setattr(obj, attribute, getattr(instance, attribute))
            recorder.create_historical_record(obj, "~")

    _tracked_side_only(model, through)
    m2m_changed.connect(
        changed,
        sender=through,
        weak=False,
        dispatch_uid=f"tutoria-reverse-history-{model._meta.label}-{field_name}",
    )


def _tracked_side_only(model, through):
    """simple-history's own ``m2m_changed`` receiver also runs for a change made from the other
    side, and then builds a history row of ``model`` out of the *other* object (a request's
    classes changed from the request: a ``TypeError``, the change lost). Keep it to the
    tracked side; ``track_reverse_m2m`` records the other."""
    import functools
    import weakref

    from django.db.models.signals import m2m_changed

    recorder = _history_recorder(model)
    sender_id = id(through)
    for lookup_key, receiver, _is_async in list(m2m_changed.receivers):
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if (
            isinstance(receiver, functools.partial)
            and getattr(receiver.func, "__self__", None) is recorder
            and lookup_key[1] == sender_id
        ):
            m2m_changed.disconnect(receiver=receiver, sender=through)

            def tracked_side(sender, instance, reverse, _original=receiver, **kwargs):
                if not reverse:
                    _original(sender=sender, instance=instance, reverse=reverse, **kwargs)

            m2m_changed.connect(tracked_side, sender=through, weak=False)
