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

from django.db import transaction

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
        "required": ["framework", "code"], "optional": TEXT_FIELDS + ["sort_order"],
    },
    "tutoria_tutors.competency": {
        "required": ["dimension", "code"], "optional": TEXT_FIELDS + ["sort_order"],
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
        raise FrameworkFileError([f"{path}: no such file."]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError([f"{path}: cannot be read as UTF-8 text ({exc})."]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FrameworkFileError(
            [f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."]
        ) from None


def _is_text(value):
    return isinstance(value, str)


def check_entries(data):
    """Return the problems of ``data`` (a list of fixture entries); empty when loadable."""
    if not isinstance(data, list):
        return ["The file must hold a JSON list of entries ({\"model\": ..., \"fields\": ...})."]
    problems = []
    frameworks, dimensions, competencies, levels = set(), set(), {}, set()
    existing_frameworks = set(CompetencyFramework.objects.values_list("code", flat=True))
    existing_dimensions = set(Dimension.objects.values_list("framework__code", "code"))
    for number, entry in enumerate(data, start=1):
        where = f"entry {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("fields"), dict):
            problems.append(f"{where}: must be an object with \"model\" and \"fields\".")
            continue
        model = str(entry.get("model", "")).lower()
        where = f"entry {number} ({model or 'no model'})"
        spec = MODELS.get(model)
        if spec is None:
            problems.append(f"{where}: unknown model; expected one of {', '.join(MODELS)}.")
            continue
        fields = entry["fields"]
        for name in spec["required"]:
            if fields.get(name) in (None, "", []):
                problems.append(f"{where}: \"{name}\" is required.")
        unknown = sorted(set(fields) - set(spec["required"]) - set(spec["optional"]))
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(unknown)}.")
        for name in TEXT_FIELDS:
            if name in fields and not _is_text(fields[name]):
                problems.append(f"{where}: \"{name}\" must be text.")
        if model != "tutoria_tutors.frameworklevel" and not any(
            _is_text(fields.get(f"name_{s}")) and fields.get(f"name_{s}").strip()
            for s in LANGUAGE_SUFFIXES
        ):
            problems.append(f"{where}: give a name in at least one language (name_es, ...).")
        if "sort_order" in fields and not isinstance(fields["sort_order"], int):
            problems.append(f"{where}: \"sort_order\" must be a whole number.")
        code = fields.get("code")
        if "code" in spec["required"] and code and not (
            isinstance(code, str) and code.replace("-", "").replace("_", "").isalnum()
        ):
            problems.append(f"{where}: code {code!r} may only hold letters, digits, - and _.")

        if model == "tutoria_tutors.competencyframework":
            if code in frameworks:
                problems.append(f"{where}: framework {code!r} appears twice.")
            frameworks.add(code)
            continue
        if model in ("tutoria_tutors.frameworklevel", "tutoria_tutors.dimension"):
            ref = fields.get("framework")
            if not (isinstance(ref, list) and len(ref) == 1 and isinstance(ref[0], str)):
                problems.append(f"{where}: \"framework\" must be [framework code].")
                continue
            if ref[0] not in frameworks and ref[0] not in existing_frameworks:
                problems.append(f"{where}: framework {ref[0]!r} is neither earlier in the file "
                                "nor in the database.")
            if model == "tutoria_tutors.frameworklevel":
                value = fields.get("value")
                if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
                    problems.append(f"{where}: \"value\" must be a whole number from 1 to 10.")
                elif (ref[0], value) in levels:
                    problems.append(f"{where}: level {value} of {ref[0]!r} appears twice.")
                levels.add((ref[0], value))
            else:
                if (ref[0], code) in dimensions:
                    problems.append(f"{where}: dimension {code!r} of {ref[0]!r} appears twice.")
                dimensions.add((ref[0], code))
            continue
        # a competency
        ref = fields.get("dimension")
        if not (isinstance(ref, list) and len(ref) == 2 and all(isinstance(x, str) for x in ref)):
            problems.append(f"{where}: \"dimension\" must be [framework code, dimension code].")
            continue
        if tuple(ref) not in dimensions and tuple(ref) not in existing_dimensions:
            problems.append(f"{where}: dimension {ref!r} is neither earlier in the file nor in "
                            "the database.")
        key = (ref[0], code)
        if key in competencies:
            problems.append(f"{where}: competency {code!r} appears twice in framework "
                            f"{ref[0]!r} (entry {competencies[key]}); codes are unique within "
                            "a framework.")
        competencies[key] = number
    for code in frameworks:
        if not any(fw == code for fw, _value in levels) and not FrameworkLevel.objects.filter(
            framework__code=code
        ).exists():
            problems.append(f"framework {code!r}: has no level scale (frameworklevel entries).")
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
    for entry in data:
        model = entry["model"].lower()
        fields = dict(entry["fields"])
        texts = {name: fields[name] for name in TEXT_FIELDS if name in fields}
        if model == "tutoria_tutors.competencyframework":
            framework = _upsert(CompetencyFramework, {"code": fields["code"]}, texts, result,
                                "framework")
            result.frameworks.append(framework)
        elif model == "tutoria_tutors.frameworklevel":
            framework = CompetencyFramework.objects.get(code=fields["framework"][0])
            _upsert(FrameworkLevel, {"framework": framework, "value": fields["value"]}, texts,
                    result, "level")
        elif model == "tutoria_tutors.dimension":
            framework = CompetencyFramework.objects.get(code=fields["framework"][0])
            texts["sort_order"] = fields.get("sort_order")
            _upsert(Dimension, {"framework": framework, "code": fields["code"]}, texts, result,
                    "dimension")
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
                _upsert(Competency, {"dimension": dimension, "code": fields["code"]}, texts,
                        result, "competency")
    return result


def load_framework_file(path=None):
    """Check and load a framework file (the shipped seed framework by default)."""
    return load_entries(read_file(path or DEFAULT_PATH))
