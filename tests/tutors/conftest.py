"""Fixtures of the tutor directory tests (builders in tests/factories.py)."""

import pytest

from tests import factories


@pytest.fixture
def framework(db):
    """The seed competency framework (fixtures/competency_framework_seed.json)."""
    return factories.load_seed_framework()


@pytest.fixture
def tutor_index(mx_home, framework):
    return factories.build_tutor_index(mx_home)


@pytest.fixture
def tutor_a(db):
    return factories.build_tutor_user("tutora.a", first_name="Ana", last_name="Ramírez")


@pytest.fixture
def tutor_b(db):
    return factories.build_tutor_user("tutor.b", first_name="Bruno", last_name="Salas")


@pytest.fixture
def coordinator(db):
    return factories.build_tutor_user(
        "coord", groups=("Tutoring coordination",), first_name="Carmen", last_name="Lozano"
    )


@pytest.fixture
def profile_a(tutor_index, tutor_a):
    return factories.build_tutor_profile(tutor_index, title="Ana Ramírez", user=tutor_a)


@pytest.fixture
def profile_b(tutor_index, tutor_b):
    return factories.build_tutor_profile(tutor_index, title="Bruno Salas", user=tutor_b)
