"""System checks of ``tutoria_cms.mentoring``: the apps it needs are installed, and scipy."""

from django.core import checks

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.mentoring",
    "tutoria_mentoring",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
        "tutoria_cms.academics": "participants are student records",
        "tutoria_cms.requests": "participants come from peer-mentoring requests",
        "simple_history": "history of every tracked record",
    },
)


@checks.register(checks.Tags.compatibility)
def check_scipy(app_configs=None, **kwargs):
    """Suggested pairs are an optimal assignment computed by scipy (the `mentoring` extra)."""
    if app_configs is not None and not any(c.name == "tutoria_cms.mentoring" for c in app_configs):
        return []
    try:
        import numpy  # noqa: F401
        from scipy.optimize import linear_sum_assignment  # noqa: F401
    except ImportError as exc:
        return [
            checks.Error(
                f"tutoria_cms.mentoring needs scipy and numpy, which cannot be imported ({exc}).",
                hint='Install the mentoring extra: pip install "tutoria-cms[mentoring]".',
                obj="tutoria_cms.mentoring",
                id="tutoria_mentoring.E011",
            )
        ]
    return []
