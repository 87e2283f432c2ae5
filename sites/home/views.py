from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from wagtail.models import Page, Site
from wagtail.search.utils import parse_query_string

from tutoria_cms.core.search_backend import clean_query
from tutoria_cms.core.seo import page_description
from tutoria_cms.core.text import search_query

RESULTS_PER_PAGE = 10
SNIPPET_LENGTH = 200


def describe_result(page):
    """What a result shows besides its title: its type ("Taller grupal", "Oficina", in the
    language of the request) and a snippet (its search description, else the start of its
    text, as ``<meta name="description">`` has it)."""
    return {
        "page": page,
        "type": capfirst(page._meta.verbose_name),
        "snippet": page_description(page, SNIPPET_LENGTH),
    }


def search(request):
    """Search the live pages of the Site serving the request (programmes, workshops, ...)."""
    query = search_query(request.GET.get("q", ""))
    site = Site.find_for_request(request)
    results = Page.objects.none()
    not_understood = False
    if query and site is not None:
        results = Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
        # Parsed as the admin parses it ("quoted phrases"; an unbalanced quote is no error).
        _filters, parsed = parse_query_string(query)
        # Only quotes or symbols: said so, rather than "no pages match".
        not_understood = clean_query(parsed) is None
        results = results.specific().search(parsed)
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
        {
            "search_query": query,
            "search_results": page,
            "search_hits": [describe_result(result) for result in page],
            "site": site,
            "search_not_understood": not_understood,
        },
    )
