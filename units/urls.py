from django.urls import path

from units import views

app_name = "units"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.create, name="create"),
    path("suggest/", views.suggest, name="suggest"),
    path("pick/", views.pick, name="pick"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/rename/", views.rename, name="rename"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/terms/new/", views.term_create, name="term_create"),
    path("<int:pk>/figures/", views.figures, name="figures"),
]
