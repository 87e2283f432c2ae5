"""The schema.org ``Person`` of a tutor's public profile (JSON-LD, see
:mod:`tutoria_cms.core.seo`). Only what the profile shows: the contact details only when the
tutor publishes them (``show_contact``); nothing of the account, the assessments or the tutees."""

from tutoria_cms.core import seo
from tutoria_cms.core.sites import site_for


def tutor_person(page, request=None):
    """The tutor of a profile page as a ``Person`` (nothing for other pages)."""
    from .models import TutorProfilePageMixin

    if not isinstance(page, TutorProfilePageMixin):
        return []
    person = {
        "@type": "Person",
        "name": page.title,
        "url": page.get_full_url(request),
        "description": seo.page_description(page),
    }
    if page.photo_id:
        url = page.photo.get_rendition("fill-480x480").url
        person["image"] = request.build_absolute_uri(url) if request and url[:1] == "/" else url
    if page.academic_title:
        person["honorificPrefix"] = page.academic_title
    organisation = seo.site_organisation(site_for(page, request), request)
    if organisation:
        if page.department:
            organisation = {
                "@type": "Organization",
                "name": page.department,
                "parentOrganization": organisation,
            }
        person["worksFor"] = organisation
    topics = [tag.name for tag in page.disciplines.all()] + [
        tag.name for tag in page.expertise.all()
    ]
    if topics:
        person["knowsAbout"] = topics
    if page.show_contact:
        if page.contact_email:
            person["email"] = page.contact_email
        if page.contact_phone:
            person["telephone"] = page.contact_phone
    return [person]
