"""The programmes' contribution to accreditation workbooks (``register_tutoria_evidence``).

One sheet, "Programmes": every programme page in the export's scope (site, programme) with
its kind, attention, modalities, pillars and indicator targets. Programmes are not dated: the
sheet lists the programmes as they are now, whatever the date range.
"""

from django.utils.translation import gettext_lazy as _

from tutoria_cms.core.evidence import EvidenceSource

from .models import TutoringProgrammePageMixin


def _page_model():
    import swapper

    return swapper.load_model("wagtailcore", "Page")


def programme_pages(context):
    pages = _page_model().objects.type(TutoringProgrammePageMixin)
    return context.pages_in_scope(pages).order_by("path")


class ProgrammesSource(EvidenceSource):
    key = "programmes"
    title = _("Programmes")
    section = _("Programmes")
    order = 10
    columns = (
        _("Programme id"),
        _("Title"),
        _("Slug"),
        _("Language"),
        _("Kind of programme"),
        _("Published"),
        _("First published"),
        _("Attention types"),
        _("Modalities"),
        _("Learning pillars"),
        _("Target population"),
        _("Coordinator"),
        _("Failure rate aimed at (%)"),
        _("Lag rate aimed at (%)"),
        _("Dropout rate aimed at (%)"),
        _("URL"),
    )

    def count(self, context):
        return programme_pages(context).count()

    def rows(self, context):
        pages = programme_pages(context).select_related("locale").specific()
        for page in pages:
            yield (
                page.pk,
                page.title,
                page.slug,
                page.locale.language_code,
                page.get_kind_display(),
                page.live,
                page.first_published_at,
                ", ".join(str(label) for label in page.attention_type_labels()),
                ", ".join(str(label) for label in page.modality_labels()),
                ", ".join(str(label) for label in page.pillar_labels()),
                page.target_population,
                page.coordinator_name,
                page.target_failure_rate,
                page.target_lag_rate,
                page.target_dropout_rate,
                page.full_url or "",
            )

    def indicators(self, context):
        return [
            context.count_indicator(
                "programmes",
                _("Published programmes"),
                programme_pages(context).live().count(),
                definition=_("Tutoring programme pages published in the export's scope."),
            )
        ]

    def find_programme(self, slug, site):
        pages = _page_model().objects.type(TutoringProgrammePageMixin).filter(slug=slug)
        if site is not None:
            pages = pages.filter(path__startswith=site.root_page.path)
        pages = list(pages.order_by("path")[:2])
        if len(pages) != 1:
            return None
        return pages[0]
