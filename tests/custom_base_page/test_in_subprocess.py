"""A site with its own base page (``WAGTAIL_PAGE_MODEL``) can use the suite's pages from their
mixins (README, "Sites with their own base page"): the checks, the migrations and the page
tests pass under ``tests.custom_base_page.settings``, each in a subprocess (other settings)."""

from tests import factories

SETTINGS = "tests.custom_base_page.settings"


def run(*args, timeout=900):
    return factories.run_with_settings(SETTINGS, *args, timeout=timeout)


def test_system_checks_and_migrations_pass_with_a_custom_base_page():
    result = run("manage.py", "check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    result = run("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_page_tests_pass_on_a_custom_base_page():
    result = run(
        "-m",
        "pytest",
        "-q",
        "tests/custom_base_page",
        "-p",
        "no:cacheprovider",
        f"--ds={SETTINGS}",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
