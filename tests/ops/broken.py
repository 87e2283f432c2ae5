"""Dependencies that fail, for the health check's 503 cases. Their errors carry a made-up
credential: the health check's answer must never show it."""

from django.core.files.storage import InMemoryStorage

LEAKED = "hunter2-s3cr3t"


class BrokenStorage(InMemoryStorage):
    def exists(self, name):
        raise OSError(f"cannot reach https://AKIA:{LEAKED}@bucket.example.edu/")


class BrokenCursor:
    def __enter__(self):
        raise ConnectionError(f'connection to "db.internal" failed: password={LEAKED}')

    def __exit__(self, *exc):
        return False


class BrokenConnection:
    def cursor(self):
        return BrokenCursor()


class BrokenConnections(dict):
    def __getitem__(self, alias):
        return BrokenConnection()
