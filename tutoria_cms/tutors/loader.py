"""Load a competency framework file, checked first, idempotently.

The file is a Django fixture with natural keys (what ``dumpdata --natural-primary
--natural-foreign`` writes for these models), so ``manage.py loaddata`` reads it too. This loader
adds what loaddata lacks: every problem of the file is reported, with the entry it is in, before
anything is written; rows are matched by their codes, so loading twice changes nothing, and a
competency moved to another dimension keeps its assessments. Nothing is deleted.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tutoria_cms.core.text import clean_text

from .i18n import LANGUAGE_SUFFIXES
from .models import Competency, CompetencyFramework, Dimension, FrameworkLevel

# Shipped inside the package (so installed sites have it; ``loaddata competency_framework_seed``
# finds it too); the repository's top-level fixtures/ links to it.
DEFAULT_PATH = Path(__file__).resolve().parent / "fixtures" / "competency_framework_seed.json"

TEXT_FIELDS = [
    f"{kind}_{suffix}" for kind in ("name", "description") for suffix in LANGUAGE_SUFFIXES
]


class FrameworkFileError(Exception):
    """The file cannot be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class LoadResult:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: int = 0
    frameworks: list = field(default_factory=list)

    def count(self, kind, created, changed):
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1
        else:
            self.unchanged += 1


def read_file(path):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkFileError([_("%(path)s: no such file.") % {"path": path}]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError(
            [
                _("%(path)s: cannot be read as UTF-8 text (%(error)s).")
                % {"path": path, "error": exc}
            ]
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FrameworkFileError(
            [
                _("%(path)s: not valid JSON (line %(line)d, column %(column)d: %(error)s).")
                % {"path": path, "line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ]
        ) from None


def _is_text(value):
    return isinstance(value, str)


# Longest texts: names fit their columns; descriptions are bounded like other long text.
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
MAX_SORT_ORDER = 1_000_000


def clean_field_text(name, value):
    """A name or description of the file, as stored (NFC, trimmed); ValidationError if bad."""
    is_name = name.startswith("name_")
    return clean_text(
        value,
        max_length=MAX_NAME_LENGTH if is_name else MAX_DESCRIPTION_LENGTH,
        allow_newlines=not is_name,
        required=False,
    )


# Each entry's "fields" go through a Django form of its model (values as JSON gives them: a
# number must be a JSON number, a text a JSON string). Every message names the entry.


class FileValueField(forms.Field):
    """A value of the file, refused with ``invalid(value)`` (the message) unless
    ``accepts(value)``; a list becomes a tuple."""

    def __init__(self, accepts, invalid, **kwargs):
        self.accepts, self.invalid = accepts, invalid
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not self.accepts(value):
            raise ValidationError(self.invalid(value), code="invalid")
        return tuple(value) if isinstance(value, list) else value


class FileTextField(forms.Field):
    """A name or description: JSON text, cleaned as stored (``clean_field_text``)."""

    def __init__(self, name, where, **kwargs):
        self.name, self.where = name, where
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        if not _is_text(value):
            raise ValidationError(
                _('%(where)s: "%(field)s" must be text.')
                % {"where": self.where, "field": self.name}
            )
        try:
            return clean_field_text(self.name, value)
        except ValidationError as error:
            raise ValidationError(
                _('%(where)s: "%(field)s": %(problem)s')
                % {"where": self.where, "field": self.name, "problem": " ".join(error.messages)}
            ) from None


def _whole(low, high):
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _code(value):
    bare = value.replace("-", "").replace("_", "") if isinstance(value, str) else ""
    return isinstance(value, str) and len(value) <= 64 and bare.isascii() and bare.isalnum()


def _codes(size):
    return lambda v: isinstance(v, list) and len(v) == size and all(isinstance(x, str) for x in v)


@dataclass
class Seen:
    """What the entries before the one being checked hold, and what the database holds."""

    frameworks: set = field(default_factory=set)
    levels: set = field(default_factory=set)
    dimensions: set = field(default_factory=set)
    competencies: dict = field(default_factory=dict)
    existing_frameworks: set = field(default_factory=set)
    existing_dimensions: set = field(default_factory=set)


class EntryForm(forms.Form):
    """The "fields" of one entry of ``model``. Subclasses: ``required`` and ``optional`` (the
    fields it may hold), ``file_fields(where)`` (their form fields, the texts are added here)
    and ``check_against(seen)`` (the checks against the other entries and the database)."""

    model = ""
    required = ()
    optional = TEXT_FIELDS
    named = True  # a name in at least one language

    def __init__(self, data, *, number, seen):
        super().__init__(data)
        self.number, self.seen = number, seen
        self.where = where = _("entry %(number)d (%(model)s)") % {
            "number": number,
            "model": self.model,
        }
        required = _('%(where)s: "%(field)s" is required.')
        for name, form_field in self.file_fields(where).items():
            form_field.required = name in self.required
            form_field.error_messages["required"] = required % {"where": where, "field": name}
            self.fields[name] = form_field
        for name in TEXT_FIELDS:
            if name in data:  # absent texts are left as they are
                self.fields[name] = FileTextField(name, where)

    def file_fields(self, where):
        return {}

    def code_field(self, where):
        invalid = _("%(where)s: code %(code)r may only hold letters, digits, - and _ (at most 64).")
        return FileValueField(_code, lambda value: invalid % {"where": where, "code": value})

    def sort_order_field(self, where):
        invalid = _('%(where)s: "sort_order" must be a whole number from 0 to %(maximum)d.')
        return FileValueField(
            _whole(0, MAX_SORT_ORDER),
            lambda value: invalid % {"where": where, "maximum": MAX_SORT_ORDER},
        )

    def framework_field(self, where):
        invalid = _('%(where)s: "framework" must be [framework code].') % {"where": where}
        return FileValueField(_codes(1), lambda value: invalid)

    def clean(self):
        unknown = sorted(set(self.data) - set(self.required) - set(self.optional))
        if unknown:
            self.add_error(
                None,
                _("%(where)s: unknown field(s) %(fields)s.")
                % {"where": self.where, "fields": ", ".join(unknown)},
            )
        if self.named and not any(
            _is_text(self.data.get(f"name_{s}")) and self.data[f"name_{s}"].strip()
            for s in LANGUAGE_SUFFIXES
        ):
            self.add_error(
                None,
                _("%(where)s: give a name in at least one language (name_es, ...).")
                % {"where": self.where},
            )
        self.check_against(self.seen)
        return self.cleaned_data

    def check_against(self, seen):
        pass

    def framework_known(self, seen, code):
        if code not in seen.frameworks and code not in seen.existing_frameworks:
            self.add_error(
                None,
                _(
                    "%(where)s: framework %(code)r is neither earlier in the "
                    "file nor in the database."
                )
                % {"where": self.where, "code": code},
            )

    def problems(self):
        """The form's errors, as the loader reports them."""
        return [message for errors in self.errors.values() for message in errors]


class FrameworkEntryForm(EntryForm):
    model = "tutoria_tutors.competencyframework"
    required = ("code",)

    def file_fields(self, where):
        return {"code": self.code_field(where)}

    def check_against(self, seen):
        code = self.data.get("code")
        if code in seen.frameworks:
            self.add_error(
                None,
                _("%(where)s: framework %(code)r appears twice.")
                % {"where": self.where, "code": code},
            )
        seen.frameworks.add(code)


class LevelEntryForm(EntryForm):
    model = "tutoria_tutors.frameworklevel"
    required = ("framework", "value")
    named = False

    def file_fields(self, where):
        return {
            "framework": self.framework_field(where),
            "value": FileValueField(
                _whole(1, 10),
                lambda value: (
                    _('%(where)s: "value" must be a whole number from 1 to 10.') % {"where": where}
                ),
            ),
        }

    def check_against(self, seen):
        ref = self.cleaned_data.get("framework")
        if ref is None:
            return
        self.framework_known(seen, ref[0])
        value = self.cleaned_data.get("value")
        if value is not None and (ref[0], value) in seen.levels:
            self.add_error(
                None,
                _("%(where)s: level %(value)s of %(code)r appears twice.")
                % {"where": self.where, "value": value, "code": ref[0]},
            )
        seen.levels.add((ref[0], self.data.get("value")))


class DimensionEntryForm(EntryForm):
    model = "tutoria_tutors.dimension"
    required = ("framework", "code")
    optional = (*TEXT_FIELDS, "sort_order")

    def file_fields(self, where):
        return {
            "framework": self.framework_field(where),
            "code": self.code_field(where),
            "sort_order": self.sort_order_field(where),
        }

    def check_against(self, seen):
        ref = self.cleaned_data.get("framework")
        if ref is None:
            return
        self.framework_known(seen, ref[0])
        key = (ref[0], self.data.get("code"))
        if key in seen.dimensions:
            self.add_error(
                None,
                _("%(where)s: dimension %(code)r of %(framework)r appears twice.")
                % {"where": self.where, "code": key[1], "framework": ref[0]},
            )
        seen.dimensions.add(key)


class CompetencyEntryForm(EntryForm):
    model = "tutoria_tutors.competency"
    required = ("dimension", "code")
    optional = (*TEXT_FIELDS, "sort_order")

    def file_fields(self, where):
        return {
            "dimension": FileValueField(
                _codes(2),
                lambda value: (
                    _('%(where)s: "dimension" must be [framework code, dimension code].')
                    % {"where": where}
                ),
            ),
            "code": self.code_field(where),
            "sort_order": self.sort_order_field(where),
        }

    def check_against(self, seen):
        ref = self.cleaned_data.get("dimension")
        if ref is None:
            return
        if ref not in seen.dimensions and ref not in seen.existing_dimensions:
            self.add_error(
                None,
                _(
                    "%(where)s: dimension %(dimension)r is neither earlier in the "
                    "file nor in the database."
                )
                % {"where": self.where, "dimension": list(ref)},
            )
        key = (ref[0], self.data.get("code"))
        if key in seen.competencies:
            self.add_error(
                None,
                _(
                    "%(where)s: competency %(code)r appears twice in framework %(framework)r "
                    "(entry %(entry)d); codes are unique within a framework."
                )
                % {
                    "where": self.where,
                    "code": key[1],
                    "framework": ref[0],
                    "entry": seen.competencies[key],
                },
            )
        seen.competencies[key] = self.number


ENTRY_FORMS = {
    form.model: form
    for form in (FrameworkEntryForm, LevelEntryForm, DimensionEntryForm, CompetencyEntryForm)
}


def _entry_form(number, entry, seen):
    """(the entry's form, or None, and the problems of its envelope)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("fields"), dict):
        where = _("entry %(number)d") % {"number": number}
        return None, [
            _('%(where)s: must be an object with "model" and "fields".') % {"where": where}
        ]
    model = str(entry.get("model", "")).lower()
    form_class = ENTRY_FORMS.get(model)
    if form_class is None:
        where = _("entry %(number)d (%(model)s)") % {
            "number": number,
            "model": model or _("no model"),
        }
        return None, [
            _("%(where)s: unknown model; expected one of %(models)s.")
            % {"where": where, "models": ", ".join(ENTRY_FORMS)}
        ]
    return form_class(entry["fields"], number=number, seen=seen), []


def check_forms(data):
    """(the entries' forms, the problems of ``data``: empty when loadable)."""
    if not isinstance(data, list):
        return [], [_('The file must hold a JSON list of entries ({"model": ..., "fields": ...}).')]
    seen = Seen(
        existing_frameworks=set(CompetencyFramework.objects.values_list("code", flat=True)),
        existing_dimensions=set(Dimension.objects.values_list("framework__code", "code")),
    )
    forms_, problems = [], []
    for number, entry in enumerate(data, start=1):
        form, envelope = _entry_form(number, entry, seen)
        problems += envelope
        if form is not None:
            problems += form.problems()
            forms_.append(form)
    for code in seen.frameworks:
        if (
            not any(fw == code for fw, _value in seen.levels)
            and not FrameworkLevel.objects.filter(framework__code=code).exists()
        ):
            problems.append(
                _("framework %(code)r: has no level scale (frameworklevel entries).")
                % {"code": code}
            )
    return forms_, problems


def check_entries(data):
    """Return the problems of ``data`` (a list of fixture entries); empty when loadable."""
    return check_forms(data)[1]


def _upsert(model, lookup, values, result, kind):
    instance = model.objects.filter(**lookup).first()
    created = instance is None
    if created:
        instance = model(**lookup)
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if created or changed:
        instance.full_clean()
        instance.save()
    result.count(kind, created, changed)
    return instance


@transaction.atomic
def load_entries(data):
    entry_forms, problems = check_forms(data)
    if problems:
        raise FrameworkFileError(problems)
    result = LoadResult()
    for form in entry_forms:
        try:
            _load_entry(form, result)
        except ValidationError as error:  # what the models still refuse: nothing is kept
            raise FrameworkFileError(
                [
                    _("entry %(number)d: %(problem)s")
                    % {"number": form.number, "problem": " ".join(error.messages)}
                ]
            ) from None
    return result


def _load_entry(form, result):
    """Write one entry from its form's cleaned data."""
    fields = form.cleaned_data
    texts = {name: fields[name] for name in TEXT_FIELDS if name in fields}
    if isinstance(form, FrameworkEntryForm):
        framework = _upsert(
            CompetencyFramework, {"code": fields["code"]}, texts, result, "framework"
        )
        result.frameworks.append(framework)
    elif isinstance(form, LevelEntryForm):
        framework = CompetencyFramework.objects.get(code=fields["framework"][0])
        _upsert(
            FrameworkLevel,
            {"framework": framework, "value": fields["value"]},
            texts,
            result,
            "level",
        )
    elif isinstance(form, DimensionEntryForm):
        framework = CompetencyFramework.objects.get(code=fields["framework"][0])
        texts["sort_order"] = fields.get("sort_order")
        _upsert(
            Dimension, {"framework": framework, "code": fields["code"]}, texts, result, "dimension"
        )
    else:
        framework_code, dimension_code = fields["dimension"]
        dimension = Dimension.objects.get(framework__code=framework_code, code=dimension_code)
        existing = Competency.objects.filter(
            dimension__framework__code=framework_code, code=fields["code"]
        ).first()
        texts["sort_order"] = fields.get("sort_order")
        texts["dimension"] = dimension
        if existing is not None:
            _upsert(Competency, {"pk": existing.pk}, texts, result, "competency")
        else:
            texts.pop("dimension")
            _upsert(
                Competency,
                {"dimension": dimension, "code": fields["code"]},
                texts,
                result,
                "competency",
            )


def load_framework_file(path=None):
    """Check and load a framework file (the shipped seed framework by default)."""
    return load_entries(read_file(path or DEFAULT_PATH))
