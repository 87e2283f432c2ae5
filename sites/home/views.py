from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page, Site

RESULTS_PER_PAGE = 10


def search(request):
    """Search the live pages of the Site serving the request (programmes, workshops, ...)."""
    query = request.GET.get("q", "").strip()[:200]
    site = Site.find_for_request(request)
    results = Page.objects.none()
    if query and site is not None:
        results = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
        results = results.specific().search(query)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return TemplateResponse(
        request,
        "home/search.html",
        {"search_query": query, "search_results": page, "site": site},
    )
