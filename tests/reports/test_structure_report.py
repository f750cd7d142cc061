"""Report 3, cadre structure: people holding a post in the subtree on a day, by gender, age
band, education, political theory, full-time or part-time and level — each person once.

Hà Nội on 1 June 2024 (the `tree` fixture): Nguyễn Văn An (male, born 1 May 1980, full-time
chair of the school, also a part-time member of Mê Linh's committee from 2024), Trần Thị Bình
(female, born 3 February 1990, part-time at the factory), Hồ Thị Chi (female, born
1 January 2000, advisory staff of Hà Nội, university, intermediate theory), Phạm Văn Dũng
(male, no birth date, part-time committee member of Đông Anh until 31 December 2023: not a
cadre on that day). Lê Văn Cường of Ninh Thuận is outside the subtree."""

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from accounts.access import SYSTEM
from people.models import EducationLevel, Gender, PoliticalTheory, Role
from people.services import person_create, position_create
from tests.reports.conftest import by_label, docx_text, download, table

DAY = dt.date(2024, 6, 1)


@pytest.fixture
def cadres(tree):
    staff = Role.objects.get(code="advisory_staff")
    position_create(
        user=SYSTEM,
        person=tree.nguyen,
        unit=tree.melinh,
        role=tree.member_role,
        full_time=False,
        start_date=dt.date(2024, 1, 1),
    )
    chi = person_create(
        user=SYSTEM,
        unit=tree.hanoi,
        family_name="Hồ",
        middle_name="Thị",
        given_name="Chi",
        gender="female",
        birth_date=dt.date(2000, 1, 1),
    )
    chi.education_level, chi.political_theory = 5, 2
    chi.save()
    position_create(
        user=SYSTEM,
        person=chi,
        unit=tree.hanoi,
        role=staff,
        full_time=True,
        start_date=dt.date(2023, 1, 1),
    )
    dung = person_create(
        user=SYSTEM,
        unit=tree.donganh,
        family_name="Phạm",
        middle_name="Văn",
        given_name="Dũng",
        gender="male",
    )
    position_create(
        user=SYSTEM,
        person=dung,
        unit=tree.donganh,
        role=tree.member_role,
        full_time=False,
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2023, 12, 31),
        end_reason="term_ended",
    )
    return tree


def structure(client, user, code="HN", day=DAY, fmt="xlsx"):
    return download(client, user, "structure", {"unit": code, "on": day.strftime("%d/%m/%Y")}, fmt)


def test_every_table_counts_each_cadre_once(client, cadres):
    data = structure(client, cadres.hanoi_officer)
    tables = [by_label(table(data, i)[1]) for i in range(6)]
    full_time, gender, age, education, theory, level = tables
    for found in tables:
        assert found[_("Total")] == [3, 100]
    assert full_time[_("Full-time cadres")][0] == 2  # An (at the school) and Chi
    assert full_time[_("Part-time cadres")][0] == 1
    assert gender[Gender.MALE.label][0] == 1 and gender[Gender.FEMALE.label][0] == 2
    assert age[_("Under 30")][0] == 1  # Chi, 24
    assert age[_("30 to 39")][0] == 1  # Bình, 34
    assert age[_("40 to 49")][0] == 1  # An, 44
    assert age[_("50 and over")][0] == 0
    assert education[EducationLevel.UNIVERSITY.label][0] == 1
    assert education[EducationLevel.NONE.label][0] == 2
    assert theory[PoliticalTheory.INTERMEDIATE.label][0] == 1
    # An holds posts at two levels: counted once, at the higher (Mê Linh).
    assert level["Cấp tỉnh, ngành Trung ương và tương đương"][0] == 1
    assert level["Công đoàn cấp trên trực tiếp cơ sở"][0] == 1
    assert level["Công đoàn cơ sở"][0] == 1


def test_shares_are_percentages_of_the_total(client, cadres):
    found = by_label(table(structure(client, cadres.hanoi_officer), 1)[1])
    assert found[Gender.FEMALE.label] == [2, 66.7]


def test_the_totals_equal_the_units_page(client, cadres):
    client.force_login(cadres.hanoi_officer)
    totals = client.get("/units/", {"unit": cadres.hanoi.pk, "on": DAY.isoformat()}).context[
        "totals"
    ]
    full_time = by_label(table(structure(client, cadres.hanoi_officer), 0)[1])
    assert full_time[_("Total")][0] == totals["cadres"]
    assert full_time[_("Full-time cadres")][0] == totals["full_time"]


def test_a_past_day_counts_the_cadres_of_that_day(client, cadres):
    found = by_label(table(structure(client, cadres.hanoi_officer, day=dt.date(2023, 6, 1)), 0)[1])
    # Dũng was still on Đông Anh's committee; An and Bình took their posts on 1 June 2023.
    assert found[_("Total")][0] == 4
    found = by_label(table(structure(client, cadres.hanoi_officer, day=dt.date(2022, 6, 1)), 0)[1])
    assert found[_("Total")][0] == 1  # only Dũng: Chi started in 2023


def test_the_word_report_sums_up_the_structure(client, cadres):
    text = docx_text(structure(client, cadres.hanoi_officer, fmt="docx"))
    assert "có 3 cán bộ công đoàn" in text
    assert "2 cán bộ chuyên trách (66,7%)" in text and "2 cán bộ nữ (66,7%)" in text
    assert "Cơ cấu đội ngũ cán bộ công đoàn" in text and "Tính đến ngày 01/06/2024" in text
