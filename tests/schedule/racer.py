"""A worker process for the schedule tests: `python -m tests.schedule.racer …`.

It registers the test's jobs (a real worker knows only the apps' jobs; these bodies write
each run as a line of `--log`, which the test reads back), waits for the `--go` file to
appear — the barrier that starts several of them at the same moment — then runs what is
due, as `run_worker` and `run_schedule` do (schedule.runner.run_due), and prints how many
jobs it ran."""

import argparse
import datetime as dt
import os
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--go", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--every", type=float, default=60, help="the jobs' period, seconds")
    parser.add_argument("--sleep", type=float, default=0, help="seconds each run lasts")
    parser.add_argument("--now", help="the moment to act as of (ISO)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from schedule import registry, runner

    def body(code: str):
        def run(previous, now) -> str:
            with args.log.open("a") as log:
                log.write(f"{code} {os.getpid()} start\n")
            time.sleep(args.sleep)
            with args.log.open("a") as log:
                log.write(f"{code} {os.getpid()} end\n")
            return f"{os.getpid()}"

        return run

    codes = [f"test.race.{i:02d}" for i in range(args.jobs)]
    for code in codes:
        registry.register(
            registry.Job(
                code=code,
                label=code,
                every=dt.timedelta(seconds=args.every),
                run=body(code),
            )
        )
    now = dt.datetime.fromisoformat(args.now) if args.now else None
    print("ready", flush=True)
    while args.go is not None and not args.go.exists():
        time.sleep(0.002)
    runs = runner.run_due(now, codes=codes)
    print(len(runs), flush=True)


if __name__ == "__main__":
    main()
