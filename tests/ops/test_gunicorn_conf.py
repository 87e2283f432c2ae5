"""gunicorn.conf.py: values from the environment, a bounded number of workers, the request's
id in the access log."""

import runpy
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = (
    "GUNICORN_BIND",
    "GUNICORN_WORKERS",
    "GUNICORN_TIMEOUT",
    "FORWARDED_ALLOW_IPS",
    "PROMETHEUS_MULTIPROC_DIR",
)


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


def test_prometheus_multiprocess_mode_is_off_without_its_directory(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    conf = load(monkeypatch)
    conf["on_starting"](None)  # nothing to prepare, nothing imported
    conf["child_exit"](None, types.SimpleNamespace(pid=1234))


def test_prometheus_multiprocess_mode_clears_its_directory_and_drops_dead_workers(
    monkeypatch, tmp_path
):
    """With PROMETHEUS_MULTIPROC_DIR: the files of a previous run are removed when the server
    starts, and a worker that exits is marked dead (prometheus_client's multiprocess mode,
    as django-prometheus documents it for gunicorn)."""
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_41.db").write_bytes(b"old")
    (directory / "keep.txt").write_text("not ours")
    dead = []
    multiprocess = types.ModuleType("prometheus_client.multiprocess")
    multiprocess.mark_process_dead = dead.append
    package = types.ModuleType("prometheus_client")
    package.multiprocess = multiprocess
    monkeypatch.setitem(sys.modules, "prometheus_client", package)
    monkeypatch.setitem(sys.modules, "prometheus_client.multiprocess", multiprocess)
    conf = load(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(directory))
    conf["on_starting"](None)
    assert sorted(path.name for path in directory.iterdir()) == ["keep.txt"]
    conf["child_exit"](None, types.SimpleNamespace(pid=4321))
    assert dead == [4321]
    # A directory that does not exist yet is created.
    conf = load(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "new"))
    conf["on_starting"](None)
    assert (tmp_path / "new").is_dir()
