import pytest
from django.test import override_settings
from django.utils import translation

from tutoria_cms.workshops.forms import WorkshopRegistrationForm

VALID = {
    "student_number": "A-20231234",
    "full_name": "  María  López ",
    "email": "Maria.Lopez@Example.EDU",
    "consent": "on",
}


def form_with(**changes):
    data = {**VALID, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return WorkshopRegistrationForm(data)


def test_valid_data_is_cleaned():
    form = form_with()
    assert form.is_valid(), form.errors
    assert form.registration_data() == {
        "student_number": "A-20231234",
        "full_name": "María  López",
        "email": "maria.lopez@example.edu",
        "consent": True,
    }


@pytest.mark.parametrize(
    ("changes", "field", "spanish"),
    [
        ({"student_number": "12"}, "student_number", "no es un número de matrícula válido"),
        ({"student_number": "A1234; DROP"}, "student_number", "número de matrícula válido"),
        ({"student_number": ""}, "student_number", "Escribe tu número de matrícula."),
        ({"full_name": "Ana\x07Pérez"}, "full_name", "caracteres de control"),
        ({"full_name": "Ana\x00Pérez"}, "full_name", "caracteres nulos"),
        ({"full_name": "\u200b\u200b"}, "full_name", "solo de caracteres invisibles"),
        ({"full_name": "A" * 151}, "full_name", "como máximo 150 caracteres"),
        ({"email": "ana@"}, "email", "Escribe una dirección de correo electrónico válida"),
        ({"consent": None}, "consent", "aceptar el uso de tus datos"),
    ],
    ids=[
        "short-number",
        "bad-characters",
        "no-number",
        "control-char",
        "nul",
        "invisible",
        "too-long",
        "bad-email",
        "no-consent",
    ],
)
def test_bad_input_gives_translated_errors(changes, field, spanish):
    with translation.override("es"):
        form = form_with(**changes)
        assert not form.is_valid()
        assert list(form.errors) == [field]
        assert spanish in " ".join(form.errors[field])


def test_portuguese_errors():
    with translation.override("pt-br"):
        form = form_with(consent=None, student_number="x")
        assert not form.is_valid()
        assert "uso dos seus dados" in form.errors["consent"][0]
        assert "matrícula" in form.errors["student_number"][0]


@override_settings(TUTORIA_CMS={"STUDENT_NUMBER_PATTERN": r"\d{9}", "MAX_NAME_LENGTH": 10})
def test_pattern_and_length_come_from_settings():
    assert form_with(student_number="202312345", full_name="Ana Pérez").is_valid()
    assert not form_with(student_number="A-20231234", full_name="Ana Pérez").is_valid()
    assert "full_name" in form_with(student_number="202312345", full_name="Ana María Pérez").errors


def test_labels_are_translated():
    with translation.override("es"):
        form = WorkshopRegistrationForm()
        assert str(form["student_number"].label) == "Número de matrícula"
        assert "correo electrónico se usen para gestionar" in str(form["consent"].label)
