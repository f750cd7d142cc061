from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("people/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("log/", views.access_log_page, name="access_log"),
    path("me/", views.my_data, name="my_data"),
    path("me/export/", views.my_data_export, name="my_data_export"),
]
