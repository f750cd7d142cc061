"""quizzes pages (to be completed)."""

urlpatterns: list = []
