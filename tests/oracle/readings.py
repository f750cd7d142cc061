"""Every place that shows a figure, read the way a user or a client reads it: the pages
through Django's test client (their context, the numbers the templates print), the API with
a bearer token, the downloads (CSV, XLSX) parsed back. Nothing here calls a selector."""

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal

from django.test import Client
from django.utils.translation import gettext as _

from tests.api import ApiClient
from tests.reports.conftest import download, table

Figures = tuple[int, int, int, int]  # eligible, met, overdue (late among them), late


def _figures(r) -> Figures:
    return (r.eligible, r.met, r.overdue, r.late)


class Reader:
    """One officer (the root's) reading through a logged-in browser and an API token."""

    def __init__(self, user):
        self.user = user
        self.client = Client()
        self.client.force_login(user)
        self.api = ApiClient(user)

    def page(self, path: str, params: dict) -> dict:
        response = self.client.get(path, params)
        assert response.status_code == 200, (path, params, response.status_code)
        return response.context

    def json(self, path: str, params: dict | None = None, *, missing_ok: bool = False):
        response = self.api.get(path, params)
        if missing_ok and response.status_code == 404:
            return None
        assert response.status_code == 200, (path, params, response.content[:500])
        return response.json()

    # --- the unit drill-down: the tree page, the unit's page, the API ----------------------

    def drill_down(self, unit, day: dt.date) -> dict:
        """{"tree": totals, "detail": counts, "api": counts, "children": {source: {unit id:
        (sub_units, cadres, full_time)}}} — None where the unit did not exist that day."""
        on = {"on": day.isoformat()}
        tree = self.page("/units/", {"unit": unit.pk, **on})
        detail = self.page(f"/units/{unit.pk}/", on)
        api = self.json(f"/units/{unit.pk}", on)
        api_children = self.json(f"/units/{unit.pk}/children", on)

        def counts(row):
            return None if row is None else (row["sub_units"], row["cadres"], row["full_time"])

        return {
            "totals": {
                "tree page": counts(tree.get("totals")),
                "unit page": counts(detail["counts"]),
                "API unit": counts(api["counts"]),
            },
            "children": {
                "tree page": {c["unit"].pk: counts(c) for c in tree.get("children") or []},
                "API children": {c["id"]: counts(c) for c in api_children},
            },
            "chair_target": api["chair_target"],
            "member_count": api["member_count"],
        }

    # --- targets: dashboard, needs list (page and CSV), API --------------------------------

    def dashboard(self, unit, day: dt.date) -> dict | None:
        ctx = self.page("/targets/", {"unit": unit.pk, "on": day.isoformat()})
        if ctx["node"] is None:
            return None
        assert not ctx.get("pending"), "a small tree's snapshot is computed inline"
        statuses = {}  # target code -> {person id: status} of the unit's own post-holders
        for row in ctx["people"]:
            for target, status in zip(ctx["targets"], row["statuses"], strict=True):
                if status is not None:
                    seen = statuses.setdefault(target.code, {})
                    person = row["position"].person_id
                    assert seen.get(person, status) == status, (target.code, person)
                    seen[person] = status
        return {
            "results": {r.target.code: _figures(r) for r in ctx["results"]},
            "children": {
                row["version"].unit_id: {r.target.code: _figures(r) for r in row["results"]}
                for row in ctx["children"]
            },
            "statuses": statuses,
            "measures": {
                m.target.code: (m.value, m.reporting, m.reaching) for m in ctx["measures"]
            },
            "thresholds": {m.target.code: m.target.threshold for m in ctx["measures"]},
        }

    def api_targets(self, unit, day: dt.date) -> dict | None:
        body = self.json(f"/units/{unit.pk}/targets", {"as_of": day.isoformat()}, missing_ok=True)
        if body is None:
            return None
        return {
            "results": {
                t["code"]: (t["eligible"], t["met"], t["overdue"], t["late"])
                for t in body["targets"]
            },
            "measures": {
                m["code"]: (_number(m["value"]), m["reporting"], m["reaching"])
                for m in body["unit_targets"]
            },
        }

    def needs_page(self, unit, day: dt.date, target_pk: int | None = None) -> dict | None:
        params = {"unit": unit.pk, "on": day.isoformat()}
        if target_pk:
            params["target"] = target_pk
        ctx = self.page("/targets/needs/", params)
        if ctx["node"] is None:
            return None
        out = {
            "results": {r.target.code: _figures(r) for r in ctx["results"]},
            "own": {r.target.code: _figures(r) for r in ctx["own"]},
            "children": {
                row["version"].unit_id: {r.target.code: _figures(r) for r in row["results"]}
                for row in ctx["children"]
            },
            "pks": {t.code: t.pk for t in ctx["targets"]},
        }
        if target_pk:
            page = ctx["page"]
            out["listed"] = page.paginator.count
            out["listed_overdue"] = sum(1 for p in page.paginator.object_list if p.overdue)
        return out

    def needs_csv(self, unit, day: dt.date) -> dict[str, tuple[int, int]]:
        """Target code -> (people listed, of whom overdue, of whom trained late) in the needs
        list's CSV."""
        response = self.client.get(
            "/targets/needs/", {"unit": unit.pk, "on": day.isoformat(), "format": "csv"}
        )
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))[1:]
        # The overdue figure counts those trained late too (missed, shown apart).
        late = _("Trained late")
        listed = Counter(row[0] for row in rows)
        missed = Counter(row[0] for row in rows if row[7] in (_("Overdue"), late))
        trained_late = Counter(row[0] for row in rows if row[7] == late)
        return {code: (n, missed[code], trained_late[code]) for code, n in listed.items()}

    # --- the chairs: page and API ------------------------------------------------------------

    def chairs_page(self, unit, day: dt.date) -> list[tuple]:
        ctx = self.page("/training/chairs/", {"unit": unit.pk, "on": day.isoformat()})
        return sorted(
            (p.pk, p.target.code if p.target else None, p.trained, p.status) for p in ctx["rows"]
        )

    def chairs_api(self, unit, day: dt.date) -> list[tuple]:
        rows = api_pages(self, f"/units/{unit.pk}/chairs", {"on": day.isoformat()})
        return sorted((r["position_id"], r["target"], r["trained"], r["status"]) for r in rows)

    def chair_groups(self, unit, day: dt.date) -> list[tuple[str, bool, int, int]]:
        """The chairs page's groups: (target code, direct, eligible, met)."""
        ctx = self.page("/training/chairs/", {"unit": unit.pk, "on": day.isoformat()})
        return [(g.target.code, g.direct, g.eligible, g.met) for g in ctx["duty"].groups]

    # --- planning: the spending and growth lists, their totals -----------------------------

    def spending_page(self, unit, year: int) -> list[tuple[int, Decimal]]:
        ctx = self.page("/planning/spending/", {"unit": unit.pk, "year": year})
        return [(row.unit_id, row.share) for row in ctx["rows"]]

    def growth_page(self, unit, year: int) -> tuple[list[dict], dict | None]:
        ctx = self.page("/planning/growth/", {"unit": unit.pk, "year": year})
        return [_growth_row(r) for r in ctx["rows"]], ctx["totals"]

    def growth_api(self, unit, start: dt.date, end: dt.date) -> dict | None:
        return self.json(
            f"/units/{unit.pk}/member-growth",
            {"start": start.isoformat(), "end": end.isoformat()},
            missing_ok=True,
        )

    # --- the report on a resolution (XLSX) ---------------------------------------------------

    def resolution_xlsx(self, unit, day: dt.date, document) -> dict[str, tuple]:
        data = download(
            self.client,
            self.user,
            "resolution",
            {"unit": unit.code, "on": day.strftime("%d/%m/%Y"), "document": document.pk},
        )
        _header, rows = table(data)
        out = {}
        for row in rows:
            if not row or not str(row[0]).startswith("T-"):
                break
            eligible, met, overdue, late = (_number(v) for v in (row[3], row[4], row[6], row[7]))
            out[row[0]] = (eligible, met, overdue, late)
        return out


GROWTH = (
    "admitted",
    "other_decreases",
    "transfers_in",
    "transfers_out",
    "unions_founded",
    "unions_dissolved",
    "enterprises_30plus",
    "enterprises_with_union",
)


def _growth_row(row) -> dict:
    return {"unit": row.unit_id, **{name: getattr(row, name) for name in GROWTH}}


def _number(value):
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(str(value))
    if isinstance(value, str):
        return Decimal(value)
    return value


def api_pages(reader, path: str, params: dict) -> list[dict]:
    """Every item of a paginated API list, page after page."""
    items, offset = [], 0
    while True:
        page = reader.json(path, {**params, "limit": 100, "offset": offset})
        items += page["items"]
        offset += 100
        if offset >= page["count"]:
            return items
