"""System checks of ``tutoria_cms.workshops``: the apps it needs are installed, and
WeasyPrint for certificates."""

from django.core import checks

from tutoria_cms.core.checks import require_apps

check_required_apps = require_apps(
    "tutoria_cms.workshops",
    "tutoria_workshops",
    {
        "tutoria_cms.core": "shared fields, text cleaning, roles and settings",
        "tutoria_cms.programmes": "a workshop page lives under a programme page",
        "tutoria_cms.academics": "a term certificate names its term and student record",
        "simple_history": "history of every tracked record",
    },
)


@checks.register(checks.Tags.compatibility)
def check_weasyprint(app_configs=None, **kwargs):
    """Certificates are PDF made by WeasyPrint (the `certificates` extra).

    A warning, not an error: the rest of the app works without it (only issuing and
    downloading certificates fail, with a message); the verification page works.
    """
    if app_configs is not None and not any(c.name == "tutoria_cms.workshops" for c in app_configs):
        return []
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint without pango
        return [
            checks.Warning(
                f"tutoria_cms.workshops makes certificates with WeasyPrint, which cannot be "
                f"imported ({exc}).",
                hint='Install the certificates extra: pip install "tutoria-cms[certificates]" '
                "(and pango, e.g. Debian's libpango-1.0-0 and libpangoft2-1.0-0).",
                obj="tutoria_cms.workshops",
                id="tutoria_workshops.W011",
            )
        ]
    return []
