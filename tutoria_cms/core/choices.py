"""The suite's shared vocabulary (seeds 000, 001, 003; DESIGN.md glossary).

Stored values are English codes; labels are translated (es, pt-BR).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AttentionType(models.TextChoices):
    GROUP = "group", _("Group tutoring")
    INDIVIDUAL = "individual", _("Individual tutoring")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    EMAIL_POST = "email_post", _("At a distance: e-mail or post")
    TELEPHONE = "telephone", _("At a distance: telephone")
    VIDEO = "video", _("At a distance: video call")


class LearningPillar(models.TextChoices):
    """Delors' four pillars of learning, as seed 000 lists them."""

    KNOW = "know", _("Learning to know")
    DO = "do", _("Learning to do")
    LIVE_TOGETHER = "live_together", _("Learning to live together")
    BE = "be", _("Learning to be")


class TutoringReason(models.TextChoices):
    """Why students ask for tutoring (seed 001), plus academic performance."""

    SOCIOCULTURAL = "sociocultural", _("Sociocultural adaptation")
    LOW_INCOME = "low_income", _("Low income")
    HEALTH = "health", _("Physical or health condition")
    EMOTIONAL = "emotional", _("Emotional difficulties")
    FAMILY_SUBSTANCE = "family_substance", _("Family problems or substance use")
    CAREER_DOUBTS = "career_doubts", _("Doubts about the career")
    ACADEMIC = "academic", _("Academic performance")


class ProgrammeKind(models.TextChoices):
    TUTORING_ACTION_PLAN = "action_plan", _("Institutional tutoring action plan")
    PEER_MENTORING = "peer_mentoring", _("Peer mentoring")
    INDIVIDUAL_CLASSES = "individual_classes", _("Individual teaching classes")
    OTHER = "other", pgettext_lazy("programme kind", "Other")


class WorkshopTopic(models.TextChoices):
    INTEGRATION = "integration", _("Integration of new students into the institution")
    COOPERATIVE_WORK = "cooperative_work", _("Cooperative work")
    STUDY_TECHNIQUES = "study_techniques", _("Study techniques")
    COGNITIVE_SKILLS = "cognitive_skills", _("Cognitive skills")
    LEARNING_STYLES = "learning_styles", _("Learning styles")
    OTHER = "other", pgettext_lazy("workshop topic", "Other")


class WorkshopFormat(models.TextChoices):
    TALK = "talk", _("Talk")
    LECTURE = "lecture", _("Lecture")
    TEST = "test", _("Test")
    GROUP_TECHNIQUE = "group_technique", _("Group technique")
    SEMINAR = "seminar", _("Seminar")
    TRAINING = "training", _("Training")
    REMEDIAL_COURSE = "remedial_course", _("Remedial course")
