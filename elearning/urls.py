"""Learners' pages (learn, quizzes) and organisers' pages (manage, content exchange)."""

from elearning.views import learn, manage, quizzes

app_name = "elearning"
urlpatterns = [*learn.urlpatterns, *quizzes.urlpatterns, *manage.urlpatterns]
