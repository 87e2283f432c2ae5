"""The suite works without the evidence browser installed (it is optional)."""

from django.apps import apps

from tests import factories

SETTINGS = "sites.settings.test_without_modeladmin"


def run(*args, timeout=600):
    return factories.run_with_settings(SETTINGS, *args, timeout=timeout)


def test_the_settings_leave_the_browser_out():
    from sites.settings import test_without_modeladmin

    assert "tutoria_cms.contrib.modeladmin" not in test_without_modeladmin.INSTALLED_APPS
    assert "wagtail_modeladmin" not in test_without_modeladmin.INSTALLED_APPS
    assert apps.is_installed("tutoria_cms.contrib.modeladmin")  # but this run has it


def test_system_checks_pass_without_the_browser():
    result = run("manage.py", "check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    result = run("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_request_workflow_tests_pass_without_the_browser():
    result = run(
        "-m",
        "pytest",
        "-q",
        "tests/requests/test_workflow.py",
        "-p",
        "no:cacheprovider",
        f"--ds={SETTINGS}",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
