"""The access matrix in templates: a menu shows only the links the user's role may open."""

from django import template

from accounts.access import may_use_route

register = template.Library()


@register.filter
def may_open(user, path: str) -> bool:
    """Whether the user's role may open a page of the site, by its path (`{% url %}`), as
    the access middleware decides it (accounts.access.ROUTES)."""
    return may_use_route(user, str(path).lstrip("/"))
