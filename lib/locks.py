"""A named lock held until the transaction ends, for work that must run one at a time but
has no row to lock yet — handing out the first certificate number of an organiser's year,
when no numbered certificate exists to lock.

PostgreSQL: a transaction-level advisory lock on the name's hash. SQLite needs nothing: its
transactions begin IMMEDIATE (config/settings.py), so writers already run one at a time."""

from django.db import connection


def hold(name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called `name`. Call it inside
    `transaction.atomic`."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])
