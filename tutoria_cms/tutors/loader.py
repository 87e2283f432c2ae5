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
MODELS = {
    "tutoria_tutors.competencyframework": {"required": ["code"], "optional": TEXT_FIELDS},
    "tutoria_tutors.frameworklevel": {"required": ["framework", "value"], "optional": TEXT_FIELDS},
    "tutoria_tutors.dimension": {
        "required": ["framework", "code"],
        "optional": TEXT_FIELDS + ["sort_order"],
    },
    "tutoria_tutors.competency": {
        "required": ["dimension", "code"],
        "optional": TEXT_FIELDS + ["sort_order"],
    },
}


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


def check_entries(data):  # noqa: C901 -- to be replaced by Django forms (issue "adoptable suite", item 5)
    """Return the problems of ``data`` (a list of fixture entries); empty when loadable."""
    if not isinstance(data, list):
        return [_('The file must hold a JSON list of entries ({"model": ..., "fields": ...}).')]
    problems = []
    frameworks, dimensions, competencies, levels = set(), set(), {}, set()
    existing_frameworks = set(CompetencyFramework.objects.values_list("code", flat=True))
    existing_dimensions = set(Dimension.objects.values_list("framework__code", "code"))
    for number, entry in enumerate(data, start=1):
        where = _("entry %(number)d") % {"number": number}
        if not isinstance(entry, dict) or not isinstance(entry.get("fields"), dict):
            problems.append(
                _('%(where)s: must be an object with "model" and "fields".') % {"where": where}
            )
            continue
        model = str(entry.get("model", "")).lower()
        where = _("entry %(number)d (%(model)s)") % {
            "number": number,
            "model": model or _("no model"),
        }
        spec = MODELS.get(model)
        if spec is None:
            problems.append(
                _("%(where)s: unknown model; expected one of %(models)s.")
                % {"where": where, "models": ", ".join(MODELS)}
            )
            continue
        fields = entry["fields"]
        for name in spec["required"]:
            if fields.get(name) in (None, "", []):
                problems.append(
                    _('%(where)s: "%(field)s" is required.') % {"where": where, "field": name}
                )
        unknown = sorted(set(fields) - set(spec["required"]) - set(spec["optional"]))
        if unknown:
            problems.append(
                _("%(where)s: unknown field(s) %(fields)s.")
                % {"where": where, "fields": ", ".join(unknown)}
            )
        for name in TEXT_FIELDS:
            if name in fields and not _is_text(fields[name]):
                problems.append(
                    _('%(where)s: "%(field)s" must be text.') % {"where": where, "field": name}
                )
            elif name in fields:
                try:
                    clean_field_text(name, fields[name])
                except ValidationError as error:
                    problems.append(
                        _('%(where)s: "%(field)s": %(problem)s')
                        % {"where": where, "field": name, "problem": " ".join(error.messages)}
                    )
        if model != "tutoria_tutors.frameworklevel" and not any(
            _is_text(fields.get(f"name_{s}")) and fields.get(f"name_{s}").strip()
            for s in LANGUAGE_SUFFIXES
        ):
            problems.append(
                _("%(where)s: give a name in at least one language (name_es, ...).")
                % {"where": where}
            )
        sort_order = fields.get("sort_order")
        if (
            "sort_order" in fields
            and sort_order is not None
            and not (
                isinstance(sort_order, int)
                and not isinstance(sort_order, bool)
                and 0 <= sort_order <= MAX_SORT_ORDER
            )
        ):
            problems.append(
                _('%(where)s: "sort_order" must be a whole number from 0 to %(maximum)d.')
                % {"where": where, "maximum": MAX_SORT_ORDER}
            )
        code = fields.get("code")
        if (
            "code" in spec["required"]
            and code
            and not (
                isinstance(code, str)
                and len(code) <= 64
                and code.replace("-", "").replace("_", "").isascii()
                and code.replace("-", "").replace("_", "").isalnum()
            )
        ):
            problems.append(
                _("%(where)s: code %(code)r may only hold letters, digits, - and _ (at most 64).")
                % {"where": where, "code": code}
            )

        if model == "tutoria_tutors.competencyframework":
            if code in frameworks:
                problems.append(
                    _("%(where)s: framework %(code)r appears twice.")
                    % {"where": where, "code": code}
                )
            frameworks.add(code)
            continue
        if model in ("tutoria_tutors.frameworklevel", "tutoria_tutors.dimension"):
            ref = fields.get("framework")
            if not (isinstance(ref, list) and len(ref) == 1 and isinstance(ref[0], str)):
                problems.append(
                    _('%(where)s: "framework" must be [framework code].') % {"where": where}
                )
                continue
            if ref[0] not in frameworks and ref[0] not in existing_frameworks:
                problems.append(
                    _(
                        "%(where)s: framework %(code)r is neither earlier in the "
                        "file nor in the database."
                    )
                    % {"where": where, "code": ref[0]}
                )
            if model == "tutoria_tutors.frameworklevel":
                value = fields.get("value")
                if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
                    problems.append(
                        _('%(where)s: "value" must be a whole number from 1 to 10.')
                        % {"where": where}
                    )
                elif (ref[0], value) in levels:
                    problems.append(
                        _("%(where)s: level %(value)s of %(code)r appears twice.")
                        % {"where": where, "value": value, "code": ref[0]}
                    )
                levels.add((ref[0], value))
            else:
                if (ref[0], code) in dimensions:
                    problems.append(
                        _("%(where)s: dimension %(code)r of %(framework)r appears twice.")
                        % {"where": where, "code": code, "framework": ref[0]}
                    )
                dimensions.add((ref[0], code))
            continue
        # a competency
        ref = fields.get("dimension")
        if not (isinstance(ref, list) and len(ref) == 2 and all(isinstance(x, str) for x in ref)):
            problems.append(
                _('%(where)s: "dimension" must be [framework code, dimension code].')
                % {"where": where}
            )
            continue
        if tuple(ref) not in dimensions and tuple(ref) not in existing_dimensions:
            problems.append(
                _(
                    "%(where)s: dimension %(dimension)r is neither earlier in the "
                    "file nor in the database."
                )
                % {"where": where, "dimension": ref}
            )
        key = (ref[0], code)
        if key in competencies:
            problems.append(
                _(
                    "%(where)s: competency %(code)r appears twice in framework %(framework)r "
                    "(entry %(entry)d); codes are unique within a framework."
                )
                % {"where": where, "code": code, "framework": ref[0], "entry": competencies[key]}
            )
        competencies[key] = number
    for code in frameworks:
        if (
            not any(fw == code for fw, _value in levels)
            and not FrameworkLevel.objects.filter(framework__code=code).exists()
        ):
            problems.append(
                _("framework %(code)r: has no level scale (frameworklevel entries).")
                % {"code": code}
            )
    return problems


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
    problems = check_entries(data)
    if problems:
        raise FrameworkFileError(problems)
    result = LoadResult()
    for number, entry in enumerate(data, start=1):
        try:
            _load_entry(entry, result)
        except ValidationError as error:  # what the models still refuse: nothing is kept
            raise FrameworkFileError(
                [
                    _("entry %(number)d: %(problem)s")
                    % {"number": number, "problem": " ".join(error.messages)}
                ]
            ) from None
    return result


def _load_entry(entry, result):
    model = entry["model"].lower()
    fields = dict(entry["fields"])
    texts = {name: clean_field_text(name, fields[name]) for name in TEXT_FIELDS if name in fields}
    if model == "tutoria_tutors.competencyframework":
        framework = _upsert(
            CompetencyFramework, {"code": fields["code"]}, texts, result, "framework"
        )
        result.frameworks.append(framework)
    elif model == "tutoria_tutors.frameworklevel":
        framework = CompetencyFramework.objects.get(code=fields["framework"][0])
        _upsert(
            FrameworkLevel,
            {"framework": framework, "value": fields["value"]},
            texts,
            result,
            "level",
        )
    elif model == "tutoria_tutors.dimension":
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
