"""StreamField blocks of workshop pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


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


class FacilitatorsBlock(blocks.StreamBlock):
    person = PersonBlock()

    class Meta:
        label = _("Facilitators")
