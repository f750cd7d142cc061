from django.urls import path

from standards import views

app_name = "standards"
urlpatterns = [
    path("", views.standard_list, name="list"),
    path("people/<int:person_id>/", views.person_panel, name="person"),
]
