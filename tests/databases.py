"""Which tests run on which database (a pytest plugin, loaded by `addopts` in pyproject.toml).

CI runs the suite twice, on SQLite and on PostgreSQL, side by side on two cores (`.ci/run`).
Work that gives the same answer on both runs once, in the SQLite run, so the two finish
together sooner:

- A test that does not use the database (no `db`, `transactional_db` or `live_server`, no
  `django_db` mark; pytest-django refuses it any query) cannot differ between the two runs:
  the validators, the export neutraliser, the production-settings checks that start their own
  server on PostgreSQL whatever the suite's database.
- A test marked `alternate_databases` is parametrised over cases that each exercise the same
  queries (the scope probe's personas): its cases are shared out, the even ones on SQLite, the
  odd ones on PostgreSQL — every case runs, and each database runs the probe.
- A browser test (marked `browser`) drives Chromium through pages whose queries the page and
  service tests already run on both databases: what it adds — scripts, forms, layout, the
  live server — is the same on either. The browser tests are shared out like the probe's
  personas, by their place in the collected order: the even ones on SQLite, the odd ones on
  PostgreSQL (about 4 minutes less on each side).
- A test marked `one_database` reads what the site writes — the digits of a page, an export or
  a report, not which rows a query found — over every page of the demo, whose queries the page
  and service tests run on both databases (the grouped-years-and-ids scan; the exports' cells
  neutralised against formulas and their download names, whose queries the export tests run
  on both), or whether a file opens in LibreOffice: it runs in the SQLite run only.
- A Hypothesis test on the database draws half its budget of examples in each run
  (`shared_examples`; the oracle, whose histories cost PostgreSQL a third more, 3 of its 8
  there), each database from a seed of its own (`database_seed`): both databases run every
  property, and the two runs together draw as many different examples as the budget.

`ALL_TESTS_ON_EVERY_DATABASE=1` runs everything, with whole budgets, on whichever database is set.
"""

import os

import hypothesis
import pytest
from django.conf import settings

DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}


def on_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def uses_database(item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def runs_here(item, postgresql: bool, browser_index: dict) -> bool:
    if item.get_closest_marker("alternate_databases") is not None:
        index = sum(getattr(item, "callspec", None).indices.values())
        return index % 2 == (1 if postgresql else 0)
    if item.get_closest_marker("one_database") is not None:
        return not postgresql
    if item in browser_index:
        return browser_index[item] % 2 == (1 if postgresql else 0)
    return uses_database(item) or not postgresql


def every_test_everywhere() -> bool:
    return bool(os.environ.get("ALL_TESTS_ON_EVERY_DATABASE"))


def shared_examples(budget: int, postgresql: int | None = None) -> int:
    """This run's share of a Hypothesis test's `budget`: half of it, rounded up — or, for a
    test whose examples cost PostgreSQL much more than SQLite, `postgresql` of them in the
    PostgreSQL run and the rest in the SQLite run, so that the two runs end together."""
    if every_test_everywhere():
        return budget
    if postgresql is None:
        return -(-budget // 2)
    return postgresql if on_postgresql() else budget - postgresql


def database_seed(test):
    """Draw a Hypothesis test's examples from this database's own seed: the same examples on
    every run of one database (a failure reproduces), other examples on the other."""
    return hypothesis.seed(20260 + on_postgresql())(test)


def pytest_collection_modifyitems(config, items):
    if every_test_everywhere():
        return
    postgresql = on_postgresql()
    browser = [item for item in items if item.get_closest_marker("browser") is not None]
    browser_index = {item: i for i, item in enumerate(sorted(browser, key=lambda i: i.nodeid))}
    kept = [item for item in items if runs_here(item, postgresql, browser_index)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL the test database's commits do not wait for the disk (a crash could lose
    the last ones, which a test database does not mind; what other connections see is the
    same): the tests that commit — the browser tests, the concurrency tests — go faster. Nor
    are queries compiled just in time: on the tests' few rows, with no statistics, the planner
    thinks the targets' queries big enough to compile, and compiling costs more than it saves
    (tests/targets alone: 101 s with it, 86 s without)."""
    if on_postgresql():
        options = settings.DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = "-c synchronous_commit=off -c jit=off"


def pytest_report_header(config):
    if every_test_everywhere():
        return "every test runs on this database"
    if on_postgresql():
        return (
            "PostgreSQL run: the tests that use the database and the odd cases of the "
            "alternating ones and of the browser tests, half of each Hypothesis budget "
            "(tests/databases.py); the others run in the SQLite run"
        )
    return (
        "SQLite run: every test but the odd cases of the alternating ones and of the browser "
        "tests, half of each Hypothesis budget (tests/databases.py)"
    )


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    """A test outside a transaction (the browser's live server, the races) ends with a flush.
    Two of its costs buy nothing here:

    - On PostgreSQL, flush is one TRUNCATE of all ~150 tables, which makes each table anew on
      disk (3 to 7 s a test on this machine). The tests' few rows go faster by DELETE, in one
      transaction; and as every table is emptied, the foreign keys' triggers, which would
      queue a check for each deleted row, are switched off for it (`session_replication_role`,
      when the test server lets us: its superuser can) — the demo's flush 1.3 s -> see
      docs/benchmarks.md, "Test suite".
    - Django then fires `post_migrate`, which writes the content types and permissions back
      under new keys, only for the next test to delete them and put back the rows the
      migrations left, keys and all (tests/snapshot.py `restore_initial`): not fired.

    Only the test runner's flush changes: a flush a test calls itself (tests/test_backup.py)
    and lib/backup.py's restore are as in production."""
    from django.core.management import call_command
    from django.core.management.commands import flush
    from django.test import TransactionTestCase

    from tests import snapshot

    truncate_all = flush.sql_flush
    teardown = TransactionTestCase._fixture_teardown

    def delete_all(style, connection, reset_sequences=True, allow_cascade=False):
        if connection.vendor != "postgresql" or reset_sequences or allow_cascade:
            return truncate_all(
                style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        without_triggers = (
            ["SET LOCAL session_replication_role = replica;"] if superuser(connection) else []
        )
        return without_triggers + [
            f"DELETE FROM {connection.ops.quote_name(table)};" for table in tables
        ]

    superusers: dict[str, bool] = {}

    def superuser(connection) -> bool:
        if connection.alias not in superusers:
            with connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                superusers[connection.alias] = bool(cursor.fetchone()[0])
        return superusers[connection.alias]

    def flush_without_post_migrate(self):
        if snapshot._initial is None or self.available_apps is not None:
            return teardown(self)
        for alias in self._databases_names(include_mirrors=False):
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=alias,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )

    flush.sql_flush = delete_all
    TransactionTestCase._fixture_teardown = flush_without_post_migrate
    yield
    flush.sql_flush = truncate_all
    TransactionTestCase._fixture_teardown = teardown
