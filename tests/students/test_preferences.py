"""The student area's "E-mail notices": a student turns the optional e-mails off and on;
only their own account changes."""

import pytest

from tests import factories

from .conftest import MX_HOST, client_for


@pytest.fixture
def area(institutions):
    return factories.build_student_area(institutions[0].root_page)


def student(number, site):
    return factories.make_student_user(factories.make_student(number, site=site))


def test_a_student_turns_news_off_and_on(area, institutions):
    user, other = student("MX001", institutions[0]), student("MX002", institutions[0])
    client = client_for(MX_HOST)
    client.force_login(user)
    url = area.relative_url(area.get_site()) + "notices/"
    page = client.get(url).content.decode()
    assert 'name="email_news"' in page and "checked" in page
    assert "MX001@example.edu" in page
    response = client.post(url, {})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"].endswith(url)
    assert "Tu elección quedó guardada." in client.get(url).content.decode()
    user.student_account.refresh_from_db()
    other.student_account.refresh_from_db()
    assert user.student_account.email_news is False
    assert other.student_account.email_news is True
    overview = client.get(area.relative_url(area.get_site())).content.decode()
    assert "Por correo recibes solo las decisiones" in overview
    client.post(url, {"email_news": "on"})
    user.student_account.refresh_from_db()
    assert user.student_account.email_news is True


def test_the_notices_section_needs_a_student_of_the_institution(area, institutions):
    url = area.relative_url(area.get_site()) + "notices/"
    assert client_for(MX_HOST).post(url, {}).status_code == 302  # to sign in
    elsewhere = student("BR001", institutions[1])
    client = client_for(MX_HOST)
    client.force_login(elsewhere)
    assert client.post(url, {}).status_code == 403
    elsewhere.student_account.refresh_from_db()
    assert elsewhere.student_account.email_news is True
