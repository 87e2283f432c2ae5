"""A migrated template database: each pytest-xdist worker copies it instead of migrating.

Migrating the test database takes long (every app's migrations, Wagtail's, the data
migrations that create the role groups, the page tree, the workflows, the permissions), and
with ``make test`` every worker did it. Here the first worker of a run migrates as before
(pytest-django's own ``django_db_setup``), then saves what it built as a *template*, named
by a key (`template_key`) that changes whenever anything that decides the migrated state
changes; the other workers, and the next runs, copy the template:

- SQLite: the template is a file, ``var/test-templates/<key>.sqlite3``, copied into the
  worker's (in-memory) test database with SQLite's backup API, as Django's own parallel test
  runner does it;
- PostgreSQL: the template is a database, ``<test database>_tpl_<key>``, and the worker's
  test database is ``CREATE DATABASE … TEMPLATE`` it.

Next to it, ``<key>.json`` keeps the database serialised as pytest-django does after
migrating (``connection._test_serialized_contents``: ``serialized_rollback`` and the
restore after transactional tests in ``tests/conftest.py`` use it).

Workers that start together take a file lock per key: the first builds the template, the
others wait for it. A template is written under a temporary name and renamed into place,
so a half-written one is never used. A key never seen builds a new template; templates not
used for a week are removed when a new one is built.

Off (every worker migrates): ``TUTORIA_TEST_TEMPLATE_DB=0``; also off with ``--reuse-db``,
``--nomigrations``, ``TEST["MIGRATE"] = False``, several databases mirroring one another and
other database engines. To force a rebuild, delete ``var/test-templates/`` (on PostgreSQL
the stale template database is dropped when the next one is built).
"""

import ast
import contextlib
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import sqlite3
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT_SWITCH = "TUTORIA_TEST_TEMPLATE_DB"
# Bump when the way templates are made or stored changes: every old template is then stale.
FORMAT = 1
UNUSED_FOR = 7 * 24 * 3600  # seconds after which another key's template is removed
# This project's top-level packages (tutoria_cms, sites, tests…): only their modules are read.
PROJECT_PACKAGES = {path.parent.name for path in ROOT.glob("*/__init__.py")}
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def enabled():
    return os.environ.get(ENVIRONMENT_SWITCH, "1").strip().lower() not in {
        "0",
        "false",
        "no",
        "off",
    }


def template_dir():
    return Path(os.environ.get("TUTORIA_TEST_TEMPLATE_DIR", ROOT / "var" / "test-templates"))


# The key ---------------------------------------------------------------------------------


def template_key(alias="default"):
    """A hash of everything that decides the migrated state of database ``alias``:

    - every file of every installed app's migrations package (``MIGRATION_MODULES``
      respected), third-party apps' included;
    - the source of this project's modules the migrations import (roles, institutions,
      fields, search configuration…), followed through their own imports;
    - the name and version of every installed distribution (Django's, Wagtail's and other
      apps' ``post_migrate`` handlers, the code their migrations import);
    - every setting (a data migration may read one: the languages, the page model, the
      suite's own settings), the database's settings but its name, Python's and SQLite's
      versions.

    It is the same in every process of one run (no set's order, no object's address)."""
    digest = hashlib.sha256()

    def add(label, value):
        digest.update(f"{label}\0{value}\0".encode())

    add("format", FORMAT)
    add("python", sys.version)
    add("sqlite", sqlite3.sqlite_version)
    add("alias", alias)
    for name, version in installed_distributions():
        add("distribution", f"{name}=={version}")
    add("settings", settings_fingerprint(alias))
    migration_files = []
    for label, files in migration_packages():
        add("app", label)
        for path in files:
            add(path.name, file_hash(path))
            migration_files.append(path)
    # Installed packages' migrations import no module of this project: start from ours.
    ours = [path for path in migration_files if is_project_file(path)]
    for path in project_modules_imported_by(ours):
        add(path.relative_to(ROOT).as_posix(), file_hash(path))
    return digest.hexdigest()


def file_hash(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def installed_distributions():
    return sorted(
        {(dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()}
    )


def migration_packages():
    """(app label, [its migration package's .py files, sorted]) for every installed app."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    for app_config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(app_config.label)
        files = []
        if module_name:
            with contextlib.suppress(ImportError, ValueError):
                spec = importlib.util.find_spec(module_name)
                if spec and spec.submodule_search_locations:
                    for location in spec.submodule_search_locations:
                        files += sorted(Path(location).glob("*.py"))
        yield app_config.label, files


def settings_fingerprint(alias):
    """Every setting as stable JSON; of the databases, only ``alias``'s settings, its name
    and test name left out (they differ between workers and do not decide the state)."""
    from django.conf import settings

    values = {}
    for name in dir(settings):
        if name.isupper() and name != "DATABASES":
            values[name] = stable(getattr(settings, name))
    database = dict(settings.DATABASES[alias])
    database.pop("NAME", None)
    database["TEST"] = {k: v for k, v in database.get("TEST", {}).items() if k != "NAME"}
    values["DATABASES"] = stable(database)
    return json.dumps(values, sort_keys=True)


def stable(value):
    """``value`` as JSON-able data that is the same in every process."""
    if isinstance(value, dict):
        return {str(key): stable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [stable(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((stable(item) for item in value), key=json.dumps)
    if value is None or type(value) in {str, int, float, bool}:
        return value
    return ADDRESS.sub("", str(value))


def project_modules_imported_by(paths):
    """The files of this project's modules (not installed packages) that the Python files
    ``paths`` import, directly or through one another, sorted."""
    found = set()
    queue = list(paths)
    while queue:
        path = queue.pop()
        for name in imported_names(path):
            if name.partition(".")[0] not in PROJECT_PACKAGES:
                continue
            origin = module_file(name)
            if origin and origin not in found and is_project_file(origin):
                found.add(origin)
                queue.append(origin)
    return sorted(found)


def is_project_file(path):
    return path.is_relative_to(ROOT) and "site-packages" not in path.parts


def imported_names(path):
    """Modules named by the imports of ``path`` (``from a import b`` names ``a`` and
    ``a.b``, which may be a module), relative imports resolved."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    package = package_of(path)
    for node in statements(tree.body):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                if not package:
                    continue
                try:
                    base = importlib.util.resolve_name("." * node.level + base, package)
                except (ImportError, ValueError):
                    continue
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def statements(body):
    """Every statement of ``body``, nested ones included (imports inside functions, ``if``
    and ``try`` blocks), without walking into expressions: much faster than ``ast.walk``."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            yield from statements(getattr(node, field, ()))


def package_of(path):
    """The dotted package a file of this project belongs to ('' outside the project)."""
    if not is_project_file(path):
        return ""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts if parts[-1] == "__init__" else parts[:-1])


@functools.cache
def module_file(name):
    module = sys.modules.get(name)
    origin = getattr(module, "__file__", None) if module else None
    if origin is None and module is None:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError, AttributeError):
            return None
        origin = spec.origin if spec else None
    if not origin or not origin.endswith(".py"):
        return None
    return Path(origin).resolve()


# Building and copying --------------------------------------------------------------------


@contextlib.contextmanager
def file_lock(path):
    """An exclusive lock between processes of this machine (none where fcntl is missing:
    then two workers may both build, and the rename keeps the result whole)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Template:
    """The template of one database alias; subclasses per engine."""

    def __init__(self, connection, key):
        self.connection = connection
        self.key = key
        self.directory = template_dir()
        self.contents_path = self.directory / f"{key}.json"
        self.lock_path = self.directory / f"{key}.lock"

    @staticmethod
    def for_connection(connection):
        vendor = connection.vendor
        if vendor == "sqlite":
            return SQLiteTemplate(connection, template_key(connection.alias))
        if vendor == "postgresql":
            return PostgreSQLTemplate(connection, template_key(connection.alias))
        return None

    def exists(self):
        return self.contents_path.exists() and self.database_exists()

    def save(self):
        """Save the freshly migrated test database as the template (atomic for readers:
        the serialised contents are renamed into place last, and `exists` needs them)."""
        contents = getattr(self.connection, "_test_serialized_contents", None)
        if contents is None:
            contents = self.connection.creation.serialize_db_to_string()
            self.connection._test_serialized_contents = contents
        self.directory.mkdir(parents=True, exist_ok=True)
        self.remove_unused()
        self.save_database()
        partial = self.contents_path.with_name(f"{self.key}.json.{os.getpid()}.tmp")
        partial.write_text(contents)
        partial.replace(self.contents_path)

    def load(self, verbosity):
        """Make the test database a copy of the template, as ``create_test_db`` would have
        made it by migrating; return its ``setup_databases`` entry for the teardown."""
        connection = self.connection
        old_name = connection.settings_dict["NAME"]
        if verbosity >= 1:
            connection.creation.log(
                f"Copying test database for alias '{connection.alias}' from template "
                f"{self.key[:12]}…"
            )
        test_name = self.copy_database()
        from django.conf import settings

        settings.DATABASES[connection.alias]["NAME"] = test_name
        connection.settings_dict["NAME"] = test_name
        connection._test_serialized_contents = self.contents_path.read_text()
        connection.ensure_connection()
        os.utime(self.contents_path)  # used: not removed as unused
        return (connection, old_name, True)

    def remove_unused(self):
        """Remove the files of other keys whose serialised contents (touched by every copy)
        were not used for a week, or are missing."""
        now = time.time()
        by_key = {}
        for path in self.directory.iterdir():
            by_key.setdefault(path.name.split(".", 1)[0], []).append(path)
        for key, paths in by_key.items():
            used = [p.stat().st_mtime for p in paths if p.name.endswith(".json")]
            if key != self.key and now - max(used, default=0) > UNUSED_FOR:
                for path in paths:
                    with contextlib.suppress(OSError):
                        path.unlink()


class SQLiteTemplate(Template):
    def __init__(self, connection, key):
        super().__init__(connection, key)
        self.database_path = self.directory / f"{key}.sqlite3"

    def database_exists(self):
        return self.database_path.exists()

    def save_database(self):
        partial = self.database_path.with_name(f"{self.key}.sqlite3.{os.getpid()}.tmp")
        target = sqlite3.connect(partial)
        try:
            self.connection.ensure_connection()
            self.connection.connection.backup(target)
        finally:
            target.close()
        partial.replace(self.database_path)

    def copy_database(self):
        creation = self.connection.creation
        # In memory: file:memorydb_default?mode=memory&cache=shared. A file: removed first.
        test_name = creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        self.connection.close()
        self.connection.settings_dict["NAME"] = test_name
        self.connection.ensure_connection()
        source = sqlite3.connect(f"file:{self.database_path}?mode=ro", uri=True)
        try:
            source.backup(self.connection.connection)
        finally:
            source.close()
        return test_name


class PostgreSQLTemplate(Template):
    """``CREATE DATABASE <test database> TEMPLATE <template database>``. PostgreSQL copies
    a database only while nobody is connected to it: the builder closes its connection
    first, and nobody else ever connects to a template."""

    def __init__(self, connection, key):
        super().__init__(connection, key)
        base = (
            connection.settings_dict["TEST"].get("NAME")
            or f"test_{connection.settings_dict['NAME']}"
        )
        # Without pytest-xdist's _gw0 suffix: the workers of one run share the template.
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker and base.endswith(f"_{worker}"):
            base = base.removesuffix(f"_{worker}")
        self.prefix = f"{base[:40]}_tpl_"
        self.database_name = f"{self.prefix}{key[:16]}"
        # The file lock and the serialised contents are per server and database, too.
        self.contents_path = self.directory / f"{key}.{self.database_name}.json"

    def database_exists(self):
        with self.connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.database_name])
            return cursor.fetchone() is not None

    def save_database(self):
        quote = self.connection.ops.quote_name
        source = self.connection.settings_dict["NAME"]
        partial = f"{self.database_name}_tmp"
        self.connection.close()
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                [self.prefix.replace("_", r"\_") + "%"],
            )
            # Another key's template, an interrupted build, or this key's template without
            # its serialised contents (built from another machine): all rebuilt or dropped.
            for (name,) in cursor.fetchall():
                with contextlib.suppress(Exception):
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(partial)} TEMPLATE {quote(source)}")
            cursor.execute(f"ALTER DATABASE {quote(partial)} RENAME TO {quote(self.database_name)}")
        self.connection.ensure_connection()

    def copy_database(self):
        quote = self.connection.ops.quote_name
        test_name = self.connection.creation._get_test_db_name()
        self.connection.close()
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
            cursor.execute(
                f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(self.database_name)}"
            )
        return test_name


# The fixture's work ----------------------------------------------------------------------


def templates_for(aliases):
    """The templates of the databases to set up, or None when templates cannot stand in for
    migrating them (then pytest-django migrates as usual)."""
    from django.db import connections
    from django.test.utils import get_unique_databases_and_mirrors

    test_databases, mirrored_aliases = get_unique_databases_and_mirrors(aliases)
    if mirrored_aliases or any(len(group) > 1 for _name, group in test_databases.values()):
        return None
    templates = []
    for _name, (alias,) in test_databases.values():
        connection = connections[alias]
        if connection.settings_dict["TEST"].get("MIGRATE") is False:
            return None
        template = Template.for_connection(connection)
        if template is None:
            return None
        templates.append(template)
    return templates


def setup(request, django_db_blocker):
    """The body of the ``django_db_setup`` fixture (tests/conftest.py): a generator."""
    from django.test.utils import teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    config = request.config
    if not enabled() or config.getvalue("reuse_db") or config.getvalue("nomigrations"):
        yield request.getfixturevalue("django_db_setup")  # pytest-django's: migrate
        return

    aliases, _serialized = _get_databases_for_setup(request.session.items)
    verbosity = config.option.verbose
    with django_db_blocker.unblock():
        templates = templates_for(aliases)
    if not templates:
        yield request.getfixturevalue("django_db_setup")
        return

    # One lock for the whole set (one database in this project): the first worker migrates
    # with pytest-django's fixture and saves; the others find the templates and copy them.
    db_cfg = None
    with file_lock(templates[0].lock_path):
        with django_db_blocker.unblock():
            ready = all(template.exists() for template in templates)
        if ready:
            with django_db_blocker.unblock():
                db_cfg = [template.load(verbosity) for template in templates]
        else:
            request.getfixturevalue("django_db_setup")  # migrates; tears down at the end
            with django_db_blocker.unblock():
                for template in templates:
                    template.save()

    yield

    if db_cfg is None:
        return  # built here: pytest-django's fixture destroys the databases it created
    with django_db_blocker.unblock():
        try:
            teardown_databases(db_cfg, verbosity=verbosity)
        except Exception as exc:  # noqa: BLE001 -- reported as pytest-django reports it
            request.node.warn(
                pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}")
            )
