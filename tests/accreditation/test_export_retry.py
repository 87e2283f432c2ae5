"""An evidence export's task run twice (a retry, a second worker) builds one workbook."""

from unittest import mock

import pytest
from django.test import override_settings

from tests import factories
from tests.accreditation.conftest import range_filters
from tutoria_cms.accreditation import services
from tutoria_cms.accreditation.models import ExportJob
from tutoria_cms.core import roles

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued_job(db):
    quality = factories.UserFactory(username="calidad", groups=[roles.QUALITY])
    with override_settings(TASKS=DUMMY):  # queued, not run
        job = services.start_export(quality, range_filters())
    assert job.status == ExportJob.Status.QUEUED
    return job


def test_a_second_run_of_a_finished_job_builds_nothing(queued_job):
    with mock.patch.object(services, "build_workbook", wraps=services.build_workbook) as build:
        assert services.run_job(queued_job.pk).status == ExportJob.Status.DONE
        first = ExportJob.objects.get(pk=queued_job.pk).file.name
        assert services.run_job(queued_job.pk).status == ExportJob.Status.DONE
    assert build.call_count == 1
    assert ExportJob.objects.get(pk=queued_job.pk).file.name == first


def test_two_runs_at_once_build_one_workbook(queued_job):
    """Another worker runs the same job right after this one read it: only the run that
    claimed the job (queued -> running) builds."""
    manager = ExportJob.objects
    real_select_related = manager.select_related
    other_worker = []

    class Reading:
        def __init__(self, *args):
            self.queryset = real_select_related(*args)

        def get(self, **kwargs):
            job = self.queryset.get(**kwargs)
            if not other_worker:  # the other worker, between this read and this run's start
                other_worker.append(job.pk)
                services.run_job(job.pk)
            return job

    with (
        mock.patch.object(manager, "select_related", side_effect=Reading),
        mock.patch.object(services, "build_workbook", wraps=services.build_workbook) as build,
    ):
        services.run_job(queued_job.pk)
    assert build.call_count == 1
    assert ExportJob.objects.get(pk=queued_job.pk).status == ExportJob.Status.DONE
