"""Admin per role: listing, inspect, stage actions (POST + CSRF), permissions from the migration."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tutoria_cms.core import roles
from tutoria_cms.partnerships.choices import Stage, StageStatus
from tutoria_cms.partnerships.models import Agreement, AgreementStage

from .conftest import make_agreement, make_document

pytestmark = pytest.mark.django_db


def client_for(user, language="en", **kwargs):
    """A logged-in client; the admin speaks ``language`` to the user (their preference)."""
    from wagtail.users.models import UserProfile

    client = Client(**kwargs)
    if user is not None:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        client.force_login(user)
    return client


def group_permissions(name):
    return set(
        Group.objects.get(name=name)
        .permissions.filter(content_type__app_label="tutoria_partnerships")
        .values_list("codename", flat=True)
    )


def test_roles_get_their_permissions(db):
    models = ("partner", "agreement", "agreementstage", "commitment")
    assert group_permissions(roles.COORDINATION) == {
        f"{action}_{model}" for model in models for action in ("add", "change", "view")
    }
    assert group_permissions(roles.QUALITY) == {f"view_{model}" for model in models}
    for role in (
        roles.COMMUNICATIONS,
        roles.COMMUNICATIONS_MODERATORS,
        roles.TUTORS,
        roles.BOARD,
        roles.ORIENTATION,
    ):
        assert group_permissions(role) == set()


URLS = [
    ("index", lambda a: reverse("tutoria_agreements:index")),
    ("inspect", lambda a: reverse("tutoria_agreements:inspect", args=[a.pk])),
    ("edit", lambda a: reverse("tutoria_agreements:edit", args=[a.pk])),
    ("add", lambda a: reverse("tutoria_agreements:add")),
    ("complete", lambda a: reverse("tutoria_agreements:complete_stage", args=[a.pk, "planning"])),
    ("add_commitment", lambda a: reverse("tutoria_agreements:add_commitment", args=[a.pk])),
    ("partners", lambda a: reverse("tutoria_partners:index")),
]
ALLOWED = {
    "coordinator": {name for name, _url in URLS},
    "quality": {"index", "inspect", "partners"},
    "communications": set(),
    "tutor": set(),
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_admin_views_per_role(role, request, agreement):
    user = request.getfixturevalue(role)
    client = client_for(user)
    for name, url in URLS:
        response = client.get(url(agreement))
        if name in ALLOWED[role]:
            assert response.status_code == 200, (role, name)
        else:
            assert response.status_code in (302, 403), (role, name)
            if response.status_code == 302:
                assert "partnerships" not in response["Location"], (role, name)


def test_anonymous_is_sent_to_the_login(agreement):
    for _name, url in URLS:
        response = Client().get(url(agreement))
        assert response.status_code == 302
        assert reverse("wagtailadmin_login") in response["Location"]


def test_listing_filters(coordinator):
    today = datetime.date.today()
    make_agreement("Convenio con escuela", partner_name="Escuela Normal", sector="educational")
    make_agreement(
        "Convenio con empresa", partner_name="Empresa SA", sector="private", purposes=["equipment"]
    )
    client = client_for(coordinator)
    index = reverse("tutoria_agreements:index")
    html = client.get(index, {"sector": "educational"}).content.decode()
    assert "Convenio con escuela" in html and "Convenio con empresa" not in html
    html = client.get(index, {"purpose": "equipment"}).content.decode()
    assert "Convenio con empresa" in html and "Convenio con escuela" not in html
    html = client.get(index, {"current_stage": "execution"}).content.decode()
    assert "Convenio con empresa" not in html
    html = client.get(index, {"expiring": "true"}).content.decode()
    assert "Convenio con empresa" not in html
    assert today


def test_inspect_shows_stages_commitments_and_history(agreement, coordinator, quality):
    from tutoria_cms.partnerships import services

    document = make_document("Diagnóstico 2025")
    services.complete_stage(agreement, Stage.PLANNING, coordinator, document)
    services.add_commitment(
        agreement,
        coordinator,
        party="partner",
        description="Donar equipo",
        due_on=datetime.date(2020, 1, 1),
    )
    url = reverse("tutoria_agreements:inspect", args=[agreement.pk])
    html = client_for(coordinator).get(url).content.decode()
    assert "Diagnóstico 2025" in html and document.url in html
    assert "Donar equipo" in html and "Overdue" in html
    assert reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "programming"]) in html
    execution = reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "execution"])
    assert execution not in html
    assert "History" in html and "Completed" in html
    # Quality reads, without action buttons.
    html = client_for(quality).get(url).content.decode()
    assert "Diagnóstico 2025" in html
    assert "/stages/" not in html and "/commitments/" not in html


def test_complete_stage_through_the_admin(agreement, coordinator):
    url = reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "planning"])
    client = client_for(coordinator)
    response = client.post(url, {"notes": "Sin entregable"})
    assert response.status_code == 200
    assert AgreementStage.objects.get(agreement=agreement, stage="planning").status == "pending"
    document = make_document()
    response = client.post(url, {"deliverable": document.pk, "notes": "Listo"})
    assert response.status_code == 302
    row = AgreementStage.objects.get(agreement=agreement, stage="planning")
    assert row.status == StageStatus.COMPLETED and row.deliverable == document
    assert row.history.first().history_user == coordinator
    # Out of order: the refusal of the service is shown on the form.
    url = reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "follow_up"])
    response = client.post(url, {"deliverable": make_document().pk})
    assert response.status_code == 200
    assert "cannot begin before" in response.content.decode()


def test_complete_stage_form_loads_the_document_choosers_script(agreement, coordinator):
    """The form page carries its widgets' media: without it the "Choose a document" button
    does nothing ("DocumentChooser is not defined")."""
    from wagtail.documents.widgets import AdminDocumentChooser

    url = reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "planning"])
    html = client_for(coordinator).get(url).content.decode()
    for script in AdminDocumentChooser().media._js:
        assert script in html


def test_signature_date_is_asked_in_the_execution_form(agreement, coordinator):
    from tutoria_cms.partnerships import services

    for code in ("planning", "programming"):
        services.complete_stage(agreement, code, coordinator, make_document())
    url = reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "execution"])
    client = client_for(coordinator)
    response = client.post(url, {"deliverable": make_document().pk})
    assert response.status_code == 200
    assert "Enter the date the agreement was signed." in response.content.decode()
    response = client.post(
        url, {"deliverable": make_document().pk, "signed_on": agreement.starts_on.isoformat()}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_on == agreement.starts_on


def test_stage_completion_enforces_csrf(agreement, coordinator):
    url = reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "planning"])
    client = client_for(coordinator, enforce_csrf_checks=True)
    response = client.post(url, {"deliverable": make_document().pk})
    assert response.status_code == 403
    assert AgreementStage.objects.get(agreement=agreement, stage="planning").status == "pending"
    start = reverse("tutoria_agreements:start_stage", args=[agreement.pk, "planning"])
    assert client.post(start).status_code == 403
    # With the token from the form, it works.
    client.get(url)
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"deliverable": make_document().pk, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_start_is_post_only_and_permission_checked(agreement, coordinator, quality):
    url = reverse("tutoria_agreements:start_stage", args=[agreement.pk, "planning"])
    assert client_for(coordinator).get(url).status_code == 405
    assert client_for(quality).post(url).status_code in (302, 403)
    assert AgreementStage.objects.get(agreement=agreement, stage="planning").status == "pending"
    assert client_for(coordinator).post(url).status_code == 302
    assert AgreementStage.objects.get(agreement=agreement, stage="planning").status == (
        "in_progress"
    )


def test_a_deliverable_must_be_a_document_the_user_may_choose(agreement, coordinator):
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    agreements = root.add_child(name="Convenios")
    group = Group.objects.get(name=roles.COORDINATION)
    for permission in GroupCollectionPermission.objects.filter(group=group, collection=root):
        GroupCollectionPermission.objects.create(
            group=group, collection=agreements, permission=permission.permission
        )
        permission.delete()
    document = make_document()  # in the root collection, which coordinators cannot choose from
    url = reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "planning"])
    client = client_for(coordinator)
    response = client.post(url, {"deliverable": document.pk})
    assert response.status_code == 200
    assert AgreementStage.objects.get(agreement=agreement, stage="planning").status == "pending"
    document.collection = agreements
    document.save()
    assert client.post(url, {"deliverable": document.pk}).status_code == 302


def test_commitments_and_fulfilment_through_the_admin(agreement, coordinator):
    client = client_for(coordinator)
    url = reverse("tutoria_agreements:add_commitment", args=[agreement.pk])
    response = client.post(
        url, {"party": "partner", "description": "Aportar 5 becas", "due_on": "2025-06-30"}
    )
    assert response.status_code == 302
    commitment = agreement.commitments.get()
    url = reverse("tutoria_agreements:record_fulfilment", args=[agreement.pk, commitment.pk])
    response = client.post(url, {"fulfilled_on": "2025-06-01", "report": "Se otorgaron 5 becas"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.fulfilled_on == datetime.date(2025, 6, 1)
    assert commitment.history.first().history_user == coordinator


def test_creating_an_agreement_in_the_admin_creates_its_stages(coordinator, programme, workshop):
    from tutoria_cms.partnerships.models import Partner

    partner = Partner.objects.create(name="Fundación Cultural", sector="social")
    client = client_for(coordinator)
    response = client.get(reverse("tutoria_agreements:add"))
    html = response.content.decode()
    assert programme.title in html and workshop.title in html
    home_title = programme.get_parent().get_parent().title
    assert f">{home_title}<" not in html.split('name="supported_pages"')[0][-10:]
    response = client.post(
        reverse("tutoria_agreements:add"),
        {
            "partner": partner.pk,
            "title": "Convenio cultural",
            "reference": "",
            "purposes": ["activities", "cultural_exchange"],
            "description": "",
            "starts_on": "2025-01-01",
            "expires_on": "2027-01-01",
            "supported_pages": [programme.pk, workshop.pk],
            "site": programme.get_site().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get(title="Convenio cultural")
    assert agreement.stages.count() == 5
    assert set(agreement.supported_pages.values_list("pk", flat=True)) == {
        programme.pk,
        workshop.pk,
    }
    # The home page is not a programme or a workshop: refused.
    response = client.post(
        reverse("tutoria_agreements:edit", args=[agreement.pk]),
        {
            "partner": partner.pk,
            "title": "Convenio cultural",
            "purposes": ["activities"],
            "supported_pages": [programme.get_parent().get_parent().pk],
        },
    )
    assert response.status_code == 200
    assert agreement.supported_pages.count() == 2


def test_an_agreement_without_stage_rows_is_shown_and_completed(coordinator):
    from tutoria_cms.partnerships.models import Partner

    partner = Partner.objects.create(name="Escuela Normal", sector="educational")
    agreement = Agreement.objects.create(partner=partner, title="Creado en el shell")
    client = client_for(coordinator)
    html = client.get(reverse("tutoria_agreements:inspect", args=[agreement.pk])).content.decode()
    assert html.count("Pending") == 5
    assert not AgreementStage.objects.filter(agreement=agreement).exists()  # GET wrote nothing
    url = reverse("tutoria_agreements:complete_stage", args=[agreement.pk, "planning"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"deliverable": make_document().pk}).status_code == 302
    assert agreement.stages.count() == 5


def test_deleting_a_partner_with_agreements_is_refused_with_a_message(agreement):
    """Agreements protect their partner (on_delete=PROTECT), which Wagtail's reference index
    does not know: the deletion was a server error; now a message, and nothing is deleted."""
    from tests import factories
    from tutoria_cms.partnerships.models import Partner

    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    response = client.post(
        reverse("tutoria_partners:delete", args=[agreement.partner_id]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    # Refused by Wagtail when its reference index knows the protecting rows (to the
    # dashboard), else by the database (back to the listing, with a message).
    assert response.redirect_chain[0][0] in ("/admin/", reverse("tutoria_partners:index"))
    assert response.status_code == 200
    assert Partner.objects.filter(pk=agreement.partner_id).exists()
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_expiry_dates_show_as_dates_with_the_time_left(coordinator):
    """A future expiry read "Vence el: Justo ahora" (Wagtail's DateColumn is for the past)."""
    from django.utils import timezone

    today = timezone.localdate()
    far = make_agreement(
        "Convenio largo",
        user=coordinator,
        starts_on=today,
        expires_on=datetime.date(today.year + 2, 12, 31),
    )
    expired = make_agreement(
        "Convenio vencido",
        user=coordinator,
        starts_on=today - datetime.timedelta(days=400),
        expires_on=today - datetime.timedelta(days=3),
    )
    days_left = (far.expires_on - today).days
    client = client_for(coordinator, language="es")
    listing = client.get(reverse("tutoria_agreements:index")).content.decode()
    assert "Justo ahora" not in listing
    assert f"31 de diciembre de {today.year + 2} (en {days_left} días)" in listing
    assert "(vencido)" in listing
    inspect = client.get(reverse("tutoria_agreements:inspect", args=[far.pk])).content.decode()
    assert f"31 de diciembre de {today.year + 2} (en {days_left} días)" in inspect
    inspect = client.get(reverse("tutoria_agreements:inspect", args=[expired.pk])).content.decode()
    assert "(vencido)" in inspect
