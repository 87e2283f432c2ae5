"""Stage rules, deliverables, signature date, commitments and the history they leave."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tutoria_cms.partnerships import services
from tutoria_cms.partnerships.choices import STAGE_ORDER, CurrentStage, Stage, StageStatus
from tutoria_cms.partnerships.models import Agreement, AgreementStage, Commitment

from .conftest import TODAY, complete_up_to, make_agreement, make_document, sign

pytestmark = pytest.mark.django_db


def stage(agreement, code):
    return AgreementStage.objects.get(agreement=agreement, stage=code)


def test_a_new_agreement_has_its_five_pending_stages_in_order(agreement):
    assert [row.stage for row in agreement.ordered_stages()] == STAGE_ORDER
    assert STAGE_ORDER == ["planning", "programming", "execution", "follow_up", "evaluation"]
    assert {row.status for row in agreement.stages.all()} == {StageStatus.PENDING}
    assert agreement.current_stage == CurrentStage.PLANNING
    services.ensure_stages(agreement)
    assert agreement.stages.count() == 5


def test_stages_complete_in_order_only(agreement, coordinator):
    for code in STAGE_ORDER[1:]:
        with pytest.raises(services.StageError) as error:
            services.complete_stage(
                agreement, code, coordinator, make_document(), today=TODAY, signed_on=TODAY
            )
        assert error.value.code == "out_of_order"
        assert stage(agreement, code).status == StageStatus.PENDING
    with pytest.raises(services.StageError) as error:
        services.start_stage(agreement, Stage.PROGRAMMING, coordinator)
    assert error.value.code == "out_of_order"
    assert "Planning" in error.value.messages[0]

    services.complete_stage(agreement, Stage.PLANNING, coordinator, make_document())
    agreement.refresh_from_db()
    assert agreement.current_stage == CurrentStage.PROGRAMMING
    services.start_stage(agreement, Stage.PROGRAMMING, coordinator)
    assert stage(agreement, Stage.PROGRAMMING).status == StageStatus.IN_PROGRESS
    # Skipping programming is still refused.
    with pytest.raises(services.StageError):
        services.complete_stage(
            agreement, Stage.EXECUTION, coordinator, make_document(), signed_on=TODAY, today=TODAY
        )


def test_each_stage_needs_its_deliverable(agreement, coordinator):
    for code in STAGE_ORDER:
        if code == Stage.FOLLOW_UP:
            services.add_commitment(
                agreement, coordinator, party="partner", description="Becas", due_on=TODAY
            )
        with pytest.raises(services.StageError) as error:
            services.complete_stage(
                agreement, code, coordinator, None, signed_on=TODAY, today=TODAY
            )
        assert error.value.code == "deliverable_required"
        assert stage(agreement, code).status != StageStatus.COMPLETED
        services.complete_stage(
            agreement, code, coordinator, make_document(code), signed_on=TODAY, today=TODAY
        )
        assert stage(agreement, code).deliverable.title == code
    agreement.refresh_from_db()
    assert agreement.current_stage == CurrentStage.DONE


def test_the_database_refuses_a_completed_stage_without_deliverable(agreement):
    row = stage(agreement, Stage.PLANNING)
    row.status = StageStatus.COMPLETED
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_a_completed_stage_cannot_be_completed_or_started_again(agreement, coordinator):
    services.complete_stage(agreement, Stage.PLANNING, coordinator, make_document())
    for action in (
        lambda: services.complete_stage(agreement, Stage.PLANNING, coordinator, make_document()),
        lambda: services.start_stage(agreement, Stage.PLANNING, coordinator),
    ):
        with pytest.raises(services.StageError) as error:
            action()
        assert error.value.code == "completed"


def test_signature_needs_a_signature_date_not_in_the_future(agreement, coordinator):
    complete_up_to(agreement, Stage.PROGRAMMING, coordinator)
    document = make_document("Convenio firmado")
    with pytest.raises(services.StageError) as error:
        services.complete_stage(agreement, Stage.EXECUTION, coordinator, document, today=TODAY)
    assert error.value.code == "signed_on_required"
    with pytest.raises(services.StageError) as error:
        services.complete_stage(
            agreement,
            Stage.EXECUTION,
            coordinator,
            document,
            signed_on=TODAY + datetime.timedelta(days=1),
            today=TODAY,
        )
    assert error.value.code == "signed_on_future"
    with pytest.raises(services.StageError) as error:
        services.complete_stage(
            agreement,
            Stage.EXECUTION,
            coordinator,
            document,
            signed_on=agreement.expires_on,
            today=agreement.expires_on,
        )
    assert error.value.code == "signed_after_expiry"
    agreement.refresh_from_db()
    assert agreement.signed_on is None

    services.complete_stage(
        agreement, Stage.EXECUTION, coordinator, document, signed_on=TODAY, today=TODAY
    )
    agreement.refresh_from_db()
    assert agreement.signed_on == TODAY
    assert agreement.current_stage == CurrentStage.FOLLOW_UP


def test_follow_up_needs_commitments(agreement, coordinator):
    sign(agreement, coordinator)
    with pytest.raises(services.StageError) as error:
        services.complete_stage(agreement, Stage.FOLLOW_UP, coordinator, make_document())
    assert error.value.code == "no_commitments"


def test_refusals_are_translated(agreement, coordinator):
    from django.utils import translation

    with pytest.raises(services.StageError) as error:
        services.complete_stage(agreement, Stage.PLANNING, coordinator, None)
    with translation.override("es"):
        assert error.value.messages == [
            "Adjunte el diagnóstico de potencialidades (un documento) para completar “Planeación”."
        ]
    with pytest.raises(services.StageError) as error:
        services.complete_stage(agreement, Stage.PROGRAMMING, coordinator, make_document())
    with translation.override("pt-br"):
        assert "“Planejamento”" in error.value.messages[0]


def test_history_keeps_each_stage_change_with_its_user(agreement, coordinator):
    services.start_stage(agreement, Stage.PLANNING, coordinator)
    services.complete_stage(agreement, Stage.PLANNING, coordinator, make_document())
    records = stage(agreement, Stage.PLANNING).history.order_by("history_date", "history_id")
    assert [r.status for r in records] == ["pending", "in_progress", "completed"]
    assert [r.history_user for r in records] == [coordinator] * 3
    completed = records.last()
    assert completed.deliverable_id is not None and completed.completed_by_id == coordinator.pk
    agreement_records = Agreement.history.filter(id=agreement.pk).order_by("history_date")
    assert [r.current_stage for r in agreement_records] == ["planning", "programming"]
    assert agreement_records.last().history_user == coordinator


def test_agreement_history_entries(agreement, coordinator):
    from tutoria_cms.partnerships.history import agreement_history

    services.complete_stage(agreement, Stage.PLANNING, coordinator, make_document())
    entries = agreement_history(agreement)
    changes = [(e.subject, e.changes) for e in entries if not e.created]
    assert (str(Stage.PLANNING.label), "Completed") in [
        (str(subject), str(new))
        for subject, items in changes
        for label, old, new in items
        if str(label) == "status"
    ]
    assert all(entry.user == coordinator for entry in entries)


def test_record_fulfilment(agreement, coordinator):
    commitment = services.add_commitment(
        agreement,
        coordinator,
        party="institution",
        description="Enviar 10 practicantes",
        due_on=TODAY,
    )
    with pytest.raises(services.CommitmentError):
        services.record_fulfilment(
            commitment, coordinator, fulfilled_on=TODAY, report="  ", today=TODAY
        )
    with pytest.raises(services.CommitmentError):
        services.record_fulfilment(
            commitment,
            coordinator,
            report="Hecho",
            fulfilled_on=TODAY + datetime.timedelta(days=1),
            today=TODAY,
        )
    document = make_document("Reporte")
    services.record_fulfilment(
        commitment, coordinator, fulfilled_on=TODAY, report="Hecho", document=document, today=TODAY
    )
    commitment.refresh_from_db()
    assert commitment.fulfilled_on == TODAY and commitment.report_document == document
    assert commitment.history.count() == 2
    assert commitment.history.first().history_user == coordinator


def test_dates_constraint(coordinator):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_agreement(starts_on=TODAY, expires_on=TODAY)
    agreement = Agreement(starts_on=TODAY, expires_on=TODAY - datetime.timedelta(days=1))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        agreement.clean()


def test_signed_agreements_indicator(coordinator, mx_home, br_home):
    from wagtail.models import Site

    mx, br = Site.objects.get(root_page=mx_home), Site.objects.get(root_page=br_home)
    a = sign(make_agreement("A", site=mx), coordinator, signed_on=datetime.date(2025, 1, 1))
    sign(make_agreement("B", site=br), coordinator, signed_on=datetime.date(2025, 2, 1))
    sign(make_agreement("C", site=mx), coordinator, signed_on=datetime.date(2024, 12, 31))
    make_agreement("D (not signed)", site=mx)
    assert services.signed_agreements() == 3
    assert services.signed_agreements(site=mx) == 2
    assert services.signed_agreements(site=br, start=datetime.date(2025, 1, 1)) == 1
    assert (
        services.signed_agreements(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 1, 1))
        == 1
    )
    assert a.signed_on == datetime.date(2025, 1, 1)


def test_commitment_needs_report_when_fulfilled(agreement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            agreement=agreement,
            party="partner",
            description="x",
            due_on=TODAY,
            fulfilled_on=TODAY,
            report="",
        )


def test_agreement_history_shows_the_supported_pages_added_and_removed(
    agreement, coordinator, programme
):
    from tutoria_cms.partnerships.history import agreement_history

    agreement._history_user = coordinator
    agreement.supported_pages.add(programme)
    agreement.supported_pages.remove(programme)
    texts = [str(change) for entry in agreement_history(agreement) for change in entry.related]
    assert texts == [
        f"Programmes and workshops supported: removed {programme.title}",
        f"Programmes and workshops supported: added {programme.title}",
    ]
