"""System checks for ``settings.TUTORIA_CMS``."""

import re

from django.conf import settings
from django.core import checks

from .conf import DEFAULTS


@checks.register(checks.Tags.compatibility)
def check_tutoria_settings(app_configs=None, **kwargs):
    errors = []
    user = getattr(settings, "TUTORIA_CMS", None)
    if user is None:
        return errors
    if not isinstance(user, dict):
        return [
            checks.Error(
                "TUTORIA_CMS must be a dict.",
                hint="See tutoria_cms.core.conf for the keys and their defaults.",
                id="tutoria_core.E001",
            )
        ]
    for key in sorted(set(user) - set(DEFAULTS)):
        errors.append(
            checks.Warning(
                f"TUTORIA_CMS has an unknown key {key!r}.",
                hint=f"Known keys: {', '.join(sorted(DEFAULTS))}.",
                id="tutoria_core.W001",
            )
        )
    pattern = user.get("STUDENT_NUMBER_PATTERN", DEFAULTS["STUDENT_NUMBER_PATTERN"])
    try:
        re.compile(pattern)
    except (re.error, TypeError) as exc:
        errors.append(
            checks.Error(
                f"TUTORIA_CMS['STUDENT_NUMBER_PATTERN'] is not a valid regular expression: {exc}",
                id="tutoria_core.E002",
            )
        )
    positive = (
        "MAX_NAME_LENGTH",
        "SMALL_CELL_THRESHOLD",
        "PROGRAMME_UPCOMING_WORKSHOPS",
        "IMPORT_MAX_BYTES",
        "IMPORT_MAX_UNCOMPRESSED_BYTES",
        "IMPORT_MAX_ROWS",
        "RETENTION_YEARS",
        "TREND_TERMS",
    )
    for key in positive:
        value = user.get(key, DEFAULTS[key])
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(
                checks.Error(
                    f"TUTORIA_CMS[{key!r}] must be a positive whole number, not {value!r}.",
                    id="tutoria_core.E003",
                )
            )
    return errors
