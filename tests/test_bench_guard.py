"""The benchmarks drop and fill databases: they refuse any but their own."""

import importlib
import os

import pytest


@pytest.fixture
def run_bench(monkeypatch):
    # Importing the benchmark sets DATABASE_URL when it is unset; keep this process's as it is
    # (subprocesses of later tests inherit it).
    monkeypatch.setenv("DATABASE_URL", os.environ.get("DATABASE_URL", "sqlite:///unused"))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", os.environ["DJANGO_SETTINGS_MODULE"])
    return importlib.import_module("bench.run_bench")


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:5432/bench",
        "postgres://postgres@127.0.0.1:5432/bench_retention",
        "sqlite:////tmp/b50k.sqlite3",
    ],
)
def test_a_benchmark_database_is_accepted(run_bench, url):
    run_bench.require_bench_database(url)


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:5432/union",
        "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
        "sqlite:////srv/union/db.sqlite3",
    ],
)
def test_any_other_database_is_refused_before_anything_is_dropped(run_bench, url):
    with pytest.raises(SystemExit, match="Refusing to run a benchmark"):
        run_bench.create_database(url, drop=True)
