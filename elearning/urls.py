"""Learners' pages (learn, quizzes) and organisers' pages (manage, content exchange)."""

from django.views.decorators.cache import cache_control

from elearning.views import learn, manage, offline, quizzes, scorm

# The learner's pages are one person's: the phone's service worker may keep them (issue 25 §3),
# a shared cache never.
for _pattern in learn.urlpatterns:
    _pattern.callback = cache_control(private=True)(_pattern.callback)

app_name = "elearning"
urlpatterns = [
    *learn.urlpatterns,
    *offline.urlpatterns,
    *quizzes.urlpatterns,
    *manage.urlpatterns,
    *scorm.urlpatterns,
]
