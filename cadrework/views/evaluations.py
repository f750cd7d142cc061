"""evaluations pages."""

urlpatterns: list = []
