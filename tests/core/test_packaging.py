"""Packaging: every import of the package is declared, and the version is written once."""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import tutoria_cms

ROOT = Path(__file__).resolve().parent.parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# Extras for the package's own optional parts (not the site's, the tests' or the bench's).
PACKAGE_EXTRAS = ("mentoring", "speedups", "modeladmin", "certificates", "students")


def requirement_name(requirement):
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared(*extras):
    names = {requirement_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for extra in extras:
        names |= {requirement_name(r) for r in PYPROJECT["project"]["optional-dependencies"][extra]}
    return names


def imported_modules():
    """Top-level modules the package imports (at module level or inside functions)."""
    found = {}
    for path in (ROOT / "tutoria_cms").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], path.relative_to(ROOT))
    return found


def test_every_third_party_import_is_declared():
    distributions = metadata.packages_distributions()
    ours = declared(*PACKAGE_EXTRAS)
    undeclared = []
    for module, where in sorted(imported_modules().items()):
        if module in sys.stdlib_module_names or module == "tutoria_cms":
            continue
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not names & ours:
            undeclared.append(f"{module} ({where}; distribution {sorted(names)})")
    assert undeclared == []


def test_the_control_finds_what_the_package_imports():
    modules = imported_modules()
    for module in ("swapper", "django_tasks", "django_filters", "taggit", "modelcluster"):
        assert module in modules
    assert {"swapper", "django-tasks", "django-filter", "django-taggit"} <= declared()


def test_optional_parts_are_extras_not_dependencies():
    required = declared()
    assert (
        not {"scipy", "numpy", "lxml", "wagtail-modeladmin", "weasyprint", "django-allauth"}
        & required
    )
    assert {"scipy", "numpy"} <= declared("mentoring") - required
    assert "lxml" in declared("speedups")
    assert "wagtail-modeladmin" in declared("modeladmin")
    assert "weasyprint" in declared("certificates")
    assert "django-allauth" in declared("students") - required
    # The example site and the tests use every optional part.
    extras = PYPROJECT["project"]["optional-dependencies"]
    for extra in ("site", "dev"):
        for part in PACKAGE_EXTRAS:
            assert any(part in r and r.startswith("tutoria-cms[") for r in extras[extra]), extra


def test_the_version_is_written_once():
    assert "version" not in PYPROJECT["project"]
    assert "version" in PYPROJECT["project"]["dynamic"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "tutoria_cms.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|(a|b|rc)\d+)?", tutoria_cms.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
