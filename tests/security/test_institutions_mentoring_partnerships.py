"""Institutions kept apart in peer mentoring and partnerships (issue #13): coordination of one
institution neither lists, opens, acts on, counts nor is e-mailed about another's participants,
pairs, agreements and stages; a person of both institutions sees both; the data migrations
place existing rows."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from tests import factories
from tests.mentoring.conftest import PERIOD, make_student
from tests.partnerships.conftest import make_agreement
from tutoria_cms.core import roles
from tutoria_cms.mentoring import permissions as mentoring_permissions
from tutoria_cms.mentoring import services as mentoring_services
from tutoria_cms.mentoring.models import Goal, MentoringProgramme, Pair, Participant
from tutoria_cms.mentoring.panels import MentoringPanel
from tutoria_cms.partnerships.models import Agreement, AgreementStage, Commitment
from tutoria_cms.partnerships.panels import PartnershipWarningsPanel

pytestmark = pytest.mark.django_db


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sites(mx_home, br_home):
    return Site.objects.get(root_page=mx_home), Site.objects.get(root_page=br_home)


def programme_of(home, title):
    index = factories.build_programme_index(home, title=f"Índice {title}")
    page = factories.build_programme(index, title=title, kind="peer_mentoring")
    return MentoringProgramme.objects.create(
        page=page, period_start=PERIOD[0], period_end=PERIOD[1], mentor_capacity=2
    )


def people(programme, prefix):
    mentor = Participant.objects.create(
        programme=programme,
        role="mentor",
        student=make_student(f"{prefix}T1", name=f"Mentor secreto {prefix}", site=programme.site),
        goals=["cálculo"],
        availability=["mon_am"],
    )
    mentee = Participant.objects.create(
        programme=programme,
        role="mentee",
        student=make_student(f"{prefix}D1", name=f"Mentee secreto {prefix}", site=programme.site),
        goals=["cálculo"],
        availability=["mon_am"],
    )
    return mentor, mentee


@pytest.fixture
def world(sites):
    mx, br = sites
    admin = factories.UserFactory(username="root_setup", is_superuser=True)
    mx_programme = programme_of(mx.root_page, "Mentoría MX")
    br_programme = programme_of(br.root_page, "Mentoria BR")
    mx_people = people(mx_programme, "MX")
    br_people = people(br_programme, "BR")
    today = timezone.localdate()
    mx_pair = mentoring_services.pair_manually(mx_programme, *mx_people, admin, today=today)
    br_pair = mentoring_services.pair_manually(br_programme, *br_people, admin, today=today)
    mx_agreement = make_agreement("Convenio MX secreto", site=mx, partner_name="Empresa MX")
    br_agreement = make_agreement("Convênio BR secreto", site=br, partner_name="Empresa BR")
    return {
        "mx": mx,
        "br": br,
        "mx_programme": mx_programme,
        "br_programme": br_programme,
        "mx_people": mx_people,
        "br_people": br_people,
        "mx_pair": mx_pair,
        "br_pair": br_pair,
        "mx_agreement": mx_agreement,
        "br_agreement": br_agreement,
    }


@pytest.fixture
def mx_coordinator(world):
    return factories.UserFactory(
        username="coord_mx", groups=[roles.COORDINATION], sites=[world["mx"]]
    )


@pytest.fixture
def both_coordinator(world):
    return factories.UserFactory(
        username="coord_both", groups=[roles.COORDINATION], sites=[world["mx"], world["br"]]
    )


def test_records_take_their_institution(world):
    assert world["mx_programme"].site == world["mx"]
    assert world["br_programme"].site == world["br"]
    assert {p.site for p in world["br_people"]} == {world["br"]}
    assert world["br_pair"].site == world["br"]
    assert world["br_agreement"].site == world["br"]
    assert set(
        AgreementStage.objects.filter(agreement=world["br_agreement"]).values_list(
            "site", flat=True
        )
    ) == {world["br"].pk}


def test_coordination_lists_only_its_institution(world, mx_coordinator):
    client = client_for(mx_coordinator)
    for name in (
        "tutoria_mentoring_pairs:index",
        "tutoria_mentoring_participants:index",
        "tutoria_mentoring_programmes:index",
        "tutoria_agreements:index",
    ):
        html = client.get(reverse(name)).content.decode()
        assert "secreto BR" not in html and "Mentoria BR" not in html, name
        assert "Convênio BR" not in html, name
    html = client.get(reverse("tutoria_mentoring_participants:index")).content.decode()
    assert "Mentor secreto MX" in html
    html = client.get(reverse("tutoria_agreements:index")).content.decode()
    assert "Convenio MX secreto" in html


def test_another_institutions_ids_are_not_found(world, mx_coordinator):
    client = client_for(mx_coordinator)
    br_pair, br_agreement = world["br_pair"], world["br_agreement"]
    mentor, mentee = world["br_people"]
    urls = [
        reverse("tutoria_mentoring_pairs:inspect", args=[br_pair.pk]),
        reverse("tutoria_mentoring_pairs:add_goal", args=[br_pair.pk]),
        reverse("tutoria_mentoring_pairs:close", args=[br_pair.pk]),
        reverse("tutoria_mentoring_pairs:suggestions", args=[world["br_programme"].pk]),
        reverse("tutoria_mentoring_participants:edit", args=[mentor.pk]),
        reverse("tutoria_mentoring_participants:delete", args=[mentee.pk]),
        reverse("tutoria_mentoring_programmes:edit", args=[world["br_programme"].pk]),
        reverse("tutoria_mentoring_programmes:delete", args=[world["br_programme"].pk]),
        reverse("tutoria_agreements:inspect", args=[br_agreement.pk]),
        reverse("tutoria_agreements:edit", args=[br_agreement.pk]),
        reverse("tutoria_agreements:delete", args=[br_agreement.pk]),
        reverse("tutoria_agreements:history", args=[br_agreement.pk]),
        reverse("tutoria_agreements:complete_stage", args=[br_agreement.pk, "planning"]),
        reverse("tutoria_agreements:add_commitment", args=[br_agreement.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # Acting by POST: nothing changes.
    assert (
        client.post(
            reverse("tutoria_mentoring_pairs:close", args=[br_pair.pk]), {"reflection": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("tutoria_agreements:start_stage", args=[br_agreement.pk, "planning"])
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("tutoria_mentoring_participants:delete", args=[mentee.pk])).status_code
        == 404
    )
    assert Participant.objects.filter(pk=mentee.pk).exists()
    br_agreement.refresh_from_db()
    assert br_agreement.current_stage == "planning"
    assert AgreementStage.objects.get(agreement=br_agreement, stage="planning").status == "pending"


def test_services_refuse_another_institution(world, mx_coordinator):
    from tutoria_cms.mentoring.services import MentoringError

    with pytest.raises(MentoringError):
        mentoring_services.propose_pairs(world["br_programme"], mx_coordinator)
    assert not mentoring_permissions.can_manage(mx_coordinator, world["br_pair"])
    assert mentoring_permissions.can_manage(mx_coordinator, world["mx_pair"])


def test_counts_and_panels_stay_within_the_institution(world, mx_coordinator):
    assert set(mentoring_permissions.visible_pairs(mx_coordinator)) == {world["mx_pair"]}
    later = timezone.localdate() + datetime.timedelta(days=200)
    panel = MentoringPanel(mx_coordinator, today=later).get_context_data()
    assert all(pair.site_id == world["mx"].pk for pair, _ in panel["at_risk"])
    assert all(pair.site_id == world["mx"].pk for pair in panel["reminders"])
    assert panel["at_risk"]
    # Overdue commitments of both institutions: the panel shows its own only.
    for agreement in (world["mx_agreement"], world["br_agreement"]):
        Commitment.objects.create(
            agreement=agreement,
            party="partner",
            description=f"Entregar {agreement.title}",
            due_on=datetime.date(2020, 1, 1),
        )
    context = PartnershipWarningsPanel(mx_coordinator).get_context_data()
    assert [c.agreement for c in context["overdue"]] == [world["mx_agreement"]]


def test_warning_emails_go_to_each_institutions_coordinators(world, mx_coordinator):
    br_coordinator = factories.UserFactory(
        username="coord_br", groups=[roles.COORDINATION], sites=[world["br"]]
    )
    for agreement in (world["mx_agreement"], world["br_agreement"]):
        Commitment.objects.create(
            agreement=agreement,
            party="partner",
            description=f"Entregar {agreement.title}",
            due_on=datetime.date(2020, 1, 1),
        )
    mail.outbox.clear()
    call_command("partnership_warnings", "--email", "--date", "2025-01-10", stdout=io.StringIO())
    by_recipient = {}
    for message in mail.outbox:
        for address in message.to:
            by_recipient.setdefault(address, []).append(message.body)
    mx_mail = "\n".join(by_recipient[mx_coordinator.email])
    br_mail = "\n".join(by_recipient[br_coordinator.email])
    assert "Convenio MX secreto" in mx_mail and "Convênio BR secreto" not in mx_mail
    assert "Convênio BR secreto" in br_mail and "Convenio MX secreto" not in br_mail


def test_a_shared_partners_usage_shows_only_the_institutions_agreements(world, mx_coordinator):
    from tutoria_cms.partnerships.models import Agreement

    partner = world["mx_agreement"].partner
    Agreement.objects.filter(pk=world["br_agreement"].pk).update(partner=partner)
    from wagtail.models import ReferenceIndex

    ReferenceIndex.create_or_update_for_object(Agreement.objects.get(pk=world["br_agreement"].pk))
    ReferenceIndex.create_or_update_for_object(Agreement.objects.get(pk=world["mx_agreement"].pk))
    response = client_for(mx_coordinator).get(reverse("tutoria_partners:usage", args=[partner.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Convenio MX secreto" in html and "Convênio BR secreto" not in html


def test_a_person_of_both_institutions_sees_both(world, both_coordinator):
    client = client_for(both_coordinator)
    assert set(mentoring_permissions.visible_pairs(both_coordinator)) == {
        world["mx_pair"],
        world["br_pair"],
    }
    for agreement in (world["mx_agreement"], world["br_agreement"]):
        url = reverse("tutoria_agreements:inspect", args=[agreement.pk])
        assert client.get(url).status_code == 200
    for pair in (world["mx_pair"], world["br_pair"]):
        url = reverse("tutoria_mentoring_pairs:inspect", args=[pair.pk])
        assert client.get(url).status_code == 200


def test_participant_form_choices_are_the_institutions(world, mx_coordinator):
    html = (
        client_for(mx_coordinator)
        .get(reverse("tutoria_mentoring_participants:add"))
        .content.decode()
    )
    assert "Mentoría MX" in html and "Mentoria BR" not in html


def test_agreement_form_offers_the_users_institutions(world, mx_coordinator):
    from tutoria_cms.partnerships.forms import AgreementForm
    from tutoria_cms.partnerships.viewsets import AgreementViewSet

    form_class = AgreementViewSet().get_form_class()
    form = form_class(for_user=mx_coordinator)
    assert isinstance(form, AgreementForm)
    assert list(form.fields["site"].queryset) == [world["mx"]]


def test_subject_access_sheets_are_scoped(world, mx_coordinator):
    from tutoria_cms.mentoring.subject import subject_data

    assert subject_data("BRD1", mx_coordinator) == []
    sheets = subject_data("MXD1", mx_coordinator)
    assert sheets and sheets[0].rows


def test_goals_take_their_pairs_institution(world, both_coordinator):
    goal = Goal.objects.create(
        pair=world["br_pair"],
        specific="Estudiar",
        indicator="horas",
        target=5,
        achievable_relevant="Sí",
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert goal.site_id == world["br"].pk
    assert goal.steps.create(description="Paso").site_id == world["br"].pk


# Migrations -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_data_migrations_place_existing_rows():
    mx_home = factories.build_site("es", "localhost", title="Universidad", default=True)
    br_home = factories.build_site("pt-br", "127.0.0.1", title="Universidade")
    mx = Site.objects.get(root_page=mx_home)
    br = Site.objects.get(root_page=br_home)
    index = factories.build_programme_index(br_home)
    br_page = factories.build_programme(index, title="Mentoria", kind="peer_mentoring")
    before = [
        ("tutoria_mentoring", "0002_role_permissions"),
        ("tutoria_partnerships", "0002_role_permissions"),
        # Student records stay as they are now (with their institution).
        ("tutoria_academics", "0007_institution_required"),
    ]
    after = [
        ("tutoria_mentoring", "0005_institution_required"),
        ("tutoria_partnerships", "0005_institution_required"),
    ]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        executor.loader.build_graph()
        old = executor.loader.project_state(before).apps
        Programme = old.get_model("tutoria_mentoring", "MentoringProgramme")
        OldParticipant = old.get_model("tutoria_mentoring", "Participant")
        OldPair = old.get_model("tutoria_mentoring", "Pair")
        Student = old.get_model("tutoria_academics", "StudentRecord")
        Partner = old.get_model("tutoria_partnerships", "Partner")
        OldAgreement = old.get_model("tutoria_partnerships", "Agreement")
        OldStage = old.get_model("tutoria_partnerships", "AgreementStage")
        programme = Programme.objects.create(
            page_id=br_page.pk, period_start=PERIOD[0], period_end=PERIOD[1]
        )
        students = [
            Student.objects.create(
                student_number=f"MIG{n}",
                full_name=f"S{n}",
                curriculum_hours=1,
                completed_hours=0,
                site_id=br.pk,
            )
            for n in (1, 2)
        ]
        mentor = OldParticipant.objects.create(
            programme=programme, role="mentor", student=students[0]
        )
        mentee = OldParticipant.objects.create(
            programme=programme, role="mentee", student=students[1]
        )
        pair = OldPair.objects.create(programme=programme, mentor=mentor, mentee=mentee)
        partner = Partner.objects.create(name="Socio", sector="private")
        unplaced = OldAgreement.objects.create(partner=partner, title="Sin sede", purposes=[])
        placed = OldAgreement.objects.create(
            partner=partner, title="BR", site_id=br.pk, purposes=[]
        )
        stage = OldStage.objects.create(agreement=placed, stage="planning")

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert MentoringProgramme.objects.get(pk=programme.pk).site_id == br.pk
        assert set(
            Participant.objects.filter(pk__in=[mentor.pk, mentee.pk]).values_list("site", flat=True)
        ) == {br.pk}
        assert Pair.objects.get(pk=pair.pk).site_id == br.pk
        assert Agreement.objects.get(pk=unplaced.pk).site_id == mx.pk  # the default site
        assert Agreement.objects.get(pk=placed.pk).site_id == br.pk
        assert AgreementStage.objects.get(pk=stage.pk).site_id == br.pk
    finally:
        # Whatever failed, the next tests find the latest schema.
        MigrationExecutor(connection).migrate(latest)
