import datetime

import pytest
from django.utils import translation

from tests import factories
from tutoria_cms.academics.models import CurricularComponent, Term


@pytest.fixture(autouse=True)
def english_by_default():
    """Code outside requests speaks English in tests unless a test overrides it."""
    with translation.override("en"):
        yield


@pytest.fixture
def mx_home(db):
    """The Mexican university's site, in Spanish, served at localhost."""
    return factories.build_site("es", "localhost", title="Universidad de Ejemplo", default=True)


@pytest.fixture
def br_home(db):
    """The Brazilian university's site, in Portuguese, served at 127.0.0.1."""
    return factories.build_site("pt-br", "127.0.0.1", title="Universidade Exemplo")


@pytest.fixture
def programme_index(mx_home):
    return factories.build_programme_index(mx_home)


@pytest.fixture
def programme(programme_index):
    return factories.build_programme(programme_index)


@pytest.fixture
def workshop(programme):
    """A published workshop of the Mexican programme: capacity 2, one session next week."""
    return factories.build_workshop(programme, capacity=2)


@pytest.fixture
def br_programme(br_home):
    index = factories.build_programme_index(br_home, title="Programas")
    return factories.build_programme(index, title="Programa de tutoria")


@pytest.fixture
def br_workshop(br_programme):
    return factories.build_workshop(br_programme, title="Oficina de estudos", capacity=2)


# Academic records ------------------------------------------------------------------------


@pytest.fixture
def term(db):
    return Term.objects.create(
        code="2026-1",
        name="2026/1",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
        kind="regular",
    )


@pytest.fixture
def special_term(db):
    return Term.objects.create(
        code="2026-V",
        name="Férias",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 7, 31),
        kind="special",
    )


@pytest.fixture
def component(db):
    return CurricularComponent.objects.create(code="MAT101", name="Cálculo I", hours=60)
