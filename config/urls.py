from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django_otp.admin import OTPAdminSite

from accounts import views as account_views
from elearning.views import offline as offline_views
from people import views as people_views
from training import views as training_views

# The admin asks for a session verified by a second factor (accounts.twofactor).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("accounts.urls")),
    # One person's page: the phone's service worker may keep it (issue 25 §3), a shared cache never.
    path("me/", cache_control(private=True)(people_views.my_profile), name="my_profile"),
    # The installable app (issue 25 §3): the worker at the root, so its scope is the site.
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("offline/", offline_views.offline_page, name="offline"),
    path("notifications/", include("notifications.urls")),
    path("calendar/", include("calendars.urls")),
    path("units/", include("units.urls")),
    path("people/", include("people.urls")),
    path("training/", include("training.urls")),
    path("standards/", include("standards.urls")),
    path("targets/", include("targets.urls")),
    path("imports/", include("imports.urls")),
    path("reports/", include("reports.urls")),
    path("planning/", include("planning.urls")),
    path("cadrework/", include("cadrework.urls")),
    path("elearning/", include("elearning.urls")),
    path("privacy/", include("privacy.urls")),
    path("audit/", include("audit.urls")),
    path("schedule/", include("schedule.urls")),
    path("verify/<uuid:code>/", training_views.verify, name="verify"),
    path("api/v1/", include("api.urls")),
    path("admin/login/", account_views.admin_login),
    path("admin/", admin.site.urls),
    # Before Django's own: the switch is also remembered on the account (mail language).
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
]
