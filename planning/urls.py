from django.urls import path

from planning import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("deadline/", views.deadline_set, name="deadline_set"),
    path("consolidated/", views.consolidated, name="consolidated"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/lines/new/", views.line_create, name="line_create"),
    path("plans/<int:pk>/submit/", views.plan_action, {"action": "submit"}, name="submit"),
    path("plans/<int:pk>/return/", views.plan_action, {"action": "return"}, name="return"),
    path("plans/<int:pk>/approve/", views.plan_action, {"action": "approve"}, name="approve"),
    path("lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("lines/<int:pk>/delete/", views.line_delete, name="line_delete"),
    path("lines/<int:pk>/link/", views.class_link, name="class_link"),
    path("links/<int:pk>/delete/", views.class_unlink, name="class_unlink"),
    path("spending/", views.spending, name="spending"),
    path("growth/", views.growth, name="growth"),
    path("employers/", views.employers, name="employers"),
    path("new-cadres/", views.new_cadres, name="new_cadres"),
    path("class-goals/", views.class_goals, name="class_goals"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/close/", views.survey_close, name="survey_close"),
    path("surveys/<int:pk>/plan/", views.plan_from_survey, name="plan_from_survey"),
]
