"""learn pages (to be completed)."""

urlpatterns: list = []
