"""The suite's private storage: files that must never be under a URL the web server hands out.

Academic-records uploads (until their preview is confirmed) and evidence workbooks go to the
storage alias ``STORAGES["tutoria_private"]`` and are read only through Django's storage API
(names, never paths), so any backend works: a ``FileSystemStorage`` outside ``MEDIA_ROOT``
without ``base_url`` (the example site's default), or S3 through django-storages with a
private bucket. They are served only by views that check permissions (``FileResponse`` as an
attachment).
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE_ALIAS = "tutoria_private"


class PrivateStorage(LazyObject):
    """``storages["tutoria_private"]``, looked up when first used (and again after
    ``override_settings(STORAGES=...)``), so that a ``FileField`` can hold it."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private_storage = PrivateStorage()


def private_storage():
    """The private storage (a callable, so that migrations stay the same whatever backend)."""
    return _private_storage


@receiver(setting_changed)
def _reset_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


def files_older_than(directory, cutoff, storage=None):
    """Names of the files under ``directory`` (recursively) last modified before ``cutoff``,
    through the storage API only (no paths)."""
    storage = storage or private_storage()
    try:
        folders, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return []
    old = []
    for name in files:
        path = f"{directory}/{name}"
        if storage.get_modified_time(path) < cutoff:
            old.append(path)
    for folder in folders:
        old.extend(files_older_than(f"{directory}/{folder}", cutoff, storage))
    return old


class PrivateFieldFile(FieldFile):
    """A file of the private storage: read through the storage API only.

    It has no local path and no URL, whatever the backend (``FileSystemStorage`` or
    ``InMemoryStorage`` would give one): code that serves it (Wagtail's document view among
    them) streams it from ``open()`` after its own permission checks.
    """

    @property
    def path(self):
        raise NotImplementedError("Private files are read through the storage API only.")

    @property
    def url(self):
        raise NotImplementedError("Private files have no URL: a view serves them after a check.")


class PrivateFileField(models.FileField):
    """A ``FileField`` in the private storage (``STORAGES["tutoria_private"]``) with
    :class:`PrivateFieldFile` files (no path, no URL)."""

    attr_class = PrivateFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", private_storage)
        super().__init__(*args, **kwargs)
