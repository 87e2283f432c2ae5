from django.urls import path

from . import views

app_name = "tutoria_accreditation"

urlpatterns = [
    path("", views.ExportView.as_view(), name="export"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/download/", views.download, name="download"),
    path("indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path("subject-access/", views.SubjectAccessView.as_view(), name="subject_access"),
]
