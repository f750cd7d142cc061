from django.http import HttpRequest

from notifications.selectors import unread_count


def unread(request: HttpRequest) -> dict:
    """The bell's count of unread notifications, counted only if a page shows it (a template
    calls the function; it counts once)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    kept: list[int] = []

    def count() -> int:
        if not kept:
            kept.append(unread_count(user))
        return kept[0]

    return {"unread_notifications": count}
