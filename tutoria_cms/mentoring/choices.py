"""The vocabulary of peer mentoring (seed 003): roles, experience, availability, statuses."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ParticipantRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class ExperienceLevel(models.IntegerChoices):
    """How far into their studies (or their experience of university life) a participant is."""

    NEWCOMER = 0, _("New to the university")
    INTERMEDIATE = 1, _("One year or more")
    ADVANCED = 2, _("Two years or more")
    GRADUATING = 3, _("Close to graduating")


DAYS = (
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
)
PARTS_OF_DAY = (
    ("am", _("morning")),
    ("pm", _("afternoon")),
    ("ev", _("evening")),
)
# Availability slots: a weekday and a part of the day ("mon_am": Monday morning).
AVAILABILITY_CHOICES = [
    (f"{day}_{part}", format_lazy("{} ({})", day_label, part_label))
    for day, day_label in DAYS
    for part, part_label in PARTS_OF_DAY
]
AVAILABILITY_LABELS = dict(AVAILABILITY_CHOICES)


class PairStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", pgettext_lazy("mentoring pair", "Confirmed")
    REJECTED = "rejected", _("Rejected")
    REMATCHED = "rematched", _("Ended: rematched")
    CLOSED = "closed", pgettext_lazy("pair status", "Closed")


# A mentee has at most one pair in these statuses (a unique constraint says so).
ACTIVE_PAIR_STATUSES = (PairStatus.SUGGESTED, PairStatus.CONFIRMED)
# Pairs whose mentor and mentee have met: visible to them.
STARTED_PAIR_STATUSES = (PairStatus.CONFIRMED, PairStatus.REMATCHED, PairStatus.CLOSED)


class GoalStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", pgettext_lazy("mentoring pair", "Cancelled")


RATING_CHOICES = [
    (1, _("1: no progress")),
    (2, _("2: a little progress")),
    (3, _("3: some progress")),
    (4, _("4: good progress")),
    (5, _("5: goal reached")),
]
