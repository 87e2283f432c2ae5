"""The students' URLs: their area, and django-allauth's sign-in pages (``accounts/``)."""

from django.apps import apps
from django.urls import include, path

from . import views

urlpatterns = [
    path("profile/", views.MyAreaView.as_view(), name="tutoria_students_my_area"),
    # Before allauth's own (same route and name): its provider's origin in form-action.
    path(
        "oidc/<str:provider_id>/login/",
        views.SSOLoginView.as_view(),
        name="openid_connect_login",
    ),
    *(
        # The same for SAML, when allauth's SAML provider is installed (sso.py).
        [
            path(
                "saml/<str:organization_slug>/login/",
                views.SSOLoginView.as_view(protocol="saml"),
                name="saml_login",
            )
        ]
        if apps.is_installed("allauth.socialaccount.providers.saml")
        else []
    ),
    path("", include("allauth.urls")),
]
