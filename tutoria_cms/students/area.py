"""The sections of the student area, contributed by the installed apps.

An app adds a section to every student area page with the ``register_tutoria_student_area_section``
hook, returning a :class:`Section`::

    @hooks.register("register_tutoria_student_area_section")
    def my_workshops():
        from . import student_area

        return Section(
            slug="workshops",
            label=_("My workshops"),
            urls=student_area.urlpatterns,
            order=30,
            summary=student_area.summary,
        )

``urls`` are Django URL patterns under ``<area page>/<slug>/``. Their views are plain functions
called as methods of the page (Wagtail's ``RoutablePageMixin``): ``view(page, request,
*args, **kwargs)``, only for a signed-in student of the page's institution, with
``request.student`` (their ``StudentRecord``) and ``request.student_account`` set. They render
with ``page.render_section(request, section_slug, template, context)``, which gives the
template the area's navigation. Name each pattern ``"<slug>"`` or ``"<slug>_<what>"``, and
link to it with ``page.section_url(request, name, *args)``: names are shared by every section.

``summary(request)`` (optional) is a short line the area's overview shows under the section's
name ("2 open requests"), or ``None``.

A section only ever reads and writes the signed-in student's own records: every lookup by id
starts from ``request.student`` and answers "not found" for anything else.
"""

import dataclasses
from collections.abc import Callable, Sequence

from wagtail import hooks

SECTION_HOOK = "register_tutoria_student_area_section"


@dataclasses.dataclass(frozen=True)
class Section:
    slug: str
    label: str
    urls: Sequence
    order: int = 100
    summary: Callable | None = None
    description: str = ""


def sections():
    """The installed apps' sections, in order."""
    found = [hook() for hook in hooks.get_hooks(SECTION_HOOK)]
    return sorted((s for s in found if s is not None), key=lambda s: (s.order, s.slug))
