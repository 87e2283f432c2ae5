import collections
import datetime

import pytest
from django.utils import translation

from tests import _template_db, factories
from tutoria_cms.academics.models import CurricularComponent, Term
from tutoria_cms.core import roles
from tutoria_cms.core.institutions import default_site
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestKind

# Tests that take seconds each (a browser, LibreOffice, another Python process, a sweep of
# every URL x role): marked ``slow`` so that ``make test-fast`` can leave them out.
SLOW = (
    "tests/e2e/",
    "tests/security/",
    "tests/bench/",
    "tests/accreditation/test_libreoffice.py",
    "tests/contrib/test_without_modeladmin.py",
    "tests/custom_base_page/test_in_subprocess.py",
    "tests/sites/test_project.py",
    "tests/ops/test_production_settings.py",
    "tests/test_template_db.py::test_the_key_is_the_same_in_another_process",
)


# The suite-wide security sweeps: every URL x role (x institution), and the crawls of every
# page as every role. Their decisions are made in Python (permission policies, querysets
# scoped by institution), the same on both databases, and they are a third of the suite's time:
# `.ci/run` runs them on SQLite (`make test`) and leaves them out of its PostgreSQL pass
# (`-m "not sweep"`, docs/testing.md); `make test-sweeps` runs them on any database.
SWEEPS = (
    "tests/security/test_url_matrix.py",
    "tests/security/test_url_matrix_institutions.py",
    "tests/security/test_leaks.py",
    "tests/security/test_leaks_institutions.py",
    "tests/security/test_readable.py",
    "tests/security/test_wagtail_views.py",
)


# The modules that take longest, in seconds (SQLite, two pytest-xdist workers on the 2-core
# machine, from a whole run's junit report; refresh with ``--junitxml`` when they drift).
# pytest-xdist hands out whole modules (``--dist loadfile``), in the order they are collected
# (``--no-loadscope-reorder``: by default it hands out the modules with most tests first, which
# puts the one-test migration and subprocess modules last, so one worker ran a long one while
# the other had nothing left). Longest first instead: every other module weighs 0.1 s a test.
# Only the order depends on these figures, never a result.
MODULE_SECONDS = {
    "tests/security/test_leaks_institutions.py": 158,
    "tests/security/test_leaks.py": 146,
    "tests/contrib/test_without_modeladmin.py": 93,
    "tests/security/test_url_matrix_institutions.py": 88,
    "tests/custom_base_page/test_in_subprocess.py": 79,
    "tests/e2e/journeys/test_coordination.py": 78,
    "tests/security/test_wagtail_views.py": 78,
    "tests/security/test_institutions_mentoring_partnerships.py": 70,
    "tests/sites/test_demo.py": 66,
    "tests/security/test_readable.py": 57,
    "tests/security/test_url_matrix.py": 47,
    "tests/security/test_csrf.py": 46,
    "tests/requests/test_institution_migration.py": 39,
    "tests/e2e/journeys/test_communications.py": 34,
    "tests/bench/test_load.py": 33,
    "tests/sites/test_project.py": 30,
    "tests/e2e/test_accessibility.py": 27,
    "tests/e2e/journeys/test_tutor.py": 26,
    "tests/e2e/journeys/test_superuser.py": 25,
    "tests/security/test_hostile_input.py": 24,
    "tests/contrib/test_modeladmin.py": 22,
    "tests/sites/test_query_budget.py": 17,
    "tests/requests/test_referral_service_migration.py": 14,
}


def module_seconds(module, tests):
    return MODULE_SECONDS.get(module, 0.1 * tests)


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.nodeid.replace("\\", "/")
        if path.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
        if path.startswith(SWEEPS):
            item.add_marker(pytest.mark.sweep)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: longest modules first
        tests = collections.Counter(item.nodeid.split("::")[0] for item in items)
        # A stable sort: within a module, pytest-django's order stays.
        items.sort(
            key=lambda item: -module_seconds(module := item.nodeid.split("::")[0], tests[module])
        )


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_blocker, django_db_modify_db_settings):
    """pytest-django's test databases, copied from a migrated template instead of migrated
    by every pytest-xdist worker (``tests/_template_db.py``, docs/testing.md);
    ``TUTORIA_TEST_TEMPLATE_DB=0`` migrates as pytest-django does."""
    yield from _template_db.setup(request, django_db_blocker)


def is_transactional(item):
    """Whether a test flushes the database when it ends (as pytest-django decides it)."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker and validate_django_db(marker)[0]:
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by flushing the database, and what the migrations created
    (the page tree's root, the role groups, the moderation workflow, permissions) goes with
    it. Run alone, Django and pytest-django put those tests last; with pytest-xdist a worker
    runs whole modules in the order it is handed them, so a later module would find an empty
    database. Once the test's fixtures are torn down (the flush included), put the migrated
    data back: the copy pytest-django serialised after migrating, as ``serialized_rollback``
    restores it. Not after the session's last test: its teardown has destroyed the test
    database by then, and the connection points at the real one (on PostgreSQL, an empty
    database without tables)."""
    result = yield
    if nextitem is not None and is_transactional(item):
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all(initialized_only=True):
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    restore_migrated_data(connection, contents)
        # The content types came back with the copy's ids: forget the ones cached in this
        # process (a migration test recreates them under new ids), or the next test would
        # point a row at a content type that is gone.
        ContentType.objects.clear_cache()
    return result


def restore_migrated_data(connection, contents):
    """Put the serialised migrated data back. A test that migrates backwards and forwards
    (the data migrations' tests) leaves rows the migrations recreated (content types,
    permissions): the copy then clashes with them, so empty the database and load it again."""
    from django.core.management import call_command
    from django.db import IntegrityError, transaction

    try:
        with transaction.atomic(using=connection.alias):
            connection.creation.deserialize_db_from_string(contents)
    except IntegrityError:
        call_command(
            "flush",
            database=connection.alias,
            interactive=False,
            inhibit_post_migrate=True,
            verbosity=0,
        )
        connection.creation.deserialize_db_from_string(contents)
        # ``flush`` restarted the sequences; the copy came back with its own ids (PostgreSQL).
        from django.apps import apps
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def forget_every_site_users():
    """Users of another test (ids are reused after a rollback) join no new Site."""
    factories.EVERY_SITE.clear()
    yield
    factories.EVERY_SITE.clear()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits (the workshop sign-up's) count in the cache: each test starts at zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
        site=default_site(),
        code="2026-1",
        name="2026/1",
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 6, 30),
        kind="regular",
    )


@pytest.fixture
def special_term(db):
    return Term.objects.create(
        site=default_site(),
        code="2026-V",
        name="Férias",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 7, 31),
        kind="special",
    )


@pytest.fixture
def component(db):
    return CurricularComponent.objects.create(
        site=default_site(), code="MAT101", name="Cálculo I", hours=60
    )


# People and requests (the request workflow, and every area that needs a role) ----------------


@pytest.fixture
def student(db):
    return factories.make_student()


@pytest.fixture
def coordinator(db):
    return factories.UserFactory(username="coord", groups=[roles.COORDINATION])


@pytest.fixture
def board(db):
    return factories.UserFactory(username="board", groups=[roles.BOARD])


@pytest.fixture
def orientation(db):
    return factories.UserFactory(username="orient", groups=[roles.ORIENTATION])


@pytest.fixture
def tutor(db):
    return factories.UserFactory(username="tutor1", groups=[roles.TUTORS])


@pytest.fixture
def other_tutor(db):
    return factories.UserFactory(username="tutor2", groups=[roles.TUTORS])


@pytest.fixture
def class_request(student, term, component, coordinator):
    return services.create_request(
        kind=RequestKind.INDIVIDUAL_CLASS,
        student=student,
        term=term,
        component=component,
        user=coordinator,
        language="pt-br",
    )


@pytest.fixture
def support_request(student, coordinator):
    return services.create_request(
        kind=RequestKind.SUPPORT,
        student=student,
        user=coordinator,
        reasons=["emotional", "family_substance"],
        description="CONFIDENTIAL-XYZ family matter",
    )
