"""Load scenario (issues 9 and 22): officers at four levels working in the system at once.

Run by `bench/load_bench.py` (`make load`), which prepares the accounts file this scenario
reads (LOAD_ACCOUNTS) and starts `make serve`; by hand:

    LOAD_ACCOUNTS=/tmp/.../accounts.json .venv/bin/locust -f bench/load/locustfile.py \\
        --headless -u 51 -r 10 --run-time 240s --host http://127.0.0.1:8765

Who: 50 training officers, each with an account of their own, logged in through the real
login form (CSRF token from the form, the session cookie after): 2 at the confederation,
8 in provinces of every size, 15 in upper-grassroots unions (district, industrial-zone and
sector unions) and 25 in grassroots unions spread over the country. The lower the level,
the more officers (there are thousands of grassroots officers and 34 provinces), so the
mix weighs towards the cheap pages of small subtrees, as real use does; the national
officers are few but their pages read the whole country. None is a superuser. A larger run
keeps the mix (LOAD_USERS: 8, 32, 60 and 100 for 200 users).

What: each officer opens every kind of page an officer of that level opens, weighted per
level (TASKS below, where the weights are explained), each as a browser loads it (the htmx
requests a page makes on load are requests of their own):
- targets: the dashboard and the year charts it loads, a unit below on the dashboard, a
  target's allocation to the units below;
- people: the list, a search (the htmx partial the search box asks for), a person's page
  and its four panels (sessions, obligations, standards, cadre work);
- units: the unit tree, one level down in it, a unit's page;
- training: the classes, a class (and its sessions), the statistics, the chairs to train,
  the lecturers;
- planning: the plans (own and below), a plan, the consolidated plan, spending, member
  growth, class goals, new cadres, needs surveys, employers;
- cadre work: succession pools, evaluations, retention and its people, inspections;
- the JSON API with a bearer token: the lists a unit's own tools pull (people, positions,
  training records, classes, evaluations, plans, a unit's children) and a unit's targets.

Think time: 3 to 12 s between pages (7.5 s on average, LOAD_THINK="3,12"). An officer reads a
dashboard, a list or a profile for 10 to 30 s before the next click, but types a search or
opens the next person of a list within a few seconds: 7.5 s is on the busy side of real use.
`bench/load_bench.py --think 1,5` runs the same scenario at a brisk clicking pace (3 s on
average): 50 users then load the server like 125 officers at the normal pace.

Through a TLS proxy: production mode only serves HTTPS (secure cookies, redirects). The
server is run as behind a proxy (SECURE_PROXY_SSL_HEADER), and every request carries the
`X-Forwarded-Proto: https` header such a proxy sets, plus the Origin a browser sends, which
Django's CSRF check compares with the https origin of the host. Nothing is weakened.

Measurement: LOAD_WARMUP seconds after the start (logins, first caches) the statistics are
reset, so locust's own --csv figures are of the measured window only; every request of that
window is also written (name, start, milliseconds, failed) to LOAD_SAMPLES for exact
percentiles. One extra anonymous user (BaselineProbe, not one of the 50) fetches the login
page every 1 to 2 s: the baseline measured under the same load. `SoloWalker` (chosen on the
command line) walks every request type of every level alone, one request at a time: the
same pages without concurrency."""

import itertools
import json
import os
import random
import re
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import quote_plus, urlencode

import gevent
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

LEVELS = ("national", "province", "upper", "grassroots")
# {"day": the server's today (ISO), "accounts": {level: [account, ...]}}; an account has
# username, password, token, unit, children (unit ids), people (ids), names, classes (ids),
# plans (ids of plans of the year it may open), targets (ids of targets it may allocate).
DATA = (
    json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
    if os.environ.get("LOAD_ACCOUNTS")
    else {"day": "", "accounts": {}}
)
ACCOUNTS: dict[str, list[dict]] = DATA["accounts"]
WARMUP = float(os.environ.get("LOAD_WARMUP", "0"))
THINK = tuple(float(s) for s in os.environ.get("LOAD_THINK", "3,12").split(","))
BASELINE = "baseline: login page"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Searches as officers type them: with or without diacritics, a family and middle name, a
# given name, or the full name of someone they are looking for (added per account).
SEARCHES = [
    "nguyen van",
    "Trần Thị",
    "le thi hoa",
    "Phạm",
    "hoang van nam",
    "Hương",
    "vu thi",
    "đặng văn hùng",
    "bui",
    "Ngô Thị Lan",
    "duong",
    "Lý Văn",
]

# Samples of the measured window: (name, start time, response time ms, failed, level, error).
SAMPLES: list[tuple] = []
MEASURING = {"on": WARMUP <= 0, "warmup_failures": 0, "warmup_requests": 0}


@events.test_start.add_listener
def _start_warmup(environment, **_kwargs):
    def end_warmup():
        gevent.sleep(WARMUP)
        environment.stats.reset_all()
        MEASURING["on"] = True

    if WARMUP > 0:
        gevent.spawn(end_warmup)


@events.request.add_listener
def _record(name, response_time, exception, context=None, start_time=None, **_kwargs):
    if MEASURING["on"]:
        SAMPLES.append(
            (
                name,
                start_time or time.time(),
                response_time,
                exception is not None,
                (context or {}).get("level", ""),
                str(exception)[:200] if exception else "",
            )
        )
    else:
        MEASURING["warmup_requests"] += 1
        MEASURING["warmup_failures"] += exception is not None


@events.quitting.add_listener
def _dump(environment, **_kwargs):
    if os.environ.get("LOAD_SAMPLES"):
        Path(os.environ["LOAD_SAMPLES"]).write_text(
            json.dumps(
                {
                    "samples": SAMPLES,
                    "warmup_requests": MEASURING["warmup_requests"],
                    "warmup_failures": MEASURING["warmup_failures"],
                }
            )
        )


# --- What officers do: one function per request type, weights per level ---------------------
# Named by what the officer opens; the new pages of issue 22 by their part of the site
# ("cadre work: …", "planning: …", "training: …"), so that the report reads by area.


def dashboard(user):
    """The landing page (own unit's targets), then the charts it loads by htmx."""
    user.page(f"/targets/?unit={user.account['unit']}", "dashboard", must='id="targets"')
    user.fragment(
        f"/targets/charts/?unit={user.account['unit']}&on={user.day}",
        "dashboard: charts (htmx)",
        must_not="charts-loader",
    )


def drill_down(user):
    """A unit below on the dashboard (an officer checking on a unit they are responsible
    for), and its charts."""
    unit = random.choice(user.account["children"])
    user.page(f"/targets/?unit={unit}", "dashboard: unit below", must='id="targets"')
    user.fragment(
        f"/targets/charts/?unit={unit}&on={user.day}",
        "dashboard: charts (htmx)",
        must_not="charts-loader",
    )


def allocation(user):
    """A target's goal given to the units below (from the dashboard's "allocate" link)."""
    if not user.account["targets"]:
        return dashboard(user)
    pk = random.choice(user.account["targets"])
    user.page(f"/targets/{pk}/allocate/?unit={user.account['unit']}", "targets: allocation")


def people_list(user):
    """The people list, mostly its first page, sometimes a page further on."""
    page = random.choice([1, 1, 1, 2, 3, 5])
    user.page("/people/" + (f"?page={page}" if page > 1 else ""), "people list")


def people_search(user):
    """The search box: the partial the htmx form asks for as the officer types."""
    term = random.choice(SEARCHES + user.account["names"])
    user.fragment(f"/people/?q={quote_plus(term)}", "people search (htmx)")


def person(user):
    """A profile, and the four panels it loads by htmx (classes' sessions, obligations,
    standards, cadre work), as people/detail.html asks for them."""
    pk = random.choice(user.account["people"])
    user.page(f"/people/{pk}/", "person page")
    user.fragment(f"/training/people/{pk}/sessions/", "person: sessions (htmx)")
    user.fragment(f"/targets/people/{pk}/?on={user.day}", "person: obligations (htmx)")
    user.fragment(f"/standards/people/{pk}/?on={user.day}", "person: standards (htmx)")
    user.fragment(f"/cadrework/people/{pk}/panel/", "person: cadre panel (htmx)")


def unit_tree(user):
    user.page("/units/", "unit tree")


def unit_tree_below(user):
    """One level down in the tree (a row's link): a unit below and its own children."""
    unit = random.choice(user.account["children"])
    user.page(f"/units/?unit={unit}&on={user.day}", "unit tree: unit below")


def unit_page(user):
    """A unit's page: the officer's own, or one directly below."""
    unit = random.choice([user.account["unit"], *user.account["children"]])
    user.page(f"/units/{unit}/?on={user.day}", "unit page")


def class_list(user):
    user.page("/training/classes/", "training: classes")


def class_page(user):
    """A class, and its sessions (loaded by htmx)."""
    pk = random.choice(user.account["classes"])
    user.page(f"/training/classes/{pk}/", "class page")
    user.fragment(f"/training/classes/{pk}/sessions/", "class: sessions (htmx)")


def statistics(user):
    user.page("/training/statistics/", "training: statistics")


def chairs(user):
    user.page("/training/chairs/", "training: chairs")


def lecturers(user):
    user.page("/training/lecturers/", "training: lecturers")


def plans(user):
    user.page("/planning/", "planning: plans")


def plan_page(user):
    if not user.account["plans"]:
        return plans(user)
    pk = random.choice(user.account["plans"])
    user.page(f"/planning/plans/{pk}/", "planning: plan page")


def consolidated(user):
    user.page("/planning/consolidated/", "planning: consolidated")


def spending(user):
    user.page("/planning/spending/", "planning: spending")


def growth(user):
    user.page("/planning/growth/", "planning: member growth")


def class_goals(user):
    user.page("/planning/class-goals/", "planning: class goals")


def new_cadres(user):
    user.page("/planning/new-cadres/", "planning: new cadres")


def surveys(user):
    user.page("/planning/surveys/", "planning: needs surveys")


def employers(user):
    user.page("/planning/employers/", "planning: employers")


def pools(user):
    user.page("/cadrework/", "cadre work: succession pools")


def evaluations(user):
    user.page("/cadrework/evaluations/", "cadre work: evaluations")


def retention(user):
    user.page("/cadrework/retention/", "cadre work: retention")


def retention_people(user):
    user.page("/cadrework/retention/people/", "cadre work: retention (people)")


def inspections(user):
    user.page("/cadrework/inspections/", "cadre work: inspections")


def api_people(user):
    """What a unit's own HR tool pulls: a page of the subtree's people."""
    offset = random.choice([0, 0, 50, 100])
    user.api(f"/api/v1/people?limit=50&offset={offset}", "API: people")


def api_positions(user):
    user.api("/api/v1/positions?limit=50", "API: positions")


def api_records(user):
    user.api("/api/v1/records?limit=50", "API: records")


def api_classes(user):
    user.api("/api/v1/classes?limit=50", "API: classes")


def api_evaluations(user):
    user.api("/api/v1/evaluations?limit=50", "API: evaluations")


def api_plans(user):
    user.api("/api/v1/plans?limit=50", "API: plans")


def api_targets(user):
    user.api(f"/api/v1/units/{user.account['unit']}/targets", "API: unit targets")


def api_children(user):
    user.api(f"/api/v1/units/{user.account['unit']}/children", "API: unit children")


# Weights per level: how often an officer of that level opens each kind of page (a person
# with their four panels is one "open"). Grassroots officers mostly look after their own
# people and classes, and open the figures of their own union now and then; the upper the
# level, the more dashboards, drill-downs and the pages that sum up the subtree (statistics,
# evaluations, retention, the plans below, allocation), which are also the costliest. Every
# level opens every kind of page it has at least sometimes (weight 1): the goal is per level
# and per page. A grassroots union has no unit below (no drill-down, no tree below, no
# allocation, no consolidated plan, no plan of its own) and no survey to run or employers'
# list of its own; the API lists are what a unit's own tools pull, at every level.
COMMON = {
    api_people: 1,
    api_positions: 1,
    api_records: 1,
    api_classes: 1,
    api_evaluations: 1,
    api_targets: 1,
}
ABOVE_GRASSROOTS = {
    drill_down: 2,
    allocation: 1,
    unit_tree_below: 1,
    consolidated: 1,
    plan_page: 1,
    surveys: 1,
    employers: 1,
    lecturers: 1,
    api_plans: 1,
    api_children: 1,
}
TASKS = {
    "national": {
        **COMMON,
        **ABOVE_GRASSROOTS,
        dashboard: 3,
        drill_down: 3,
        people_list: 1,
        people_search: 2,
        person: 2,
        unit_tree: 2,
        unit_page: 1,
        class_list: 1,
        class_page: 1,
        statistics: 2,
        chairs: 1,
        plans: 2,
        spending: 1,
        growth: 1,
        class_goals: 1,
        new_cadres: 1,
        pools: 1,
        evaluations: 2,
        retention: 2,
        retention_people: 1,
        inspections: 1,
    },
    "province": {
        **COMMON,
        **ABOVE_GRASSROOTS,
        dashboard: 3,
        drill_down: 3,
        people_list: 2,
        people_search: 3,
        person: 3,
        unit_tree: 2,
        unit_page: 1,
        class_list: 1,
        class_page: 2,
        statistics: 2,
        chairs: 1,
        plans: 2,
        spending: 1,
        growth: 1,
        class_goals: 1,
        new_cadres: 1,
        pools: 1,
        evaluations: 2,
        retention: 1,
        retention_people: 1,
        inspections: 1,
    },
    "upper": {
        **COMMON,
        **ABOVE_GRASSROOTS,
        dashboard: 3,
        people_list: 3,
        people_search: 3,
        person: 4,
        unit_tree: 1,
        unit_page: 1,
        class_list: 2,
        class_page: 2,
        statistics: 1,
        chairs: 1,
        plans: 1,
        spending: 1,
        growth: 1,
        class_goals: 1,
        new_cadres: 1,
        pools: 1,
        evaluations: 1,
        retention: 1,
        retention_people: 1,
        inspections: 1,
    },
    "grassroots": {
        **COMMON,
        dashboard: 3,
        people_list: 3,
        people_search: 2,
        person: 5,
        unit_tree: 1,
        unit_page: 1,
        class_list: 1,
        class_page: 2,
        statistics: 1,
        chairs: 1,
        plans: 1,
        spending: 1,
        growth: 1,
        class_goals: 1,
        new_cadres: 1,
        pools: 1,
        evaluations: 1,
        retention: 1,
        retention_people: 1,
        inspections: 1,
    },
}


class BehindTLSProxy(DefaultCookiePolicy):
    """The session and CSRF cookies are `Secure`: a browser sends them back only over HTTPS,
    which here is the proxy's side of the connection. The scenario talks to gunicorn
    directly (plain HTTP on loopback, X-Forwarded-Proto: https), so it sends them back as
    the browser would have through the proxy."""

    def return_ok_secure(self, cookie, request):
        return True


class Officer(FastHttpUser):
    """A training officer of one level; each user takes the next account of the level."""

    abstract = True
    level = ""
    wait_time = between(*THINK)
    # Behind the TLS proxy (see the module docstring).
    default_headers = {"X-Forwarded-Proto": "https", "Accept-Language": "vi"}

    def on_start(self):
        accounts = ACCOUNTS.get(self.level) or []
        if not accounts:
            raise StopUser()  # no accounts file (e.g. imported by a test)
        self.client.cookiejar.set_policy(BehindTLSProxy())
        self.account = next(_next_account[self.level])
        self.day = DATA["day"]
        self.login()

    def context(self) -> dict:
        return {"level": self.level}  # passed to the request event: figures per level

    def login(self):
        form = self.client.get("/login/", name="login form")
        token = CSRF.search(form.text or "")
        origin = self.host.replace("http://", "https://", 1)
        body = urlencode(
            {
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            }
        )
        with self.client.post(
            "/login/",
            data=body,
            name="login",
            allow_redirects=False,
            catch_response=True,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}/login/",
            },
        ) as response:
            if response.status_code != 302:
                response.failure(
                    f"login of {self.account['username']} answered {response.status_code}"
                )

    def page(
        self, path: str, name: str, must: str = "", must_not: str = "", headers: dict | None = None
    ):
        """GET that must answer 200 itself: a redirect (to the login page, say) fails."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True, headers=headers
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
            elif must and must not in (response.text or ""):
                response.failure(f"{path}: {must!r} missing")
            elif must_not and must_not in (response.text or ""):
                response.failure(f"{path}: {must_not!r} present (figures still computing?)")

    def fragment(self, path: str, name: str, **checks):
        self.page(path, name, headers={"HX-Request": "true"}, **checks)

    def api(self, path: str, name: str):
        self.page(path, name, headers={"Authorization": f"Bearer {self.account['token']}"})


# Officers per level (LOAD_USERS, national,province,upper,grassroots): 2,8,15,25 for the 50
# users; load_bench.py scales the mix for a larger run (8,32,60,100 for 200 users). Each
# officer takes the next account of the level: the first n of the accounts file.
USERS = dict(
    zip(LEVELS, (int(n) for n in os.environ.get("LOAD_USERS", "2,8,15,25").split(",")), strict=True)
)
_next_account = {
    level: itertools.cycle((ACCOUNTS.get(level) or [{}])[: USERS[level]]) for level in LEVELS
}


class NationalOfficer(Officer):
    level, fixed_count, tasks = "national", USERS["national"], TASKS["national"]


class ProvincialOfficer(Officer):
    level, fixed_count, tasks = "province", USERS["province"], TASKS["province"]


class UpperGrassrootsOfficer(Officer):
    level, fixed_count, tasks = "upper", USERS["upper"], TASKS["upper"]


class GrassrootsOfficer(Officer):
    level, fixed_count, tasks = "grassroots", USERS["grassroots"], TASKS["grassroots"]


class BaselineProbe(FastHttpUser):
    """Not one of the 50: the login page, anonymous, every 1 to 2 s, under the same load."""

    fixed_count = 1
    wait_time = between(1, 2)
    default_headers = Officer.default_headers

    def on_start(self):
        if not ACCOUNTS.get("national"):
            raise StopUser()

    @task
    def login_page(self):
        baseline(self)


def baseline(user):
    with user.client.get(
        "/login/", name=BASELINE, allow_redirects=False, catch_response=True
    ) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code} for /login/")


class SoloWalker(Officer):
    """The unloaded pass (`locust ... SoloWalker -u 1`): one account of each level, every
    request type of the level LOAD_SOLO_REPEAT times, one request at a time, then stop."""

    fixed_count = 0
    wait_time = between(0.2, 0.2)

    def on_start(self):
        if not ACCOUNTS.get("national"):
            raise StopUser()
        self.client.cookiejar.set_policy(BehindTLSProxy())
        self.day = DATA["day"]

    @task
    def walk(self):
        repeat = int(os.environ.get("LOAD_SOLO_REPEAT", "5"))
        for level in LEVELS:
            self.client.cookiejar.clear()
            self.level, self.account = level, ACCOUNTS[level][0]
            self.login()
            for _round in range(repeat):
                for request_type in TASKS[level]:
                    request_type(self)
                    gevent.sleep(0.2)
        self.client.cookiejar.clear()  # the login page redirects a signed-in user
        self.level = ""
        for _ in range(repeat):
            baseline(self)
            gevent.sleep(0.2)
        self.environment.runner.quit()
        raise StopUser()
