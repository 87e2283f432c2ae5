"""The pieces behind the README's two commands and the deployment settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env=None):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "PSEUDONYMISATION_KEY"}
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "demo",
            [
                "manage.py migrate",
                "manage.py load_tutoria_demo --addr 127.0.0.1:8000",
                "manage.py runserver 127.0.0.1:8000",
            ],
        ),
        ("test", ["-m pytest"]),
    ],
)
def test_make_targets_install_then_run(target, expected, tmp_path):
    result = subprocess.run(
        ["make", "-n", target, f"VENV={tmp_path}/venv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "-m venv" in result.stdout
    assert "pip install" in result.stdout and ".[dev,postgres]" in result.stdout
    for piece in expected:
        assert piece in result.stdout
    assert result.stdout.index("pip install") < result.stdout.index(expected[0])


def test_make_demo_follows_addr(tmp_path):
    result = subprocess.run(
        ["make", "-n", "demo", f"VENV={tmp_path}/venv", "ADDR=127.0.0.1:8101"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "manage.py load_tutoria_demo --addr 127.0.0.1:8101" in result.stdout
    assert "manage.py runserver 127.0.0.1:8101" in result.stdout


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "sites.settings.production",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Qp" * 12,
    "ALLOWED_HOSTS": "tutorias.example.edu",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "PSEUDONYMISATION_KEY": "an-independent-pseudonym-key-" + "k9Zr" * 8},
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "tutoria_core.W002"),
        (PRODUCTION["SECRET_KEY"], "tutoria_core.W003"),
        ("short-key", "tutoria_core.W004"),
    ],
)
def test_deploy_check_wants_an_independent_pseudonymisation_key(key, message):
    """Pseudonyms derived from SECRET_KEY would all change when the secret key is rotated."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "PSEUDONYMISATION_KEY": key},
    )
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
    # Outside --deploy the development default (derived key) is fine.
    assert run_manage("check", env={**PRODUCTION, "PSEUDONYMISATION_KEY": key}).returncode == 0


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "sites.settings.production",
            "ALLOWED_HOSTS": "tutorias.example.edu",
        },
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_persistent_connections_are_checked_before_reuse():
    """With CONN_MAX_AGE, a connection that died (database restarted) is replaced at the start
    of the next request instead of failing it (bench/load restarts PostgreSQL under load)."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "sites.settings.production",
            "SECRET_KEY": "a-long-random-production-key-" + "x7Qp" * 12,
            "ALLOWED_HOSTS": "tutorias.example.edu",
            "DATABASE_URL": "postgres://tutoria:secret@db.example.edu:5432/tutoria",
            "CONN_MAX_AGE": "60",
        }
    )
    code = (
        "import json; from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[60, true]"
