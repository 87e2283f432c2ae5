"""The bench's PostgreSQL: a private cluster in a temporary directory, or a given server.

A private cluster (``initdb`` in a temporary directory, listening on 127.0.0.1 on a free
port) is the default: the fault phase restarts it without disturbing anybody else's database
on the machine. PostgreSQL refuses to run as root, so as root the cluster runs as the
``postgres`` system user (``runuser``), which Debian's package creates.
"""

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def free_port():
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_bindir(explicit=None):
    """The directory of initdb and pg_ctl: given, on PATH, or Debian's newest version."""
    if explicit:
        return Path(explicit)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    raise RuntimeError(
        "initdb was not found: install PostgreSQL (apt-get install postgresql), pass --pg-bin, "
        "or give an existing server with --database-url."
    )


def _run(command, output):
    """Run ``command`` with its output appended to the file ``output`` (never to pipes: the
    server that ``pg_ctl`` starts would keep them open); raise with its output on failure."""
    with open(output, "a") as stream:
        start = stream.tell()
        result = subprocess.run(  # noqa: S603
            command, stdin=subprocess.DEVNULL, stdout=stream, stderr=subprocess.STDOUT
        )
    if result.returncode:
        with open(output) as stream:
            stream.seek(start)
            raise RuntimeError(f"{' '.join(command)} failed:\n{stream.read()[-2000:]}")


class PrivateCluster:
    """``initdb`` + ``pg_ctl`` in a temporary directory; ``restart()`` for the fault phase."""

    user = "bench"

    def __init__(self, bindir=None, port=None):
        self.bindir = find_bindir(bindir)
        self.port = port or free_port()
        self.password = secrets.token_urlsafe(18)
        self.directory = None
        self.run_as = None
        if os.geteuid() == 0:
            try:
                self.run_as = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "PostgreSQL does not run as root and there is no 'postgres' user: create "
                    "one, run the bench as another user, or pass --database-url."
                ) from None

    @property
    def data(self):
        return self.directory / "data"

    @property
    def log_file(self):
        return self.directory / "postgresql.log"

    def _command(self, program, *args):
        command = [str(self.bindir / program), *args]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as.pw_name, "--", *command]
        return command

    def _pg(self, program, *args):
        _run(self._command(program, *args), self.directory / "pg_ctl.log")

    def start(self):
        self.directory = Path(tempfile.mkdtemp(prefix="tutoria-load-pg-"))
        password_file = self.directory / "password"
        password_file.write_text(self.password + "\n")
        if self.run_as is not None:
            for path in (self.directory, password_file):
                os.chown(path, self.run_as.pw_uid, self.run_as.pw_gid)
        self._pg(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            self.user,
            "--pwfile",
            str(password_file),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        password_file.unlink()
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.directory}",
                "-c max_connections=200",
            ]
        )
        self._pg(
            "pg_ctl",
            "start",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log_file),
            "--wait",
            "--options",
            options,
        )
        return self

    def url(self, database="postgres"):
        return f"postgres://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        create_database(self.url(), name)
        return self.url(name)

    def restart(self):
        """Restart the server (fast mode: sessions are cut); returns (began, ended) times."""
        began = time.time()
        self._pg(
            "pg_ctl",
            "restart",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log_file),
            "--mode",
            "fast",
            "--wait",
        )
        return began, time.time()

    def stop(self):
        if self.directory is None:
            return
        with contextlib.suppress(RuntimeError):
            self._pg("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "fast", "--wait")
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None


class ExternalServer:
    """A server given by URL: the bench creates its own database there and drops it after.

    It is not restarted unless ``restart_command`` is given (a shell command, e.g.
    ``pg_ctlcluster 15 main restart``): other people's sessions on it would be cut too.
    """

    def __init__(self, url, restart_command=None):
        self.base_url = url
        self.restart_command = restart_command
        self.database = None

    def start(self):
        return self

    def url(self, database):
        parts = urlsplit(self.base_url)
        return urlunsplit(parts._replace(path=f"/{database}"))

    def create_database(self, name):
        # A shared server: never replace a database that exists (CREATE fails instead).
        create_database(self.url("postgres"), name, replace=False)
        self.database = name
        return self.url(name)

    @property
    def can_restart(self):
        return bool(self.restart_command)

    def restart(self):
        began = time.time()
        subprocess.run(self.restart_command, shell=True, check=True)  # noqa: S602
        return began, time.time()

    def stop(self):
        if self.database:
            drop_database(self.url("postgres"), self.database)
            self.database = None


PrivateCluster.can_restart = True


def _admin_connection(url):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def _ident(name):
    if not name.replace("_", "").isalnum():
        raise ValueError(f"Unexpected database name {name!r}")
    return f'"{name}"'


def create_database(admin_url, name, replace=True):
    with _admin_connection(admin_url) as connection:
        if replace:
            connection.execute(f"DROP DATABASE IF EXISTS {_ident(name)} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {_ident(name)}")


def drop_database(admin_url, name):
    with _admin_connection(admin_url) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {_ident(name)} WITH (FORCE)")
