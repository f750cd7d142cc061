"""pools pages."""

urlpatterns: list = []
