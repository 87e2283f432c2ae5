"""Vocabulary of the tutor directory (seed 001)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TutorType(models.TextChoices):
    """The kinds of tutor seed 001 describes, by their most relevant traits."""

    DIDACTIC = "didactic", _("Didactic")
    FORMATIVE = "formative", _("Formative")
    INTERPERSONAL = "interpersonal", _("Interpersonal")
    COGNITIVE = "cognitive", _("Cognitive")
    ETHICAL = "ethical", _("Ethical")
