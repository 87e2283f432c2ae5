from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class StageBlock(blocks.StructBlock):
    """One stage of a programme's cycle, with its activities (seed 003)."""

    title = blocks.CharBlock(label=_("Stage"), max_length=150)
    description = blocks.TextBlock(label=_("Description"), required=False)
    activities = blocks.ListBlock(
        blocks.CharBlock(label=_("Activity"), max_length=300), label=_("Activities")
    )

    class Meta:
        icon = "list-ol"
        label = _("Stage")
        template = "tutoria_cms/programmes/blocks/stage_block.html"


class StagesBlock(blocks.StreamBlock):
    stage = StageBlock()
