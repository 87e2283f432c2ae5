"""The students' URLs: their area, and django-allauth's sign-in pages (``accounts/``)."""

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
    path("", include("allauth.urls")),
]
