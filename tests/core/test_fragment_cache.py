"""``{% tutoria_fragment %}`` (core/templatetags/tutoria_cache.py): a part of a public page
kept in the cache under the content generation, per language, never for what a visitor typed;
and the tutor directory, whose form and cards it keeps."""

import pytest
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests import factories
from tutoria_cms.core import page_cache
from tutoria_cms.workshops.models import WorkshopSession

pytestmark = pytest.mark.django_db

TEMPLATE = Template(
    '{% load tutoria_cache %}{% tutoria_fragment "part" key when=cacheable %}'
    "{{ counter }}{% endtutoria_fragment %}"
)


class Counter:
    """Counts how often the fragment's body is rendered."""

    def __init__(self):
        self.renders = 0

    def __str__(self):
        self.renders += 1
        return f"render {self.renders}"


def render(counter, key="a", cacheable=True):
    return TEMPLATE.render(Context({"counter": counter, "key": key, "cacheable": cacheable}))


def test_a_fragment_is_rendered_once_until_content_changes():
    counter = Counter()
    assert render(counter) == "render 1"
    assert render(counter) == "render 1"
    assert counter.renders == 1
    page_cache.bump()  # a page published, a snippet or a setting changed
    assert render(counter) == "render 2"


def test_fragments_are_kept_apart_by_key_and_language():
    counter = Counter()
    assert render(counter, key="a") == "render 1"
    assert render(counter, key="b") == "render 2"
    with translation.override("pt-br"):
        assert render(counter, key="a") == "render 3"
    with translation.override("es"):
        assert render(counter, key="a") == "render 4"
        assert render(counter, key="a") == "render 4"


def test_when_false_the_fragment_is_always_rendered():
    counter = Counter()
    assert render(counter, cacheable=False) == "render 1"
    assert render(counter, cacheable=False) == "render 2"
    # ...and what was rendered then was not kept for the cacheable case either.
    assert render(counter, cacheable=True) == "render 3"


def test_a_fragment_needs_a_name():
    with pytest.raises(TemplateSyntaxError, match="needs a name"):
        Template("{% load tutoria_cache %}{% tutoria_fragment %}x{% endtutoria_fragment %}")


@pytest.fixture
def directory(mx_home):
    index = factories.build_tutor_index(mx_home, title="Tutores")
    for number, name in enumerate(("Ana Ruiz", "Beto Sol")):
        user = factories.build_tutor_user(f"frag{number}")
        factories.build_tutor_profile(
            index, title=name, user=user, disciplines=["Química"], modalities=["video"]
        )
    return index


def profile_queries(queries):
    return [q["sql"] for q in queries if "tutoria_tutors_tutorprofilepage" in q["sql"]]


def test_the_bare_directory_serves_its_form_and_cards_from_the_cache(directory):
    client = Client()
    first = client.get(directory.url, HTTP_HOST="localhost")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = client.get(directory.url, HTTP_HOST="localhost")
    # The list, its count and the disciplines of the form are not read again.
    assert profile_queries(queries) == []
    for response in (first, second):
        body = response.content.decode()
        assert "Ana Ruiz" in body and "Beto Sol" in body
        assert "2 tutores" in body
        assert 'name="discipline"' in body and "Química" in body


def test_a_profile_published_shows_at_once(directory):
    client = Client()
    assert "Carla Paz" not in client.get(directory.url, HTTP_HOST="localhost").content.decode()
    user = factories.build_tutor_user("frag-new")
    factories.build_tutor_profile(directory, title="Carla Paz", user=user)
    body = client.get(directory.url, HTTP_HOST="localhost").content.decode()
    assert "Carla Paz" in body and "3 tutores" in body


def test_a_filtered_directory_is_never_served_from_the_cache(directory):
    client = Client()
    client.get(directory.url, HTTP_HOST="localhost")  # the bare directory, kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(directory.url + "?q=Beto", HTTP_HOST="localhost")
    assert profile_queries(queries)
    body = response.content.decode()
    assert "Beto Sol" in body and "Ana Ruiz" not in body
    assert 'value="Beto"' in body  # the form shows what was typed
    # An invalid filter is reported, not a cached form without the error.
    response = client.get(directory.url + "?min_level=99", HTTP_HOST="localhost")
    assert 'role="alert"' in response.content.decode()


def test_a_preview_never_reads_nor_writes_a_fragment(rf):
    counter = Counter()
    request = rf.get("/")
    request.is_preview = True  # as Wagtail's serve_preview sets it
    for expected in ("render 1", "render 2"):
        html = TEMPLATE.render(
            Context({"counter": counter, "key": "a", "cacheable": True, "request": request})
        )
        assert html == expected
    assert render(counter) == "render 3"  # nothing was kept for the live page either


def test_the_calendar_shows_a_new_session_at_once(mx_home):
    index = factories.build_programme_index(mx_home)
    programme = factories.build_programme(index)
    workshop = factories.build_workshop(programme, title="Lectura veloz")
    calendar = factories.build_workshop_calendar(mx_home)
    client = Client()
    body = client.get(calendar.url, HTTP_HOST="localhost").content.decode()
    assert body.count("Lectura veloz") == 1
    with CaptureQueriesContext(connection) as queries:
        client.get(calendar.url, HTTP_HOST="localhost")
    assert not [q for q in queries if "tutoria_workshops_workshopsession" in q["sql"]]
    WorkshopSession.objects.create(page=workshop, **factories.session_data(days=40))
    body = client.get(calendar.url, HTTP_HOST="localhost").content.decode()
    assert body.count("Lectura veloz") == 2
