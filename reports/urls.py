from django.urls import path

from reports import views
from reports.models import ReportKind

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    # One route per report (no parameter in the path: the unit is a form field).
    *[path(f"{kind}/", views.report, {"kind": kind}, name=kind) for kind in ReportKind.values],
    path("implementation/", views.implementation, name="implementation"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
