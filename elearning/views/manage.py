"""manage pages (to be completed)."""

urlpatterns: list = []
