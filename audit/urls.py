from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("units/<int:pk>/", views.unit_history, name="unit"),
    path("people/<int:pk>/", views.person_history, name="person"),
    path("classes/<int:pk>/", views.class_history, name="class"),
    path("plans/<int:pk>/", views.plan_history, name="plan"),
    path("evaluations/<int:pk>/", views.evaluation_history, name="evaluation"),
    path("targets/<int:pk>/", views.target_history, name="target"),
]
