import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The URL configuration imports every view and builds the API's schema: seconds of work that
# would otherwise fall on the first request each worker answers.
get_resolver().url_patterns  # noqa: B018 (loaded for its side effect)
