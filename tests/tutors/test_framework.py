"""The competency framework: seed data, loaders (command and loaddata), translated texts."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from tutoria_cms.tutors.loader import DEFAULT_PATH, FrameworkFileError, load_framework_file
from tutoria_cms.tutors.models import (
    Competency,
    CompetencyFramework,
    Dimension,
    FrameworkLevel,
)

pytestmark = pytest.mark.django_db

SEED_COMPETENCIES = {
    "scientific": ["disciplinary-expertise", "didactics", "cognitive-skills"],
    "human": [
        "protection-socialisation",
        "values-education",
        "relational-skills",
        "diversity-inclusion",
        "emotional-management",
        "good-tutor-traits",
    ],
    "technical": [
        "guidance",
        "family-coordination",
        "professional-coordination",
        "tutoring-follow-up",
    ],
}


def counts():
    return (
        CompetencyFramework.objects.count(),
        FrameworkLevel.objects.count(),
        Dimension.objects.count(),
        Competency.objects.count(),
    )


def test_seed_framework_has_three_dimensions_the_seed_competencies_and_a_scale(framework):
    dimensions = list(framework.dimensions.all())
    assert [d.code for d in dimensions] == ["scientific", "human", "technical"]
    for dimension in dimensions:
        assert [c.code for c in dimension.competencies.all()] == SEED_COMPETENCIES[dimension.code]
    assert framework.level_values() == [1, 2, 3, 4]
    rows = [
        framework,
        *framework.levels.all(),
        *dimensions,
        *Competency.objects.filter(dimension__framework=framework),
    ]
    for row in rows:
        for suffix in ("es", "pt_br", "en"):
            assert getattr(row, f"name_{suffix}").strip(), (row, suffix)
            assert getattr(row, f"description_{suffix}").strip(), (row, suffix)


def test_names_follow_the_active_language_with_fallback(framework):
    emotional = Competency.objects.get(code="emotional-management")
    with translation.override("es"):
        assert emotional.name == "Gestión emocional"
    with translation.override("pt-br"):
        assert emotional.name == "Gestão emocional"
    with translation.override("en"):
        assert emotional.name == "Emotional management"
    emotional.name_pt_br = ""
    with translation.override("pt-br"):
        assert emotional.name == "Emotional management"  # falls back to English
    with translation.override("fr"):
        assert str(emotional) == "Emotional management"


def test_loader_is_idempotent(framework):
    before = counts()
    pks = set(Competency.objects.values_list("pk", flat=True))
    result = load_framework_file()
    assert result.created == {} and result.updated == {}
    assert result.unchanged == 21
    assert counts() == before == (1, 4, 3, 13)
    assert set(Competency.objects.values_list("pk", flat=True)) == pks


def test_loaddata_reads_the_same_file_idempotently_and_agrees_with_the_loader():
    call_command("loaddata", str(DEFAULT_PATH), verbosity=0)
    assert counts() == (1, 4, 3, 13)
    pks = set(Competency.objects.values_list("pk", flat=True))
    call_command("loaddata", str(DEFAULT_PATH), verbosity=0)
    load_framework_file()
    assert counts() == (1, 4, 3, 13)
    assert set(Competency.objects.values_list("pk", flat=True)) == pks
    assert Competency.objects.get(code="guidance").dimension.code == "technical"


def _write(tmp_path, data, name="framework.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def seed_entries():
    return json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_command_updates_texts_and_keeps_rows(framework, tmp_path, capsys):
    data = seed_entries()
    entry = next(e for e in data if e["fields"].get("code") == "guidance")
    entry["fields"]["name_en"] = "Guidance (personal, academic, professional)"
    pk = Competency.objects.get(code="guidance").pk
    call_command("load_competency_framework", str(_write(tmp_path, data)))
    assert "updated 1 competency" in capsys.readouterr().out
    assert Competency.objects.get(pk=pk).name_en == "Guidance (personal, academic, professional)"
    assert counts() == (1, 4, 3, 13)


def test_moving_a_competency_to_another_dimension_keeps_it(framework, tmp_path):
    data = seed_entries()
    entry = next(e for e in data if e["fields"].get("code") == "cognitive-skills")
    entry["fields"]["dimension"] = ["good-tutor", "technical"]
    pk = Competency.objects.get(code="cognitive-skills").pk
    load_framework_file(_write(tmp_path, data))
    assert Competency.objects.get(pk=pk).dimension.code == "technical"
    assert Competency.objects.filter(code="cognitive-skills").count() == 1


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: {"not": "a list"}, "JSON list"),
        (lambda d: d + [{"model": "tutoria_tutors.gadget", "fields": {}}], "unknown model"),
        (
            lambda d: (
                d
                + [
                    {
                        "model": "tutoria_tutors.competency",
                        "fields": {
                            "dimension": ["good-tutor", "astral"],
                            "code": "x",
                            "name_en": "X",
                        },
                    }
                ]
            ),
            "dimension ['good-tutor', 'astral'] is neither",
        ),
        (
            lambda d: (
                d
                + [
                    {
                        "model": "tutoria_tutors.competency",
                        "fields": {
                            "dimension": ["good-tutor", "human"],
                            "code": "guidance",
                            "name_en": "Again",
                        },
                    }
                ]
            ),
            "competency 'guidance' appears twice",
        ),
        (
            lambda d: (
                d
                + [
                    {
                        "model": "tutoria_tutors.frameworklevel",
                        "fields": {"framework": ["good-tutor"], "value": 11},
                    }
                ]
            ),
            "from 1 to 10",
        ),
        (
            lambda d: (
                d
                + [
                    {
                        "model": "tutoria_tutors.dimension",
                        "fields": {"framework": ["good-tutor"], "code": "extra", "colour": "red"},
                    }
                ]
            ),
            "unknown field(s) colour",
        ),
        (
            lambda d: (
                d
                + [
                    {
                        "model": "tutoria_tutors.dimension",
                        "fields": {"framework": ["good-tutor"], "code": "extra"},
                    }
                ]
            ),
            "a name in at least one language",
        ),
    ],
)
def test_bad_files_are_refused_with_clear_errors_and_nothing_is_written(tmp_path, mutate, message):
    path = _write(tmp_path, mutate(seed_entries()))
    with pytest.raises(CommandError) as error:
        call_command("load_competency_framework", str(path))
    assert message in str(error.value)
    assert "nothing was written" in str(error.value)
    assert counts() == (0, 0, 0, 0)


def test_unreadable_files_are_refused(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": ', encoding="utf-8")
    with pytest.raises(FrameworkFileError, match="not valid JSON"):
        load_framework_file(broken)
    with pytest.raises(FrameworkFileError, match="no such file"):
        load_framework_file(tmp_path / "missing.json")


def test_a_framework_without_scale_is_refused(tmp_path):
    data = [e for e in seed_entries() if e["model"] != "tutoria_tutors.frameworklevel"]
    with pytest.raises(FrameworkFileError, match="has no level scale"):
        load_framework_file(_write(tmp_path, data))


def test_competency_codes_are_unique_within_a_framework(framework):
    human = Dimension.objects.get(framework=framework, code="human")
    duplicate = Competency(dimension=human, code="guidance", name_en="Guidance again")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "code" in error.value.message_dict


def test_rows_need_a_name(framework):
    dimension = Dimension(framework=framework, code="nameless")
    with pytest.raises(ValidationError) as error:
        dimension.full_clean()
    assert "name_es" in error.value.message_dict
