"""Coordination journey: create an agreement with a partner, then start and complete its first
stage with the signed deliverable."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import capfirst
from wagtail.documents import get_document_model

from tests import factories
from tests.e2e.journeys.conftest import es, exactly
from tutoria_cms.core import roles
from tutoria_cms.partnerships.choices import Purpose, Sector, Stage
from tutoria_cms.partnerships.models import Agreement, AgreementStage, Partner

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_coordinator_creates_an_agreement_and_completes_its_first_stage(site, sign_in):
    factories.UserFactory(username="coordinacion", groups=[roles.COORDINATION])
    Partner.objects.create(name="Fundación Puentes A.C.", sector=Sector.SOCIAL)
    get_document_model().objects.create(
        title="Plan de trabajo firmado", file=ContentFile(b"x", name="plan.txt")
    )
    today = timezone.localdate()
    starts, expires = today, today + datetime.timedelta(days=730)
    page = sign_in("coordinacion")

    page.get_by_role("button", name=es("Partnerships"), exact=True).click()
    page.get_by_role("link", name=es("Agreements"), exact=True).click()
    add = es("Add %(model_name)s") % {"model_name": es("agreement")}
    page.get_by_role("link", name=add).first.click()
    page.get_by_role("combobox", name=exactly(capfirst(es("partner")))).select_option(
        label="Fundación Puentes A.C."
    )
    page.get_by_role("textbox", name=exactly(capfirst(es("title")))).fill(
        "Convenio de mentoría profesional"
    )
    page.get_by_label(es(str(Purpose(Purpose.INTERNSHIPS).label)), exact=True).check()
    page.get_by_role("textbox", name=exactly(capfirst(es("starts on")))).fill(starts.isoformat())
    page.get_by_role("textbox", name=exactly(capfirst(es("expires on")))).fill(expires.isoformat())
    # Done with the dates: a click beside the fields closes their pickers.
    page.get_by_role("region", name=re.compile(capfirst(es("title")))).click(
        position={"x": 5, "y": 5}
    )
    page.get_by_role("button", name=es("Create"), exact=True).click()

    # From the listing to the agreement (its edit form), then Actions › Inspect: its stages.
    page.get_by_role("link", name="Convenio de mentoría profesional").first.click()
    page.get_by_role("button", name=es("Actions"), exact=True).first.click()
    page.get_by_role("link", name=es("Inspect"), exact=True).click()
    stages = page.get_by_role("table").filter(has_text=es(str(Stage(Stage.PLANNING).label)))
    planning = stages.get_by_role("row", name=re.compile(r"1\."))
    planning.get_by_role("button", name=es("Start"), exact=True).click()
    planning = page.get_by_role("row", name=re.compile(r"1\."))
    planning.get_by_text(es("In progress")).wait_for()
    planning.get_by_role("link", name=es("Complete"), exact=True).click()
    page.get_by_role("button", name=es("Choose a document")).click()
    page.get_by_role("dialog").get_by_role("link", name="Plan de trabajo firmado").click()
    page.get_by_role("button", name=es("Complete the stage")).click()

    label = str(Stage(Stage.PLANNING).label)
    page.get_by_text(es("Stage “%(stage)s” completed.") % {"stage": es(label)}).wait_for()
    agreement = Agreement.objects.get(title="Convenio de mentoría profesional")
    assert agreement.site == site.get_site()
    assert agreement.purposes == [Purpose.INTERNSHIPS]
    assert (agreement.starts_on, agreement.expires_on) == (starts, expires)
    row = AgreementStage.objects.get(agreement=agreement, stage=Stage.PLANNING)
    assert row.is_completed and row.deliverable.title == "Plan de trabajo firmado"
