"""Many-to-many history, from django-simple-history's own support (``m2m_fields``).

simple-history records a whole history row on every ``m2m_changed`` (``post_add``,
``post_remove``, ``post_clear``) of a tracked field, and with every history row (saves
included) a snapshot of the field's rows (the ``Historical<Model>_<field>`` model, reached
as ``record.<field>``). It writes nothing when the relation is changed from the other side
(``student.student_groups.add(group)``: the signal's instance is then the student):
``track_reverse_m2m`` records those changes too. Nor does it for the mirror rows of a
symmetrical relation: change these fields from the tracked model.

Here also the helpers every app's history goes through:

- ``attributed(instance, user)``: the author of the next history row (``_history_user``);
- ``field_changes(records, ...)``: each history row's changes against the previous row of
  the same object (simple-history's ``diff_against``), with values as people read them, and
  ``HistoryEntry``: one line of a history table (``core/admin/includes/history_table.html``);
- ``rows_as_of(records, moment, ...)``: the newest row of each object at or before a moment
  (simple-history's ``as_of``), the one "as of" reducer of the views and evidence workbooks.

Many-to-many: what each history row added and removed (for the history views), the related ids
of many objects as of a moment (for "as of" evidence), and the baseline the migrations write.
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


def attributed(instance, user):
    """``instance``, with ``user`` as the author of the history row its next save, delete or
    many-to-many change writes (simple-history's ``_history_user``; ``None``: nobody, e.g. a
    command). ``attributed(registration, user).save(update_fields=["status"])``."""
    instance._history_user = user
    return instance


@dataclass
class HistoryEntry:
    """One line of a history table (``core/admin/includes/history_table.html``): who, when,
    what, and the changes: ``change`` (one text, or an M2MChange), ``changes`` (FieldChange
    or (label, old, new): "label: old → new") and ``related`` (M2MChange)."""

    when: object
    user: object
    subject: str
    change: object = None
    changes: list = field(default_factory=list)
    related: list = field(default_factory=list)
    created: bool = False
    deleted: bool = False


class FieldChange(tuple):
    """One field changed by a history row: (label, old, new), the values before and after as
    people read them (``None``: empty), and ``name``, the field's (a tuple: templates unpack
    it, ``{% for label, old, new in entry.changes %}``)."""

    def __new__(cls, name, label, old, new):
        change = super().__new__(cls, (label, old, new))
        change.name = name
        return change

    label = property(lambda self: self[0])
    old = property(lambda self: self[1])
    new = property(lambda self: self[2])


@dataclass
class RowChanges:
    """A history row, the previous row of the same object (``None``: the first recorded) and
    the fields that changed between them (for a first row: its non-empty fields)."""

    record: object
    previous: object
    changes: list

    @property
    def created(self):
        return self.previous is None

    @property
    def deleted(self):
        return self.record.history_type == "-"

    def entry(self, subject, **kwargs):
        """The row as a ``HistoryEntry`` (its date, its user, its changes)."""
        kwargs.setdefault("changes", self.changes)
        kwargs.setdefault("created", self.created)
        kwargs.setdefault("deleted", self.deleted)
        return HistoryEntry(self.record.history_date, self.record.history_user, subject, **kwargs)


def _object_id_name(history_model):
    return history_model.instance_type._meta.pk.attname


def _empty(value):
    return value is None or value == ""


def field_changes(records, fields=None, display=None):
    """A ``RowChanges`` for each of ``records`` (history rows of one or several objects of one
    model, any order), oldest first: what changed against the previous row of the same object,
    by simple-history's ``diff_against``.

    ``fields``: the fields compared (names), else every tracked editable field but the
    many-to-many ones (``m2m_changes`` reads those in two queries); ``diff_against`` compares
    the editable ones (it reads values with ``model_to_dict``), the others are compared alike.

    Values read as people read them: a choice's label; a foreign key's object (``str``, or
    ``#id`` once deleted; one query per related model for all the rows); ``display``, {field
    name: function}, gives other readings (the function receives the value, or the related
    object); empty values are ``None``. An object's first row lists its
    non-empty fields (from nothing)."""
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    if not records:
        return []
    history_model = type(records[0])
    meta = history_model._meta
    m2m_names = {f.name for f in getattr(history_model, "_history_m2m_fields", ())}
    if fields is None:
        fields = [
            f.name for f in history_model.tracked_fields if f.editable and f.name not in m2m_names
        ]
    fields = list(fields)
    # diff_against reads values with model_to_dict, which skips non-editable fields (set by
    # the services only, e.g. a current stage): those are compared the same way here.
    editable = [name for name in fields if meta.get_field(name).editable]
    fixed = [name for name in fields if name not in editable]
    object_id = _object_id_name(history_model)
    previous, raw = {}, []
    for record in records:
        before = previous.get(getattr(record, object_id))
        previous[getattr(record, object_id)] = record
        if before is None:
            values = {name: meta.get_field(name).value_from_object(record) for name in fields}
            changed = [(name, None, value) for name, value in values.items() if not _empty(value)]
        else:
            delta = record.diff_against(before, included_fields=editable)
            changed = [(change.field, change.old, change.new) for change in delta.changes]
            changed += [
                (name, old, new)
                for name in fixed
                if (old := meta.get_field(name).value_from_object(before))
                != (new := meta.get_field(name).value_from_object(record))
            ]
            changed.sort(key=lambda change: fields.index(change[0]))
        raw.append((record, before, changed))
    read = _reader(meta, fields, raw, display or {})
    return [
        RowChanges(
            record,
            before,
            [
                FieldChange(
                    name, meta.get_field(name).verbose_name, read(name, old), read(name, new)
                )
                for name, old, new in changed
            ],
        )
        for record, before, changed in raw
    ]


def _reader(meta, fields, raw, display):
    """``read(field name, raw value)``: the value as people read it (``field_changes``)."""
    related = {}
    for name in fields:
        model_field = meta.get_field(name)
        if model_field.is_relation and model_field.many_to_one:
            ids = {
                v for _r, _b, changed in raw for n, *values in changed if n == name for v in values
            }
            ids.discard(None)
            related[name] = model_field.related_model._base_manager.in_bulk(ids) if ids else {}

    def read(name, value):
        if _empty(value):
            return None
        model_field = meta.get_field(name)
        if name in related:
            obj = related[name].get(value)
            if obj is None:
                return f"#{value}"
            return display[name](obj) if name in display else str(obj)
        if name in display:
            return display[name](value)
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        return value

    return read


def rows_as_of(records, moment, fields=None, *, chunk_size=2000):
    """The newest row of each object of ``records`` (a history queryset, filtered as wished)
    at or before ``moment``; objects deleted by then, or not yet created, are dropped: the
    semantics of simple-history's ``HistoryManager.as_of(moment)``, for a history queryset
    (its filters choose the rows considered, as in ``latest_of_each``).

    ``fields``: the values yielded, a tuple per object (``values_list``); else the history
    rows themselves. One query, streamed (``chunk_size`` rows at a time), ordered by object
    and newest first (ties of ``history_date`` broken by ``history_id``): the first row of each
    object is kept. simple-history's own ``as_of``/``latest_of_each()`` filters each row with
    a correlated ``NOT EXISTS`` over the later rows of its object instead, and keeps every row
    of an object that share the newest date."""
    object_id = _object_id_name(records.model)
    records = records.filter(history_date__lte=moment).order_by(
        object_id, "-history_date", "-history_id"
    )
    if fields is None:
        last = object()
        for record in records.iterator(chunk_size=chunk_size):
            current = getattr(record, object_id)
            if current != last:
                last = current
                if record.history_type != "-":
                    yield record
        return
    last = object()
    for row in records.values_list(object_id, "history_type", *fields).iterator(
        chunk_size=chunk_size
    ):
        if row[0] != last:
            last = row[0]
            if row[1] != "-":
                yield row[2:]


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
    records = model.history.model.objects.all()
    if object_ids is not None:
        records = records.filter(id__in=object_ids)
    wanted = dict(rows_as_of(records, moment, ("history_id", "id")))
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
