"""The deployment's files and their documentation agree (docs/deployment.md)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "deployment.md").read_text() + (ROOT / "docs" / "settings.md").read_text()
READ = re.compile(
    r"""(?:environ(?:\.get)?\(\s*|environ\[\s*|env_list\(\s*|env_bool\(\s*|_int\(\s*)"([A-Z][A-Z0-9_]+)\""""
)


def variables_read():
    files = [*(ROOT / "sites").rglob("*.py"), ROOT / "gunicorn.conf.py"]
    found = {}
    for path in files:
        for name in READ.findall(path.read_text()):
            found.setdefault(name, path.relative_to(ROOT))
    return found


def test_every_environment_variable_is_documented():
    found = variables_read()
    # The control: variables of the settings, of production and of gunicorn are found.
    assert {"DATABASE_URL", "CACHE_URL", "AWS_STORAGE_BUCKET_NAME", "GUNICORN_WORKERS"} <= set(
        found
    )
    undocumented = sorted(f"{name} ({where})" for name, where in found.items() if name not in DOCS)
    assert undocumented == []


def test_compose_has_the_topology():
    compose = (ROOT / "deploy" / "compose.yaml").read_text()
    services = set(re.findall(r"^  ([a-z][a-z-]*):$", compose, re.MULTILINE))
    assert {"lb", "web", "worker", "db", "redis", "objects"} <= services
    assert 'command: ["python", "manage.py", "db_worker"]' in compose
    assert "replicas: 2" in compose
    assert "/health/" in compose
    for variable in ("CACHE_URL", "AWS_STORAGE_BUCKET_NAME", "LOG_FORMAT", "LOGIN_PROXY_COUNT"):
        assert f"    {variable}: " in compose, variable
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "X-Request-ID $request_id" in nginx and "location = /metrics" in nginx
