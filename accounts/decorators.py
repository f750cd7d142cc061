from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def _require(test):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Browse the unit's subtree: officers, lecturers, inspectors, administrators.
officer_required = _require(lambda user: user.can_browse)
# Change data in the subtree: training officers and administrators.
writer_required = _require(lambda user: user.can_write)
