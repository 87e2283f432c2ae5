"""The es and pt_BR catalogues of the tutor directory are complete and compiled."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

import tutoria_cms.tutors
from tests import factories

LOCALE = Path(tutoria_cms.tutors.__file__).parent / "locale"


@pytest.mark.parametrize("language", ["es", "pt_BR"])
def test_catalogue_is_complete(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(po) > 150
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == [] and not po.metadata_is_fuzzy
    assert (LOCALE / language / "LC_MESSAGES" / "django.mo").exists()


def test_labels_in_the_site_languages():
    from tutoria_cms.tutors.choices import TutorType

    with translation.override("es"):
        assert str(TutorType.ETHICAL.label) == "Ético"
    with translation.override("pt-br"):
        assert str(TutorType.DIDACTIC.label) == "Didático"


@pytest.mark.django_db
def test_brazilian_profile_page_is_in_portuguese(client, br_home, framework):
    index = factories.build_tutor_index(br_home, title="Docentes-tutores")
    profile = factories.build_tutor_profile(index, title="Joana Ferreira", capacity=1)
    html = client.get(profile.url, HTTP_HOST="127.0.0.1").content.decode()
    assert "Competências do bom docente-tutor" in html  # the framework's name in pt-BR
    assert "Este docente-tutor ainda não publicou a sua avaliação de competências." in html
    assert "1 discente" in html and "Tutoria oferecida" in html
