"""Workshops choose tutor profiles as facilitators; each profile lists its workshops."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tutoria_cms.workshops.blocks import TutorProfileChooserBlock
from tutoria_cms.workshops.models import get_workshops_facilitated_by

pytestmark = pytest.mark.django_db


def facilitated(programme, title, profile):
    return factories.build_workshop(
        programme,
        title=title,
        facilitators=[("tutor", {"tutor": profile, "role": "Facilitadora"})],
    )


def test_profile_lists_the_workshops_its_tutor_facilitates(client, programme, profile_a, profile_b):
    first = facilitated(programme, "Técnicas de estudio", profile_a)
    facilitated(programme, "Trabajo cooperativo", profile_b)
    unpublished = facilitated(programme, "Borrador", profile_a)
    unpublished.unpublish()

    assert [w.pk for w in get_workshops_facilitated_by(profile_a)] == [first.pk]
    response = client.get(profile_a.get_url(), HTTP_HOST="localhost")
    assert response.status_code == 200
    assert "Técnicas de estudio" in response.text
    assert "Trabajo cooperativo" not in response.text and "Borrador" not in response.text


def test_workshop_page_links_to_the_tutor_profile(client, programme, profile_a):
    workshop = facilitated(programme, "Técnicas de estudio", profile_a)
    response = client.get(workshop.get_url(), HTTP_HOST="localhost")
    assert f'href="{profile_a.get_url()}"' in response.text
    assert "Facilitadora" in response.text


def test_only_tutor_profiles_can_be_chosen(programme, profile_a):
    block = TutorProfileChooserBlock()
    assert [m._meta.label for m in block.target_models] == ["tutoria_tutors.TutorProfilePage"]
    assert block.clean(profile_a).pk == profile_a.pk
    with pytest.raises(ValidationError):
        block.clean(programme)


def test_block_definition_does_not_depend_on_the_directory_being_installed():
    _path, args, kwargs = TutorProfileChooserBlock(label="Tutor").deconstruct()
    assert "page_type" not in kwargs and args == ()
