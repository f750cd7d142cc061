"""retention pages."""

urlpatterns: list = []
