"""Screenshots of every public page type of the running demo, at 1280 and 390 px wide, in
both sites (issue #17: how the pages look, for the people who plan the work).

    make demo                                   # in another terminal
    .venv/bin/python -m tests.e2e.screenshots [--base-mx http://localhost:8000]
        [--base-br http://127.0.0.1:8000] [--out var/screenshots]

Drives Debian's chromium through Playwright (as the browser tests do); finds the pages by
following the demo's own links (the menu, the first card of a list), so it needs nothing but
the served site. Writes ``<site>-<page type>-<width>.png`` (full page) and prints each file.
"""

import argparse
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTHS = (1280, 390)


def chromium_path():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("chromium was not found (apt-get install chromium)")


def page_types(page, base, search_word):
    """``{page type: URL}`` of the site at ``base``, found through its own links."""
    urls = {"home": base + "/"}
    page.goto(base + "/")
    for href in page.locator("nav.site-nav a").evaluate_all("links => links.map(a => a.href)"):
        page.goto(href)
        kind = page.locator("main article").first.get_attribute("class") or ""
        if "tutoria-tutor-index" in kind:
            urls["tutor directory"] = href
            profile = page.locator(".tutoria-cards a").first
            if profile.count():
                profile.click()
                page.wait_for_load_state("load")
                urls["tutor profile"] = page.url
        elif "tutoria-workshop-calendar" in kind:
            urls["workshops calendar"] = href
        elif "partnership" in kind:
            urls["partnerships"] = href
        elif "programme-index" in kind or "tutoria-programmes" in kind:
            urls["programme index"] = href
    if "programme index" in urls:
        page.goto(urls["programme index"])
        programme = page.locator("main .tutoria-cards a").first
        if programme.count():
            programme.click()
            page.wait_for_load_state("load")
            urls["programme"] = page.url
            workshop = page.locator(".tutoria-upcoming-workshops a").first
            if workshop.count():
                workshop.click()
                page.wait_for_load_state("load")
                urls["workshop"] = page.url
    urls["search"] = base + "/search/?q=" + search_word
    urls["not found"] = base + "/no-such-page/"
    urls["privacy notice"] = base + "/privacy/"
    urls["sign in"] = base + "/accounts/login/"
    return urls


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-mx", default="http://localhost:8000")
    parser.add_argument("--base-br", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("var/screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path())
        for site, base in (("mx", args.base_mx.rstrip("/")), ("br", args.base_br.rstrip("/"))):
            finder = browser.new_page()
            urls = page_types(finder, base, "taller" if site == "mx" else "oficina")
            finder.close()
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                for kind, url in urls.items():
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    path = args.out / f"{site}-{kind.replace(' ', '-')}-{width}.png"
                    page.screenshot(path=path, full_page=True)
                    print(path, url)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
