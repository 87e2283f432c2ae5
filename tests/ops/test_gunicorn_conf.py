"""gunicorn.conf.py: values from the environment, a bounded number of workers, the request's
id in the access log."""

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS")


def load(monkeypatch, **env):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_defaults(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 64)
    conf = load(monkeypatch)
    assert conf["bind"] == ["0.0.0.0:8000"]
    assert conf["workers"] == 12  # 2 x 64 + 1, capped
    assert conf["timeout"] == 60
    assert conf["forwarded_allow_ips"] == "127.0.0.1"
    assert "%({x-request-id}o)s" in conf["access_log_format"]
    assert "%({x-forwarded-for}i)s" in conf["access_log_format"]


def test_small_machine(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    assert load(monkeypatch)["workers"] == 5


def test_from_the_environment(monkeypatch):
    conf = load(
        monkeypatch,
        GUNICORN_BIND="10.0.1.5:8000,unix:/run/tutoria.sock",
        GUNICORN_WORKERS="3",
        GUNICORN_TIMEOUT="30",
        FORWARDED_ALLOW_IPS="10.0.0.0/8",
    )
    assert conf["bind"] == ["10.0.1.5:8000", "unix:/run/tutoria.sock"]
    assert conf["workers"] == 3 and conf["timeout"] == 30
    assert conf["forwarded_allow_ips"] == "10.0.0.0/8"
