from django.urls import path

from calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
