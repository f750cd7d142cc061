"""Work to do once the transaction commits, asked for by many changes and done once.

A stored set of figures (the retention, basic-training, new-cadres, evaluation and unit-tree
stores) is marked changed after the commit of any post, record or unit saved. A transaction
that saves a thousand posts — a merger of unions, the demo, a service writing a list — asked
for the same mark a thousand times, each its own UPDATE at the commit; asked through here,
the work is done once per key when the transaction commits.

Each ask still registers its callback with Django (so a savepoint rolled back drops its own,
and a test running the callbacks of a block runs those asked in it); the callbacks of one key
share a token, and the first to run does the work for all of them. Once it has run, a later
ask — a change after the mark, which a test running the callbacks before its transaction ends
can make — gets a new token. The tokens are kept beside Django's list of callbacks
(`connection.run_on_commit`), which it replaces when the transaction ends or a savepoint is
rolled back."""

from collections.abc import Callable, Hashable

from django.db import transaction


class _Token:
    done = False


def once_after_commit(key: Hashable, work: Callable[[], None], using: str | None = None) -> None:
    """`work()` after the current transaction commits (at once outside a transaction), done
    once however many times `key` was asked for before it ran."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        work()
        return
    hooks = connection.run_on_commit
    kept = getattr(connection, "_once_after_commit", None)
    if kept is None or kept[0] is not hooks:
        kept = connection._once_after_commit = (hooks, {})
    tokens = kept[1]
    token = tokens.setdefault(key, _Token())

    def run() -> None:
        if token.done:
            return
        token.done = True
        if tokens.get(key) is token:
            del tokens[key]
        work()

    transaction.on_commit(run, using=using)
