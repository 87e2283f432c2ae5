"""``core.views.safe_next``: where the admin's forms return after an action."""

from django.test import RequestFactory

from tutoria_cms.core.views import safe_next


def test_a_path_on_this_site_is_followed_post_first():
    request = RequestFactory().post("/admin/x/?next=/admin/from-get/", {"next": "/admin/a/"})
    assert safe_next(request, "/default/") == "/admin/a/"
    request = RequestFactory().get("/admin/x/", {"next": "/admin/from-get/"})
    assert safe_next(request, "/default/") == "/admin/from-get/"


def test_another_host_or_scheme_or_nothing_gives_the_default():
    factory = RequestFactory()
    for target in ("https://evil.example/", "//evil.example/admin/", "javascript:alert(1)", ""):
        assert safe_next(factory.get("/admin/x/", {"next": target}), "/default/") == "/default/"
    # An https page does not send people to http.
    request = factory.get("/admin/x/", {"next": "http://testserver/admin/"}, secure=True)
    assert safe_next(request, "/default/") == "/default/"
