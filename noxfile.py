"""The test matrix: supported Python x Django 5.2.x x Wagtail 8.0.x x SQLite / PostgreSQL.

    nox -l                                  # list the sessions
    nox -s lint                             # ruff and djhtml (cheap)
    nox -t sqlite                           # every row on SQLite
    DATABASE_URL=postgres://u:p@127.0.0.1:5432/tutoria nox -t postgres
    nox -s "tests-3.12(django='lowest', wagtail='latest', database='sqlite')"
    nox -s custom_base_page                 # a site with its own WAGTAIL_PAGE_MODEL
    nox -s tests-3.11 -- tests/requests -x  # 3.11's rows; after -- : pytest arguments

"lowest" installs the floor of the range pyproject.toml declares (Django 5.2.0, Wagtail 8.0),
"latest" the newest release within it. Each session builds its own virtualenv (minutes the
first time; `nox -r` reuses them). docs/testing.md says which rows `.ci/run` runs.
"""

import os
from pathlib import Path

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "venv"
# `nox` alone runs the cheap rows: lint and the newest stack on SQLite.
nox.options.sessions = ["lint", "tests-3.13(django='latest', wagtail='latest', database='sqlite')"]

ROOT = Path(__file__).parent
# requires-python = ">=3.11"; the interpreters the project is tested on.
PYTHONS = ["3.11", "3.12", "3.13"]
DJANGO = {"lowest": "Django==5.2.0", "latest": "Django>=5.2,<5.3"}
WAGTAIL = {"lowest": "wagtail==8.0", "latest": "wagtail>=8.0,<8.1"}


def install_suite(session, django="latest", wagtail="latest"):
    session.install("-e", ".[dev,postgres]", DJANGO[django], WAGTAIL[wagtail])


def database_env(session, database):
    """SQLite in memory (no DATABASE_URL) or the PostgreSQL server DATABASE_URL names."""
    if database == "sqlite":
        return {"DATABASE_URL": None}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        session.skip("PostgreSQL rows need DATABASE_URL=postgres://user:password@host:port/db")
    return {"DATABASE_URL": url}


@nox.session(python=PYTHONS, tags=["matrix"])
@nox.parametrize(
    "database",
    [nox.param(db, tags=[db]) for db in ("sqlite", "postgres")],
)
@nox.parametrize("wagtail", list(WAGTAIL))
@nox.parametrize("django", list(DJANGO))
def tests(session, django, wagtail, database):
    """The whole suite (`make test`) on one row of the matrix."""
    env = database_env(session, database)
    install_suite(session, django, wagtail)
    session.run("python", "-m", "pip", "list", "--format=freeze", silent=False)
    session.run("python", "-m", "pytest", *session.posargs, env=env)


@nox.session(python=PYTHONS[0], tags=["custom_base_page"])
def custom_base_page(session):
    """A site whose WAGTAIL_PAGE_MODEL is its own base page (tests/custom_base_page)."""
    if not (ROOT / "tests" / "custom_base_page").is_dir():
        session.skip("tests/custom_base_page does not exist yet in this checkout")
    install_suite(session)
    session.run(
        "python",
        "-m",
        "pytest",
        "tests/custom_base_page",
        *session.posargs,
        env={"DJANGO_SETTINGS_MODULE": "tests.custom_base_page.settings", "DATABASE_URL": None},
    )


@nox.session(python=PYTHONS[0], tags=["checks"])
def checks(session):
    """System checks, migrations up to date, and the deploy check on production settings."""
    install_suite(session)
    env = {"DATABASE_URL": None}
    session.run("python", "manage.py", "check", "--fail-level", "WARNING", env=env)
    session.run("python", "manage.py", "makemigrations", "--check", "--dry-run", env=env)
    session.run(
        "python",
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "sites.settings.production",
            "SECRET_KEY": "nox-deploy-check-" + "x" * 50,
            "PSEUDONYMISATION_KEY": "nox-pseudonymisation-" + "y" * 40,
            "ALLOWED_HOSTS": "tutorias.example.edu",
            "DATABASE_URL": None,
        },
    )


@nox.session(python=PYTHONS[0], tags=["lint"])
def lint(session):
    """ruff check, ruff format --check and djhtml --check (as `make lint`)."""
    session.install("ruff>=0.17,<0.18", "djhtml>=3.0.11,<4")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    templates = sorted(
        str(path.relative_to(ROOT))
        for pattern in (
            "tutoria_cms/*/templates",
            "tutoria_cms/contrib/*/templates",
            "sites/*/templates",
            "sites/templates",
        )
        for path in ROOT.glob(pattern)
        if path.is_dir()
    )
    session.run("djhtml", "--check", *templates)
