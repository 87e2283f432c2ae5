"""Issue #15 item 2, pseudonym reversal: a quality-office member (who sees pseudonymised
evidence only) signs a known student number up on the public form, reads the pseudonym of
that registration in the evidence browser or in an export, and so finds that student's rows
(requests, sessions...) in every pseudonymised export. A public sign-up must never carry the
student's pseudonym unless it was confirmed from the e-mail address on the student's record.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tutoria_cms.accreditation.context import build_context
from tutoria_cms.core import roles
from tutoria_cms.core.pseudonyms import Pseudonymiser
from tutoria_cms.workshops.evidence import RegistrationsSource
from tutoria_cms.workshops.models import WorkshopRegistration

pytestmark = pytest.mark.django_db

KNOWN_NUMBER = "MX2024777"  # the victim's number, known to the insider
PLANT = {
    "student_number": KNOWN_NUMBER.lower(),  # any case is the same student
    "full_name": "Cualquiera",
    "email": "insider@mallory.example",  # an address the insider reads
    "consent": "on",
}


@pytest.fixture
def quality(db):
    return factories.UserFactory(username="calidad", groups=[roles.QUALITY])


def plant(workshop, outbox, django_capture_on_commit_callbacks):
    """The insider, not logged in, signs the known number up on the public page and follows
    every link they receive (they read the address they typed)."""
    outsider = Client()
    with django_capture_on_commit_callbacks(execute=True):
        outsider.post(workshop.url, PLANT)
    for message in list(outbox):
        if "insider@mallory.example" not in message.to:
            continue
        for link in re.findall(r"https?://\S+\?confirm=\S+", message.body):
            path = "/" + link.split("://", 1)[1].split("/", 1)[1]
            page = outsider.get(path).content.decode()
            token = re.search(r'name="confirm_token" value="([^"]+)"', page)
            if token:
                with django_capture_on_commit_callbacks(execute=True):
                    outsider.post(workshop.url, {"confirm_token": token.group(1)})


def what_the_quality_office_reads(quality):
    """The evidence browser's registrations listing (and inspect pages) and the
    pseudonymised registrations sheet of an export, as text."""
    browser = Client()
    browser.force_login(quality)
    texts = [browser.get(reverse("evidence_registrations_modeladmin_index")).content.decode()]
    for pk in WorkshopRegistration.objects.values_list("pk", flat=True):
        inspect = reverse("evidence_registrations_modeladmin_inspect", args=[pk])
        texts.append(browser.get(inspect).content.decode())
    context = build_context({"site": "localhost"}, user=quality)
    texts.extend(str(row) for row in RegistrationsSource().rows(context))
    return "\n".join(texts)


def test_a_planted_sign_up_never_carries_the_students_pseudonym(
    workshop, quality, mailoutbox, django_capture_on_commit_callbacks
):
    """No student records at the institution: the insider can even confirm (the link comes
    to the typed address), but the registration is not the student's."""
    plant(workshop, mailoutbox, django_capture_on_commit_callbacks)
    assert WorkshopRegistration.objects.filter(student_number__iexact=KNOWN_NUMBER).exists()
    read = what_the_quality_office_reads(quality)
    assert Pseudonymiser()(KNOWN_NUMBER) not in read
    assert KNOWN_NUMBER not in read and KNOWN_NUMBER.lower() not in read


def test_with_records_the_plant_gets_nothing_and_the_student_keeps_their_pseudonym(
    workshop, quality, mailoutbox, mx_home, django_capture_on_commit_callbacks, client
):
    factories.make_student(KNOWN_NUMBER, site=mx_home.get_site(), email="victim@uni.example")
    plant(workshop, mailoutbox, django_capture_on_commit_callbacks)
    assert not [m for m in mailoutbox if "insider@mallory.example" in m.to]
    assert Pseudonymiser()(KNOWN_NUMBER) not in what_the_quality_office_reads(quality)
    assert not WorkshopRegistration.objects.filter(status="confirmed").exists()

    # The student's own sign-up, confirmed from their record's address, is theirs.
    (message,) = mailoutbox
    assert message.to == ["victim@uni.example"]
    link = re.search(r"https?://\S+\?confirm=\S+", message.body).group(0)
    page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1]).content.decode()
    token = re.search(r'name="confirm_token" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(workshop.url, {"confirm_token": token})
    assert WorkshopRegistration.objects.get(status="confirmed").identity_verified_at
    assert Pseudonymiser()(KNOWN_NUMBER) in what_the_quality_office_reads(quality)
