"""The students' URLs: their area, and django-allauth's sign-in pages (``accounts/``)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("profile/", views.my_area, name="tutoria_students_my_area"),
    path("", include("allauth.urls")),
]
