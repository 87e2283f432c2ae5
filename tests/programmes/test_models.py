import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import translation

from tests import factories
from tutoria_cms.core.choices import ProgrammeKind
from tutoria_cms.programmes.models import ProgrammeIndexPage, TutoringProgrammePage


def test_peer_mentoring_programme_gets_seed_cycle_in_site_language(programme_index, br_home):
    page = factories.build_programme(
        programme_index, title="Mentoría entre iguales", kind=ProgrammeKind.PEER_MENTORING
    )
    titles = [block.value["title"] for block in page.stages]
    assert len(titles) == 7
    assert titles[0] == "Orientación del programa y emparejamiento"
    assert titles[-1] == "Cierre y transición"

    br_index = factories.build_programme_index(br_home, title="Programas")
    br_page = factories.build_programme(
        br_index, title="Mentoria entre pares", kind=ProgrammeKind.PEER_MENTORING
    )
    assert br_page.stages[0].value["title"] == "Orientação do programa e pareamento"


def test_other_kinds_keep_empty_stages(programme_index):
    page = factories.build_programme(programme_index, kind=ProgrammeKind.TUTORING_ACTION_PLAN)
    assert len(page.stages) == 0


def test_multiple_choice_fields_reject_unknown_codes(programme_index):
    page = TutoringProgrammePage(title="X", modalities=["in_person", "carrier_pigeon"])
    page.locale = programme_index.locale
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "modalities" in error.value.message_dict


def test_indicator_targets_are_percentages(programme_index):
    page = TutoringProgrammePage(title="X", slug="x", target_dropout_rate=120)
    page.locale = programme_index.locale
    page.path, page.depth = "00010001", 2  # enough for full_clean outside the tree
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "target_dropout_rate" in error.value.message_dict


def test_page_type_rules():
    assert ProgrammeIndexPage.can_create_at is not None
    assert TutoringProgrammePage.allowed_parent_page_models() == [ProgrammeIndexPage]
    # Workshops live under programmes only when that optional app is installed.
    expected = (
        ["tutoria_workshops.GroupWorkshopPage"]
        if apps.is_installed("tutoria_cms.workshops")
        else []
    )
    assert [m._meta.label for m in TutoringProgrammePage.allowed_subpage_models()] == expected


def test_labels_in_choice_order(programme):
    programme.modalities = ["video", "in_person"]
    with translation.override("es"):
        labels = [str(x) for x in programme.modality_labels()]
    assert labels == ["Presencial", "A distancia: videollamada"]
    with translation.override("en"):
        assert [str(x) for x in programme.modality_labels()] == [
            "In person",
            "At a distance: video call",
        ]
