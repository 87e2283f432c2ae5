"""A site with its own base page (``WAGTAIL_PAGE_MODEL``) and its pages built from the suite's
mixins, the way the README shows. The pages set no ``template``: they render the suite's
templates, or the site's own where it has one (``partnerships_page.html`` here)."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import AbstractPage
from wagtail.search import index

from tutoria_cms.partnerships.models import PartnershipIndexPageMixin
from tutoria_cms.programmes.models import ProgrammeIndexPageMixin, TutoringProgrammePageMixin
from tutoria_cms.tutors.forms import TutorProfilePageForm
from tutoria_cms.tutors.models import TutorIndexPageMixin, TutorProfilePageMixin
from tutoria_cms.workshops.forms import GroupWorkshopPageForm
from tutoria_cms.workshops.models import GroupWorkshopPageMixin


class MyBasePage(AbstractPage):
    """The site's base page: no SEO title, no "show in menus", a strapline of its own."""

    strapline = models.CharField(max_length=255, blank=True)

    content_panels = AbstractPage.content_panels + [FieldPanel("strapline")]
    search_fields = AbstractPage.search_fields + [index.SearchField("strapline")]


class HomePage(MyBasePage):
    parent_page_types = ["custom_base_page_app.MyBasePage"]
    template = "custom_base_page_app/home_page.html"


class ProgrammesPage(ProgrammeIndexPageMixin, MyBasePage):
    content_panels = MyBasePage.content_panels + ProgrammeIndexPageMixin.index_panels
    search_fields = MyBasePage.search_fields + ProgrammeIndexPageMixin.index_search_fields
    subpage_types = ["custom_base_page_app.ProgrammePage"]


# The README's example, as it is written there.
class ProgrammePage(TutoringProgrammePageMixin, MyBasePage):
    content_panels = MyBasePage.content_panels + TutoringProgrammePageMixin.programme_panels
    search_fields = MyBasePage.search_fields + TutoringProgrammePageMixin.programme_search_fields


class WorkshopPage(GroupWorkshopPageMixin, MyBasePage):
    content_panels = MyBasePage.content_panels + GroupWorkshopPageMixin.workshop_panels
    search_fields = MyBasePage.search_fields + GroupWorkshopPageMixin.workshop_search_fields
    base_form_class = GroupWorkshopPageForm
    parent_page_types = ["custom_base_page_app.ProgrammePage"]


class TutorsPage(TutorIndexPageMixin, MyBasePage):
    content_panels = MyBasePage.content_panels + TutorIndexPageMixin.index_panels
    search_fields = MyBasePage.search_fields + TutorIndexPageMixin.index_search_fields
    subpage_types = ["custom_base_page_app.TutorPage"]


class TutorPage(TutorProfilePageMixin, MyBasePage):
    content_panels = MyBasePage.content_panels + TutorProfilePageMixin.profile_panels
    search_fields = MyBasePage.search_fields + TutorProfilePageMixin.profile_search_fields
    base_form_class = TutorProfilePageForm
    parent_page_types = ["custom_base_page_app.TutorsPage"]


class PartnershipsPage(PartnershipIndexPageMixin, MyBasePage):
    content_panels = MyBasePage.content_panels + PartnershipIndexPageMixin.index_panels
    search_fields = MyBasePage.search_fields + PartnershipIndexPageMixin.index_search_fields
