from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("template/", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/replace/", views.replace, name="replace"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/commit/", views.commit, name="commit"),
    path("<int:pk>/rerun/", views.rerun, name="rerun"),
]
