"""Background tasks (django-tasks, which Wagtail uses): building evidence workbooks."""

from django_tasks import task


@task()
def run_export_job(job_id):
    from .services import run_job

    job = run_job(job_id)
    return job.status
