"""Vocabulary of partnerships (vinculación / vinculação, seed 002).

Stored values are English codes; labels are translated (es, pt-BR).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    EDUCATIONAL = "educational", _("Educational")
    SOCIAL = "social", _("Social")
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class Purpose(models.TextChoices):
    """What an agreement brings (seed 002, "apoyos")."""

    SCHOLARSHIPS = "scholarships", _("Scholarships")
    ACADEMIC_EXCHANGE = "academic_exchange", _("Academic exchanges")
    CULTURAL_EXCHANGE = "cultural_exchange", _("Cultural exchanges")
    SPORTS_EXCHANGE = "sports_exchange", _("Sports exchanges")
    EQUIPMENT = "equipment", _("Equipment and teaching materials")
    INTERNSHIPS = "internships", _("Professional internships")
    STAYS = "stays", _("Stays")
    SOCIAL_SERVICE = "social_service", _("Social service")
    ACTIVITIES = "activities", _("Cultural, sports and recreational activities")


class Stage(models.TextChoices):
    """The five stages of seed 002, in order."""

    PLANNING = "planning", _("Planning")
    PROGRAMMING = "programming", _("Programming")
    EXECUTION = "execution", _("Execution (signature)")
    FOLLOW_UP = "follow_up", _("Follow-up")
    EVALUATION = "evaluation", _("Evaluation")


STAGE_ORDER = [stage.value for stage in Stage]

# The product each stage must deliver before it is completed (seed 002, "producto").
DELIVERABLES = {
    Stage.PLANNING: _("diagnosis of potential"),
    Stage.PROGRAMMING: _("partnership programme"),
    Stage.EXECUTION: _("signed agreement"),
    Stage.FOLLOW_UP: _("follow-up report"),
    Stage.EVALUATION: _("assessment of coverage, quality, relevance and equity"),
}


class CurrentStage(models.TextChoices):
    """Where an agreement is: the first stage not completed, or done."""

    PLANNING = Stage.PLANNING.value, Stage.PLANNING.label
    PROGRAMMING = Stage.PROGRAMMING.value, Stage.PROGRAMMING.label
    EXECUTION = Stage.EXECUTION.value, Stage.EXECUTION.label
    FOLLOW_UP = Stage.FOLLOW_UP.value, Stage.FOLLOW_UP.label
    EVALUATION = Stage.EVALUATION.value, Stage.EVALUATION.label
    DONE = "done", _("Evaluated (every stage completed)")


class StageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Party(models.TextChoices):
    INSTITUTION = "institution", _("Our institution")
    PARTNER = "partner", _("Partner")
