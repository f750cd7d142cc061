"""National-scale data for benchmarks: ~34 provinces, ~20 sectors, ~700 upper-grassroots
unions, 140,000 grassroots unions and 1,000,000 people holding positions.

Rows are streamed straight into the tables: COPY on PostgreSQL, executemany on SQLite.
Ids are allocated here, so paths can be computed without reading anything back."""

import datetime as dt
import random
import sys
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from demo import names
from lib.vntext import collation_key, fold
from people.models import Role
from units.models import UnitKind, path_segment

PROVINCES, SECTORS, UPPER_PER_PROVINCE = 34, 20, 20
TERM_START, TERM_END = dt.date(2023, 6, 1), dt.date(2028, 5, 31)


def write_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join("%s" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        cursor.executemany(sql, batch)
        return count + len(batch)


class National:
    def __init__(self, people: int, grassroots: int, seed: int = 7):
        self.rng = random.Random(seed)
        self.people_total, self.grassroots_total = people, grassroots
        self.kinds = {k.code: k.pk for k in UnitKind.objects.all()}
        self.roles = {r.code: r.pk for r in Role.objects.all()}
        self.units: list[tuple] = []  # (id, code, name, kind, parent, path, depth, sector)
        self.grassroots: list[tuple[int, str]] = []  # (id, path)

    def progress(self, message: str) -> None:
        sys.stderr.write(f"{dt.datetime.now():%H:%M:%S} {message}\n")
        sys.stderr.flush()

    def add_unit(self, code, name, kind, parent, sector="") -> tuple:
        unit_id = len(self.units) + 1
        path = (parent[5] if parent else "") + path_segment(unit_id)
        row = (unit_id, code, name, self.kinds[kind], parent[0] if parent else None, path,
               0 if parent is None else parent[6] + 1, sector)
        self.units.append(row)
        return row

    def build_units(self) -> None:
        root = self.add_unit("VN", "Tổng Liên đoàn Lao động Việt Nam", "confederation", None)
        uppers, sectors = [], []
        for p in range(1, PROVINCES + 1):
            province = self.add_unit(f"P{p:02d}", f"Liên đoàn Lao động tỉnh số {p}",
                                     "provincial_federation", root)
            for u in range(1, UPPER_PER_PROVINCE + 1):
                uppers.append(self.add_unit(f"P{p:02d}-U{u:02d}", f"Liên đoàn Lao động khu vực "
                                            f"{u} tỉnh số {p}", "district_federation", province))
        for s in range(1, SECTORS + 1):
            sectors.append(self.add_unit(f"S{s:02d}", f"Công đoàn ngành Trung ương số {s}",
                                         "central_sector_union", root))
        for g in range(self.grassroots_total):
            parent = sectors[g % SECTORS] if g % 7 == 0 else uppers[g % len(uppers)]
            state = g % 3 == 0
            name = (f"Công đoàn Trường học số {g}" if state else
                    f"Công đoàn Công ty TNHH {self.rng.choice(names.COMPANY_BRANDS)} số {g}")
            row = self.add_unit(f"G{g:06d}", name, "grassroots", parent,
                                "state" if state else "non_state")
            self.grassroots.append((row[0], row[5]))

    def write_units(self) -> None:
        founded = dt.date(2000, 1, 1)
        write_rows("units_unit", ["id", "code", "name", "kind_id", "parent_id", "path", "depth",
                                  "sector", "founded_on", "search_name"],
                   (u + (founded, fold(f"{u[1]} {u[2]}")) for u in self.units))
        write_rows("units_unitversion", ["id", "unit_id", "valid_from", "name", "kind_id",
                                         "parent_id", "path", "depth"],
                   ((u[0], u[0], founded, u[2], u[3], u[4], u[5], u[6]) for u in self.units))
        write_rows("units_unitfigures", ["id", "unit_id", "effective_on", "member_count",
                                         "worker_count"],
                   self._figures())
        write_rows("units_term", ["id", "unit_id", "name", "start_date", "end_date"],
                   ((u[0], u[0], "2023-2028", TERM_START, TERM_END) for u in self.units))

    def _figures(self) -> Iterator[tuple]:
        rng = self.rng
        for i, (unit_id, _path) in enumerate(self.grassroots):
            members = rng.choice([rng.randrange(20, 1000)] * 8 + [rng.randrange(1000, 2500),
                                                                  rng.randrange(2500, 12000)])
            yield (i + 1, unit_id, dt.date(2026, 1, 1), members, members + members // 10)

    def people_rows(self) -> Iterator[tuple]:
        """People spread over the grassroots unions, each with a name, birth date and ID."""
        rng = self.rng
        family = [n for n, _ in names.FAMILY_NAMES]
        weights = [w for _, w in names.FAMILY_NAMES]
        families = rng.choices(family, weights=weights, k=4096)
        for person_id in range(1, self.people_total + 1):
            unit_id = self.grassroots[person_id % len(self.grassroots)][0]
            female = person_id % 9 < 4
            fam = families[person_id % 4096]
            middle = rng.choice(names.FEMALE_MIDDLE if female else names.MALE_MIDDLE)
            given = rng.choice(names.FEMALE_GIVEN if female else names.MALE_GIVEN)
            full = f"{fam} {middle} {given}"
            born = dt.date(1960 + person_id % 40, 1 + person_id % 12, 1 + person_id % 28)
            yield (person_id, fam, middle, given, "female" if female else "male", born,
                   f"{person_id % 96 + 1:03d}{person_id:09d}", "Kinh", "", "", "",
                   rng.choice((2, 4, 5, 5, 5, 6)), rng.choice((0, 1, 1, 2, 3)), "", "", unit_id,
                   fold(full), collation_key(given, middle, fam))

    def position_rows(self) -> Iterator[tuple]:
        """Every person holds a post in their grassroots union; the first of each union chairs
        it, the next two are vice-chairs; one in ten also held a post in the previous term."""
        roles = self.roles
        units_count = len(self.grassroots)
        position_id = 0
        for person_id in range(1, self.people_total + 1):
            unit_id = self.grassroots[person_id % units_count][0]
            rank = (person_id - 1) // units_count
            role = ("chair", "vice_chair", "vice_chair")[rank] if rank < 3 else "executive_member"
            position_id += 1
            yield (position_id, person_id, unit_id, roles[role], rank == 0 and person_id % 5 == 0,
                   TERM_START, None, unit_id, person_id % 4 == 0, "elected", "")
            if person_id % 10 == 0:
                position_id += 1
                yield (position_id, person_id, unit_id, roles["executive_member"], False,
                       dt.date(2018, 6, 1), dt.date(2023, 5, 31), None, False, "elected",
                       "term_ended")


PERSON_COLUMNS = ["id", "family_name", "middle_name", "given_name", "gender", "birth_date",
                  "citizen_id", "ethnicity", "phone", "email", "address", "education_level",
                  "political_theory", "foreign_language", "it_skill", "unit_id", "search_name",
                  "sort_key"]
POSITION_COLUMNS = ["id", "person_id", "unit_id", "role_id", "full_time", "start_date",
                    "end_date", "term_id", "first_time_on_committee", "start_reason",
                    "end_reason"]
SEQUENCED = ["units_unit", "units_unitversion", "units_unitfigures", "units_term",
             "people_person", "people_position"]


@transaction.atomic
def generate(people: int, grassroots: int) -> dict:
    national = National(people, grassroots)
    national.build_units()
    national.progress(f"{len(national.units):,} units")
    national.write_units()
    national.progress("units written")
    count = write_rows("people_person", PERSON_COLUMNS, national.people_rows())
    national.progress(f"{count:,} people written")
    positions = write_rows("people_position", POSITION_COLUMNS, national.position_rows())
    national.progress(f"{positions:,} positions written")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in SEQUENCED:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
            cursor.execute("ANALYZE")
    _bench_accounts()
    return {"units": len(national.units), "people": count, "positions": positions}


def _bench_accounts() -> None:
    from accounts.models import User, UserRole
    from units.models import Unit

    User.objects.create_user("bench_admin", password="Bench@2026",
                             unit=Unit.objects.get(code="VN"), role=UserRole.SYSTEM_ADMIN)
    User.objects.create_user("bench_province", password="Bench@2026",
                             unit=Unit.objects.get(code="P01"), role=UserRole.TRAINING_OFFICER)
