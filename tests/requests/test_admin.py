"""The request workflow in the admin, per role; sensitive text never reaches those who may
not read it; actions are POST-only with CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.requests.conftest import walk
from tutoria_cms.requests import services
from tutoria_cms.requests.models import RequestState, TutoringRequest

pytestmark = pytest.mark.django_db

SECRET = "CONFIDENTIAL-XYZ"


def listing(client, user):
    client.force_login(user)
    return client.get(reverse("tutoria_requests:list"), HTTP_ACCEPT_LANGUAGE="en")


def inspect(client, user, request):
    client.force_login(user)
    return client.get(
        reverse("tutoria_requests:inspect", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )


@pytest.fixture
def assigned(support_request, coordinator, tutor):
    return services.assign_tutor(support_request, tutor, coordinator)


def test_listing_shows_each_role_its_requests(
    client, assigned, class_request, coordinator, board, tutor, other_tutor
):
    services.transition(class_request, "submit", coordinator)
    label_support, label_class = str(assigned), str(class_request)
    response = listing(client, coordinator)
    assert response.status_code == 200
    assert label_support in response.text and label_class in response.text
    response = listing(client, board)
    assert label_class in response.text and label_support not in response.text
    response = listing(client, tutor)
    assert label_support in response.text and label_class not in response.text
    assert listing(client, other_tutor).status_code in (302, 403)


def test_confidential_details_only_for_the_assigned_tutor(
    client, assigned, coordinator, board, tutor
):
    response = inspect(client, tutor, assigned)
    assert response.status_code == 200 and SECRET in response.text
    for user in (coordinator,):
        response = inspect(client, user, assigned)
        assert response.status_code == 200 and SECRET not in response.text
        assert "Emotional" not in response.text
    assert inspect(client, board, assigned).status_code == 404  # a draft is not the board's


def test_other_tutor_gets_no_access_to_anything_of_the_request(client, assigned, other_tutor):
    client.force_login(other_tutor)
    for name in (
        "tutoria_requests:inspect",
        "tutoria_requests:disclosure",
        "tutoria_requests:assign",
    ):
        response = client.get(reverse(name, args=[assigned.pk]))
        factories.assert_refused(response)
        assert SECRET not in response.text


def test_no_edit_or_delete_urls_even_for_superusers(client, assigned):
    from tests import factories

    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.get(reverse("tutoria_requests:list"))
    assert response.status_code == 200
    assert f"/edit/{assigned.pk}/" not in response.text
    assert f"/delete/{assigned.pk}/" not in response.text


CHOOSER = "wagtailsnippetchoosers_tutoria_requests_tutoringrequest"


def test_the_request_chooser_shows_only_requests_the_user_may_see(
    client, assigned, class_request, coordinator, tutor, other_tutor, board
):
    """Wagtail's snippet chooser listed every request (kind and number) to any admin user and
    answered "chosen" for any id; now it follows permissions.py, and creates nothing."""
    from tests import factories
    from tutoria_cms.core import roles

    communications = factories.UserFactory(username="com", groups=[roles.COMMUNICATIONS])
    choose = reverse(f"{CHOOSER}:choose")
    results = reverse(f"{CHOOSER}:choose_results")
    chosen = reverse(f"{CHOOSER}:chosen", args=[assigned.pk])
    several = reverse(f"{CHOOSER}:chosen_multiple") + f"?id={assigned.pk}&id={class_request.pk}"
    label_support, label_class = str(assigned), str(class_request)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    client.force_login(coordinator)
    for url in (choose, results):
        text = client.get(url).content.decode()
        assert label_support in text and label_class in text
    assert client.get(chosen).status_code == 200
    assert client.get(several).status_code == 200

    client.force_login(tutor)  # sees the request assigned to them, not the class request
    text = client.get(results).content.decode()
    assert label_support in text and label_class not in text
    assert client.get(chosen).status_code == 200
    assert client.get(several).status_code == 404  # one of the ids is not theirs

    client.force_login(board)  # a draft is not the board's
    assert label_support not in client.get(results).content.decode()
    assert client.get(chosen).status_code == 404

    for user in (communications, other_tutor):  # no request to see: no chooser
        client.force_login(user)
        for url in (choose, results, chosen, several):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"] == "/admin/", url

    client.force_login(coordinator)
    create = reverse(f"{CHOOSER}:create")
    assert client.get(create)["Location"] == "/admin/"
    assert client.post(create, {"kind": "support"})["Location"] == "/admin/"


def test_bulk_deletion_of_requests_is_refused_and_lists_nothing(
    client, assigned, class_request, coordinator, tutor
):
    """Wagtail's bulk "delete" for snippets listed the requests of any id to any admin user
    (as ones they may not delete); requests are never deleted: refused outright."""
    from tests import factories
    from tutoria_cms.requests.models import TutoringRequest

    communications = factories.UserFactory(username="com", groups=["Communications"])
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    url = (
        reverse("wagtail_bulk_action", args=["tutoria_requests", "tutoringrequest", "delete"])
        + f"?id={assigned.pk}&id={class_request.pk}"
    )
    for user in (communications, tutor, coordinator, root):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.post(url)["Location"] == "/admin/"
    assert TutoringRequest.objects.count() == 2


def test_site_history_shows_request_entries_only_to_who_may_see_the_request(
    client, assigned, class_request, coordinator, board, orientation, tutor, other_tutor
):
    """Wagtail's site history report showed every request's log entries to every holder of
    a permission on the model: the board saw drafts, the orientation service requests never
    referred to it. Requests log to their own model, filtered with permissions.py."""
    from wagtail.models import ModelLogEntry

    from tutoria_cms.requests.models import RequestLogEntry

    by = {"submit": coordinator, "review": coordinator, "approve": board, "start": coordinator}
    running = walk(assigned, by, "submit", "review", "approve", "start")
    draft = class_request  # not the board's
    assert RequestLogEntry.objects.filter(object_id=str(running.pk)).exists()
    assert not ModelLogEntry.objects.filter(object_id=str(running.pk)).exists()
    url = reverse("wagtailadmin_reports:site_history_results")

    def shown(user):
        client.force_login(user)
        entries = client.get(url).context["object_list"]
        return {int(entry.object_id) for entry in entries if isinstance(entry, RequestLogEntry)}

    assert shown(coordinator) == {running.pk, draft.pk}
    assert shown(board) == {running.pk}
    assert shown(tutor) == {running.pk}  # assigned to them
    assert shown(orientation) == set()  # nothing referred yet
    assert shown(other_tutor) == set()
    services.refer(running, tutor, reason="Orientación")
    assert shown(orientation) == {running.pk}


def test_board_denies_with_a_reason_through_the_admin(class_request, coordinator, board):
    walk(class_request, {"submit": coordinator, "review": coordinator}, "submit", "review")
    client = Client(enforce_csrf_checks=True)
    client.force_login(board)
    url = reverse("tutoria_requests:transition", args=[class_request.pk, "deny"])
    page = client.get(url)
    assert page.status_code == 200
    # Without the CSRF token: refused, nothing changed.
    assert client.post(url, {"reason": "Sin fundamento"}).status_code == 403
    class_request.refresh_from_db()
    assert class_request.state == RequestState.UNDER_REVIEW
    token = (
        page.cookies["csrftoken"].value
        if "csrftoken" in page.cookies
        else client.cookies["csrftoken"].value
    )
    # Empty reason: the form refuses with a clear message, nothing changed.
    response = client.post(
        url, {"reason": "", "csrfmiddlewaretoken": token}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200 and "obligatorio" in response.text
    response = client.post(url, {"reason": "No cumple el art. 244.", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    class_request.refresh_from_db()
    assert class_request.state == RequestState.DENIED
    assert class_request.decision_reason == "No cumple el art. 244."


def test_refused_transition_shows_a_translated_message(client, class_request, coordinator, board):
    walk(class_request, {"submit": coordinator, "review": coordinator}, "submit", "review")
    services.transition(class_request, "approve", board)
    client.force_login(board)
    url = reverse("tutoria_requests:transition", args=[class_request.pk, "deny"])
    response = client.post(url, {"reason": "Tarde"}, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert response.status_code == 200
    assert "agora não pode ser indeferida" in response.text


def test_roles_without_the_action_are_refused(client, class_request, tutor, board):
    client.force_login(board)
    url = reverse("tutoria_requests:transition", args=[class_request.pk, "submit"])
    assert client.post(url).status_code in (403, 404)


def test_coordination_records_a_new_request(client, coordinator, student, term, component):
    client.force_login(coordinator)
    url = reverse("tutoria_requests:add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "individual_class",
            "student": student.pk,
            "term": term.pk,
            "component": component.pk,
            "language": "es",
            "procedures_compatible": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    request = student.tutoring_requests.get()
    assert request.state == RequestState.DRAFT and request.created_by == coordinator
    response = client.post(
        url, {"kind": "individual_class", "student": student.pk, "language": "es"}
    )
    assert response.status_code == 200 and student.tutoring_requests.count() == 1


def test_assigned_tutor_records_confidential_details(client, assigned, tutor):
    client.force_login(tutor)
    url = reverse("tutoria_requests:disclosure", args=[assigned.pk])
    response = client.post(url, {"reasons": ["career_doubts"], "description": "Duda vocacional"})
    assert response.status_code == 302
    assigned.disclosure.refresh_from_db()
    assert assigned.disclosure.reasons == ["career_doubts"]
    history = assigned.disclosure.history.order_by("history_id").last()
    assert history.history_user == tutor


def test_new_request_offers_only_programme_pages_of_the_users_institutions(student):
    """A coordinator of one institution is offered only its programme pages; a person of
    both institutions, both."""
    from tutoria_cms.core import roles

    mx = factories.build_site("es", "localhost", title="Inicio", default=True)
    br = factories.build_site("pt-br", "127.0.0.1", title="Início")
    mx_programme = factories.build_programme(factories.build_programme_index(mx), title="PAT")
    br_programme = factories.build_programme(factories.build_programme_index(br), title="PAT BR")
    url = reverse("tutoria_requests:add")
    for sites, expected in (
        (["localhost"], {mx_programme.pk}),
        (["127.0.0.1"], {br_programme.pk}),
        (["localhost", "127.0.0.1"], {mx_programme.pk, br_programme.pk}),
    ):
        user = factories.UserFactory(groups=[roles.COORDINATION], sites=sites)
        client = Client()
        client.force_login(user)
        field = client.get(url).context["form"].fields["programme"]
        assert set(field.queryset.values_list("pk", flat=True)) == expected


def test_new_request_offers_only_students_terms_and_components_of_the_users_institution():
    """The student, term and component fields listed every institution's records."""
    import datetime

    from tutoria_cms.academics.models import CurricularComponent, Term
    from tutoria_cms.core import roles

    mx = factories.build_site("es", "localhost", title="Inicio", default=True).get_site()
    br = factories.build_site("pt-br", "127.0.0.1", title="Início").get_site()
    mine, theirs = {}, {}
    for site, records in ((mx, mine), (br, theirs)):
        records["student"] = factories.make_student(f"S{site.pk}", site=site)
        records["term"] = Term.objects.create(
            site=site,
            code=f"T{site.pk}",
            name="2026/1",
            starts_on=datetime.date(2026, 2, 2),
            ends_on=datetime.date(2026, 6, 30),
        )
        records["component"] = CurricularComponent.objects.create(
            site=site, code=f"C{site.pk}", name="Cálculo I", hours=60
        )
    client = Client()
    client.force_login(factories.UserFactory(groups=[roles.COORDINATION], sites=["localhost"]))
    url = reverse("tutoria_requests:add")
    fields = client.get(url).context["form"].fields
    for name, record in mine.items():
        assert set(fields[name].queryset.values_list("pk", flat=True)) == {record.pk}
    data = {
        "kind": "individual_class",
        "student": theirs["student"].pk,
        "term": theirs["term"].pk,
        "component": theirs["component"].pk,
        "language": "es",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and set(response.context["form"].errors) >= set(theirs)
    assert not TutoringRequest.objects.exists()


def test_assign_tutor_lists_tutors_by_name(client, support_request, coordinator, tutor):
    """The tutor field showed usernames only; a person picks a tutor by name."""
    tutor.first_name, tutor.last_name = "Ana", "Ramírez"
    tutor.save()
    client.force_login(coordinator)
    url = reverse("tutoria_requests:assign", args=[support_request.pk])
    field = client.get(url).context["form"].fields["tutor"]
    labels = [label for _value, label in field.choices]
    assert f"Ana Ramírez ({tutor.username})" in labels


def test_inspect_history_lists_who_when_and_which_fields(client, assigned, coordinator):
    services.transition(assigned, "submit", coordinator)
    response = inspect(client, coordinator, assigned)
    history = response.context["request_history"]
    assert [record.state for record, _changed in history] == ["draft", "draft", "submitted"]
    assert "assigned tutor" in history[1][1]
    assert {"state", "submitted at"} <= set(history[2][1])


def test_new_request_offers_only_programme_pages(client, coordinator, student):
    """The "Programme" field listed every page of the tree (home, tutor profiles, workshops)."""
    home = factories.build_site("es", "localhost", title="Inicio", default=True)
    index = factories.build_programme_index(home)
    programme = factories.build_programme(index, title="Programa de Acción Tutorial")
    workshop = factories.build_workshop(programme, title="Taller de técnicas de estudio")
    tutors = factories.build_tutor_index(home)
    profile = factories.build_tutor_profile(tutors, title="Dra. Ana Pérez")
    client.force_login(coordinator)
    url = reverse("tutoria_requests:add")
    field = client.get(url).context["form"].fields["programme"]
    offered = set(field.queryset.values_list("pk", flat=True))
    assert offered == {programme.pk}
    assert not offered & {home.pk, index.pk, workshop.pk, tutors.pk, profile.pk}
    # A page of another type is refused by the form, with its error.
    response = client.post(
        url,
        {
            "kind": "support",
            "student": student.pk,
            "programme": workshop.pk,
            "language": "es",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert not student.tutoring_requests.exists()
