from django.urls import path

from targets import views

app_name = "targets"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("progress/", views.progress, name="progress"),
    path("needs/", views.needs, name="needs"),
    path("explain/", views.explain, name="explain"),
    path("recompute/", views.recompute, name="recompute"),
    path("charts/", views.charts, name="charts"),
    path("manage/", views.target_list, name="target_list"),
    path("new/", views.target_new, name="target_new"),
    path("<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/allocate/", views.allocate, name="allocate"),
    path("people/<int:person_id>/", views.person_obligations_view, name="person_obligations"),
]
