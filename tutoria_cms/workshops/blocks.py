"""StreamField blocks of workshop pages."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from tutoria_cms.core.models import NO_PAGE_MODEL, get_page_model_name_for

# The tutor profile page class ("tutoria_tutors.TutorProfilePage" or the site's own).
TUTOR_PROFILE_PAGE = get_page_model_name_for("tutor_profile")


class PersonBlock(blocks.StructBlock):
    """A facilitator named in free text (until the tutor directory exists)."""

    name = blocks.CharBlock(label=_("Name"), max_length=150)
    role = blocks.CharBlock(
        label=_("Role"),
        max_length=150,
        required=False,
        help_text=_("For example: tutor, psychologist, student mentor."),
    )

    class Meta:
        icon = "user"
        label = _("Person")
        template = "tutoria_cms/workshops/blocks/person_block.html"


class TutorProfileChooserBlock(blocks.PageChooserBlock):
    """Chooses a tutor's profile page from the tutor directory (``tutoria_cms.tutors``).

    Its definition does not name the page type, so workshop migrations are the same whether
    or not the directory is installed; the type is resolved when the block is used.
    """

    def __init__(self, **kwargs):
        kwargs.pop("page_type", None)
        kwargs.pop("target_model", None)
        super().__init__(**kwargs)
        known = apps.is_installed("tutoria_cms.tutors") and TUTOR_PROFILE_PAGE != NO_PAGE_MODEL
        self.page_type = [TUTOR_PROFILE_PAGE] if known else []

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not getattr(value.specific, "is_tutor_profile", False):
            raise ValidationError(_("Choose a page of the tutor directory."))
        return value


class TutorBlock(blocks.StructBlock):
    """A facilitator from the tutor directory: the workshop is listed on their profile."""

    tutor = TutorProfileChooserBlock(label=_("Tutor"))
    role = blocks.CharBlock(
        label=_("Role"),
        max_length=150,
        required=False,
        help_text=_("For example: facilitator, co-facilitator."),
    )

    class Meta:
        icon = "user"
        label = _("Tutor from the directory")
        template = "tutoria_cms/workshops/blocks/tutor_block.html"


class FacilitatorsBlock(blocks.StreamBlock):
    person = PersonBlock()
    tutor = TutorBlock()

    class Meta:
        label = _("Facilitators")
