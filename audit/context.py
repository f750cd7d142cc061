"""Who is acting: the user (and address) every log entry written meanwhile is attributed to.

A page request acts as its signed-in user (audit.middleware), an API request as the owner of
its bearer token (api.auth calls `attribute_to` once the token is checked, which happens
inside the view, after the middleware), a background job as the user who started it
(`acting_as` around the job). Outside all of these (a management command, a migration) the
actor is empty: the system.

This is kept here rather than in auditlog.context.set_actor because that one evaluates the
user eagerly, connects a signal receiver per request and, nested, leaves the inner actor in
place once the inner block ends; a context variable restored on exit has none of these."""

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Actor:
    """`request` is read lazily: a request that writes nothing never loads its user here."""

    user: object = None
    request: object = None
    remote_addr: str | None = None
    cid: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def user_id(self) -> int | None:
        user = self.user
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user.pk


_current: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


def current() -> Actor | None:
    return _current.get()


@contextlib.contextmanager
def acting(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def acting_as(user, *, cid: str | None = None):
    """Attribute what happens inside to `user` (a background job's owner). Inside a request
    the request's address is kept."""
    outer = current()
    return acting(
        Actor(
            user=user,
            remote_addr=outer.remote_addr if outer else None,
            cid=cid or (outer.cid if outer else uuid.uuid4().hex),
        )
    )


def attribute_to(user) -> None:
    """From here on, the current request acts as `user` (the API's bearer token's owner)."""
    actor = current()
    if actor is not None:
        actor.user = user


def entry_fields() -> dict:
    """The actor's fields of a log entry being written now."""
    actor = current()
    if actor is None:
        return {}
    return {"actor_id": actor.user_id, "remote_addr": actor.remote_addr, "cid": actor.cid}


def disabled() -> bool:
    """True inside auditlog.context.disable_auditlog() (the demo and bench generators)."""
    from auditlog.context import auditlog_disabled

    return auditlog_disabled.get()
