from django.urls import path

from . import views

app_name = "tutoria_tutors"

urlpatterns = [
    path("my-matrix/", views.MyMatrixView.as_view(), name="my_matrix"),
    path(
        "profiles/<int:page_id>/matrix/", views.ProfileMatrixView.as_view(), name="profile_matrix"
    ),
    path(
        "profiles/<int:page_id>/history/",
        views.AssessmentHistoryView.as_view(),
        name="assessment_history",
    ),
    path("heat-map/", views.HeatMapView.as_view(), name="heat_map"),
]
