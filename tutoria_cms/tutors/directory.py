"""The public tutor directory: filters, search and pagination in a bounded number of queries."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Avg, Q
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject
from taggit.models import Tag

from tutoria_cms.core.fields import has_choice
from tutoria_cms.core.sites import public

from .forms import DirectoryFilterForm
from .models import CompetencyAssessment, TutorDisciplineTag, TutorExpertiseTag
from .services import framework_for_page, framework_structure


def strong_profile_ids(dimension, min_level):
    """Profiles whose average public level in ``dimension`` is at least ``min_level``.

    The public level is the validated level, else the self-assessed level as of the profile's
    last publication (so unmoderated self-assessments never change the directory).
    """
    return (
        CompetencyAssessment.objects.filter(competency__dimension=dimension)
        .values("profile_id")
        .annotate(strength=Avg(Coalesce("validated_level", "published_level")))
        .filter(strength__gte=min_level)
        .values("profile_id")
    )


def filter_profiles(queryset, data, dimensions):
    """Apply the cleaned filters of :class:`DirectoryFilterForm` to a profile queryset."""
    query = data.get("q")
    if query:
        expertise = TutorExpertiseTag.objects.filter(tag__name__icontains=query).values(
            "content_object_id"
        )
        queryset = queryset.filter(Q(title__icontains=query) | Q(pk__in=expertise))
    if data.get("discipline"):
        tagged = TutorDisciplineTag.objects.filter(tag__slug=data["discipline"]).values(
            "content_object_id"
        )
        queryset = queryset.filter(pk__in=tagged)
    for name, field_name in (
        ("tutor_type", "tutor_types"),
        ("modality", "modalities"),
        ("attention_type", "attention_types"),
    ):
        if data.get(name):
            queryset = queryset.filter(has_choice(field_name, data[name]))
    dimension = {d.code: d for d in dimensions}.get(data.get("dimension") or "")
    if dimension is not None:
        queryset = queryset.filter(pk__in=strong_profile_ids(dimension, data.get("min_level") or 1))
    return queryset


def directory_context(index_page, request):
    """The directory's context: ``filter_form``, ``tutors`` (a page of the paginator),
    ``paginator``, ``filter_query``, ``framework``, ``is_filtered`` and ``is_cacheable``.

    The bare directory (no query string: the page most visitors land on) is the same for
    everyone until content changes, so the template keeps its form and cards in the cache
    (``{% tutoria_fragment ... when=is_cacheable %}``). There, the form, the list and its
    count are lazy: read only when a fragment is rendered, not when it is served from the
    cache."""
    model = index_page.get_profile_model()
    framework = framework_for_page(index_page, request)
    base = public(model.objects.child_of(index_page).live())

    def build_form():
        levels, dimensions = framework_structure(framework)
        disciplines = Tag.objects.filter(
            pk__in=TutorDisciplineTag.objects.filter(content_object__in=base.values("pk")).values(
                "tag_id"
            )
        ).order_by("name")
        form = DirectoryFilterForm(
            request.GET or None, dimensions=dimensions, levels=levels, disciplines=disciplines
        )
        if form.is_bound:
            form.is_valid()  # an invalid filter is reported and ignored; the valid ones apply
        return form, dimensions

    queryset = base
    if request.GET:
        form, dimensions = build_form()
        queryset = filter_profiles(queryset, form.cleaned_data, dimensions)
        is_filtered = any(form.cleaned_data.values())
    else:
        form = SimpleLazyObject(lambda: build_form()[0])
        is_filtered = False
    queryset = (
        queryset.select_related("photo")
        .prefetch_related("photo__renditions", "disciplines", "expertise")
        .order_by("title", "pk")
    )
    paginator = Paginator(queryset, index_page.tutors_per_page)

    def current_page():
        try:
            return paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            return paginator.page(1)
        except EmptyPage:
            return paginator.page(paginator.num_pages)

    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "tutors": current_page() if request.GET else SimpleLazyObject(current_page),
        "paginator": paginator,
        "filter_query": query.urlencode(),
        "framework": framework,
        "is_filtered": is_filtered,
        # Nothing a visitor typed, not a preview of a draft: the form and the cards may come
        # from the cache.
        "is_cacheable": not request.GET and not getattr(request, "is_preview", False),
    }
