"""The request workflow's tests use the shared people and requests of tests/conftest.py; the
helpers live in tests/factories.py (imported here too, as older tests expect)."""

from tests.factories import add_failures, make_student, walk

__all__ = ["add_failures", "make_student", "walk"]
