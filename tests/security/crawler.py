"""A small same-site crawler for the leak sweep: every page a client can reach by GET.

It starts from the given URLs, follows every same-prefix URL it finds in the pages (links,
form actions and the ``data-*`` URLs Wagtail's listings load their results from), follows
redirects, and returns the text of every page it fetched. Spreadsheets are read cell by cell
(and sheet titles), CSV and JSON as text. Query strings are dropped (they filter or sort
what the bare URL shows) except those that ask for an export.
"""

import dataclasses
import html
import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

URL_IN_PAGE = re.compile(r"""["'](/[^"'\s<>]*)["']""")
# A CSP nonce is base64 and may begin with "/": it is no link.
NONCE = re.compile(r"""\snonce=["'][^"']*["']""")


def urls_in(text):
    """The site-relative URLs quoted in ``text`` (nonce attributes left out)."""
    return URL_IN_PAGE.findall(NONCE.sub("", text))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Never fetched: they log out, fail on purpose, or are static assets (no data).
SKIPPED = (
    "/admin/logout/",
    "/admin/test404/",
    "/admin/failwhale/",
    "/admin/sprite/",
    "/admin/jsi18n/",
    "/admin/modeladmin/jsi18n/",
    "/admin/login/",
    "/admin/password_reset/",
    "/admin/dismissibles/",
    "/admin/block-preview/",
    "/static/",
    "/media/",
    "/documents/",
)
KEPT_QUERY = re.compile(r"(^|&)(export|format)=")


@dataclasses.dataclass
class Page:
    url: str
    status: int
    text: str
    kind: str


def parameterless_admin_urls():
    """Every admin URL of the resolver that takes no argument (listings, reports, forms)."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    urls = []
    for route in walk(get_resolver().url_patterns, ""):
        if "<" in route or "(?P" in route:
            continue
        route = route.replace("^", "").replace("$", "")
        if not route.startswith("admin/") or any(c in route for c in "*.()[]\\+?"):
            continue
        url = "/" + route
        if not any(url.startswith(skip) for skip in SKIPPED):
            urls.append(url)
    return sorted(set(urls))


def normalise(url, base, prefix, also=(), hosts=("testserver", "localhost")):
    """The URL to fetch for ``url`` found on page ``base``, or ``None``: same host (one of
    ``hosts``), under ``prefix`` and not skipped, or under one of the prefixes ``also``
    (files: ``/documents/``, ``/media/``), which are followed wherever they were found."""
    url = html.unescape(url).strip()
    if url.startswith("//") or url.startswith(("mailto:", "tel:", "javascript:")):
        return None
    absolute = urljoin(base, url)
    parts = urlsplit(absolute)
    if parts.netloc and parts.netloc not in hosts:
        return None
    path = parts.path
    followed = path.startswith(prefix) and not any(path.startswith(skip) for skip in SKIPPED)
    if prefix == "/" and path.startswith("/admin/"):
        followed = False
    if not followed and not (also and path.startswith(tuple(also))):
        return None
    query = parts.query if KEPT_QUERY.search(parts.query) else ""
    return path + (f"?{query}" if query else "")


def workbook_text(data):
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        chunks = []
        for sheet in book.worksheets:
            chunks.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                chunks.extend("" if value is None else str(value) for value in row)
        return "\n".join(chunks)
    finally:
        book.close()


def response_text(response):
    content_type = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    if XLSX in content_type or data[:4] == b"PK\x03\x04":
        return workbook_text(data), "xlsx"
    return data.decode(response.charset or "utf-8", errors="replace"), content_type.split(";")[0]


def crawl(
    client, start, *, prefix="/admin/", limit=1500, also=(), hosts=("testserver", "localhost")
):
    """{url: Page} of every page reachable from ``start`` under ``prefix`` (or one of the
    prefixes ``also``) by GET. ``hosts``: the hosts whose absolute URLs are followed."""
    pages = {}
    queue = deque(dict.fromkeys(start))
    queued = set(queue)
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            target = normalise(response["Location"], url, prefix, also, hosts)
            if target and target not in queued:
                queued.add(target)
                queue.append(target)
            pages[url] = Page(url, response.status_code, "", "redirect")
            continue
        text, kind = response_text(response)
        pages[url] = Page(url, response.status_code, text, kind)
        if kind not in ("text/html", "application/json"):
            continue
        for found in urls_in(text.replace("\\/", "/")):
            target = normalise(found, url, prefix, also, hosts)
            if target and target not in queued:
                queued.add(target)
                queue.append(target)
    assert not queue, f"crawl limit of {limit} pages reached"
    return pages


def find(pages, needles):
    """{needle: [urls where it occurs]}, case-insensitively, for the needles found."""
    found = {}
    lowered = {url: page.text.lower() for url, page in pages.items()}
    for needle in needles:
        where = [url for url, text in lowered.items() if needle.lower() in text]
        if where:
            found[needle] = where
    return found
