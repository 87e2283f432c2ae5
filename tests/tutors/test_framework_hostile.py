"""Hostile competency-framework files: every problem reported (translated), nothing written.

The loader writes plain text (names and descriptions), never rich text: markup stays text and
every template escapes it.
"""

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests import factories
from tests.tutors.test_framework import counts, seed_entries
from tutoria_cms.tutors.loader import FrameworkFileError, load_entries
from tutoria_cms.tutors.models import Competency

pytestmark = pytest.mark.django_db


def with_competency(**fields):
    data = seed_entries()
    data.append(
        {
            "model": "tutoria_tutors.competency",
            "fields": {
                "dimension": ["good-tutor", "human"],
                "code": "extra",
                "name_en": "Extra",
                **fields,
            },
        }
    )
    return data


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"name_es": "Escucha\x00activa"}, "control"),
        ({"name_es": "Escucha\x07"}, "control"),
        ({"name_pt_br": "x" * 201}, "at most 200"),
        ({"description_en": "y" * 5001}, "at most 5000"),
        ({"name_es": "\u200b\u2060"}, "invisible"),
        ({"code": "c" * 65}, "at most 64"),
        ({"code": "código"}, "may only hold"),
        ({"sort_order": 10**12}, "sort_order"),
        ({"sort_order": True}, "sort_order"),
    ],
)
def test_bad_texts_codes_and_numbers_are_problems_not_crashes(fields, problem):
    with pytest.raises(FrameworkFileError) as refused:
        load_entries(with_competency(**fields))
    assert any(problem in message for message in refused.value.problems), refused.value.problems
    assert counts() == (0, 0, 0, 0)


def test_problems_are_reported_in_spanish(tmp_path):
    path = tmp_path / "fw.json"
    path.write_text(json.dumps(with_competency(name_es="\u200b")), encoding="utf-8")
    with translation.override("es"), pytest.raises(CommandError) as refused:
        call_command("load_competency_framework", str(path))
    message = str(refused.value)
    assert "no se cargó (no se escribió nada)" in message
    assert "entrada" in message and "caracteres invisibles" in message


def test_texts_are_stored_in_nfc_and_markup_stays_text(client, mx_home):
    name = '<img src=x onerror="alert(1)">Escucha\u0301'
    load_entries(with_competency(name_es=name, description_es="Cita:\n<script>x</script>"))
    competency = Competency.objects.get(code="extra")
    assert competency.name_es == '<img src=x onerror="alert(1)">Escuchá'
    index = factories.build_tutor_index(mx_home)
    tutor = factories.build_tutor_user("ana")
    factories.build_tutor_profile(index, title="Ana", user=tutor)
    client.force_login(tutor)
    page = client.get("/admin/tutors/my-matrix/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "&lt;img src=x onerror=" in page
    assert '<img src=x onerror="alert(1)">' not in page
