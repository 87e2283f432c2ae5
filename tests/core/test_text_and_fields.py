import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from tutoria_cms.core.checks import check_tutoria_settings
from tutoria_cms.core.conf import tutoria_settings
from tutoria_cms.core.fields import MultipleChoiceField, choice_labels
from tutoria_cms.core.text import clean_text


def test_clean_text_normalises_to_nfc_and_strips():
    decomposed = "Jose\u0301 Pe\u0301rez "
    assert clean_text(decomposed) == "José Pérez"
    assert clean_text(decomposed) == "\u004a\u006f\u0073\u00e9 P\u00e9rez"


@pytest.mark.parametrize("value", ["Ana\x00", "Ana\x1bB", "line\nbreak"])
def test_clean_text_refuses_control_characters(value):
    with pytest.raises(ValidationError) as error:
        clean_text(value)
    assert error.value.code == "control_characters"


def test_clean_text_allows_newlines_when_asked():
    assert clean_text("a\nb", allow_newlines=True) == "a\nb"


def test_clean_text_refuses_invisible_only_text_with_translated_message():
    with translation.override("es"):
        with pytest.raises(ValidationError) as error:
            clean_text("\u200b\u200d")
        assert error.value.code == "invisible"
        assert "invisibles" in str(error.value.messages[0])


def test_clean_text_length_limit_reports_both_numbers():
    with pytest.raises(ValidationError) as error:
        clean_text("x" * 12, max_length=10)
    assert "10" in error.value.messages[0] and "12" in error.value.messages[0]


def test_multiple_choice_field_validates_and_builds_checkboxes():
    field = MultipleChoiceField(choices=[("a", "A"), ("b", "B")])
    field.validate(["a", "b"], None)
    with pytest.raises(ValidationError):
        field.validate(["a", "z"], None)
    with pytest.raises(ValidationError):
        field.validate(["a", "a"], None)
    form_field = field.formfield()
    assert [code for code, _label in form_field.choices] == ["a", "b"]
    assert form_field.clean(["b"]) == ["b"]


def test_choice_labels_follow_choice_order():
    field = MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    assert choice_labels(field, ["c", "a"]) == ["A", "C"]


def test_settings_follow_override_settings():
    default = tutoria_settings.SMALL_CELL_THRESHOLD
    with override_settings(TUTORIA_CMS={"SMALL_CELL_THRESHOLD": 11}):
        assert tutoria_settings.SMALL_CELL_THRESHOLD == 11
    assert default == tutoria_settings.SMALL_CELL_THRESHOLD
    with pytest.raises(AttributeError):
        tutoria_settings.NOT_A_SETTING  # noqa: B018


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        ({"STUDENT_NUMBER_PATTERN": "("}, {"tutoria_core.E002"}),
        ({"SMALL_CELL_THRESHOLD": 0}, {"tutoria_core.E003"}),
        ({"TYPO_KEY": 1}, {"tutoria_core.W001"}),
        ({"SMALL_CELL_THRESHOLD": 5}, set()),
    ],
)
def test_system_checks_catch_wrong_settings(value, ids):
    with override_settings(TUTORIA_CMS=value):
        assert {message.id for message in check_tutoria_settings()} == ids
