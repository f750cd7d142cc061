"""An example set of title standards (issue 20 §4), shipped with the demo and marked as an
example: a union reviews it and issues its own (001 §III: "ban hành quy định về tiêu chuẩn chức
danh"). The levels follow the usual requirements of union posts: a degree for full-time posts
from the upper-grassroots level up, political theory rising with the post, the civil-service
rank training for posts with a rank, management training for leaders."""

import datetime as dt
import random

from people.models import EducationLevel as E
from people.models import PoliticalTheory as P
from people.models import Position, Role
from standards.models import CivilServiceRank as R
from standards.models import TitleStandard
from training.models import Topic, TrainingRecord
from units.models import UnitLevel

# Its own stream of draws, so that the rest of the demo stays as it was.
SEED = 2026 + 20

DOCUMENT = "Bộ tiêu chuẩn mẫu kèm hệ thống (ví dụ, đơn vị xem xét và ban hành)"
LEADER = ["union_general", "management_leadership", "civil_service_rank"]
STAFF = ["union_theory", "civil_service_rank"]

# level, role, education, political theory, rank, topics, other requirements
EXAMPLES = [
    ("confederation", "chair", E.UNIVERSITY, P.ADVANCED, R.SENIOR, LEADER, ""),
    ("confederation", "vice_chair", E.UNIVERSITY, P.ADVANCED, R.SENIOR, LEADER, ""),
    (
        "province",
        "chair",
        E.UNIVERSITY,
        P.ADVANCED,
        R.SENIOR,
        LEADER,
        "Đã kinh qua chức vụ lãnh đạo cấp trên trực tiếp cơ sở hoặc tương đương.",
    ),
    ("province", "vice_chair", E.UNIVERSITY, P.ADVANCED, R.PRINCIPAL, LEADER, ""),
    (
        "province",
        "standing_member",
        E.UNIVERSITY,
        P.INTERMEDIATE,
        R.PRINCIPAL,
        [*STAFF, "management_leadership"],
        "",
    ),
    (
        "province",
        "department_head",
        E.UNIVERSITY,
        P.INTERMEDIATE,
        R.PRINCIPAL,
        [*STAFF, "management_leadership"],
        "",
    ),
    ("province", "advisory_staff", E.UNIVERSITY, P.ELEMENTARY, R.OFFICER, STAFF, ""),
    ("upper_grassroots", "chair", E.UNIVERSITY, P.INTERMEDIATE, R.PRINCIPAL, LEADER, ""),
    ("upper_grassroots", "vice_chair", E.UNIVERSITY, P.INTERMEDIATE, R.OFFICER, LEADER, ""),
    ("upper_grassroots", "standing_member", E.UNIVERSITY, P.INTERMEDIATE, R.OFFICER, STAFF, ""),
    ("upper_grassroots", "department_head", E.UNIVERSITY, P.INTERMEDIATE, R.OFFICER, STAFF, ""),
    ("upper_grassroots", "advisory_staff", E.UNIVERSITY, P.ELEMENTARY, R.OFFICER, STAFF, ""),
    (
        "grassroots",
        "chair",
        E.UPPER_SECONDARY,
        None,
        "",
        ["union_theory"],
        "Có uy tín, được đoàn viên tín nhiệm.",
    ),
    ("grassroots", "vice_chair", E.UPPER_SECONDARY, None, "", ["union_theory"], ""),
]


def add_title_standards() -> None:
    levels = {lv.code: lv for lv in UnitLevel.objects.all()}
    roles = {r.code: r for r in Role.objects.all()}
    topics = {t.code: t for t in Topic.objects.all()}
    for level, role, education, theory, rank, codes, other in EXAMPLES:
        standard = TitleStandard.objects.create(
            role=roles[role],
            level=levels[level],
            min_education=education,
            min_political_theory=theory,
            civil_service_rank=rank,
            other_requirements=other,
            document=DOCUMENT,
            example=True,
            published=True,
        )
        standard.topics.set([topics[c] for c in codes])

    add_rank_courses()


def add_rank_courses() -> None:
    """The civil-service rank course (bồi dưỡng ngạch chuyên viên, chuyên viên chính) that
    most full-time cadres above grassroots took at a political school before 2023: what the
    example standards ask of them beside the union's own courses."""
    rng = random.Random(SEED)
    rank = Topic.objects.get(code="civil_service_rank")
    held = (
        Position.objects.filter(full_time=True)
        .exclude(unit__kind__level__code__in=["grassroots", "member", "union_group"])
        .order_by("person_id", "id")
        .values_list("person_id", "start_date")
    )
    first_post = {}
    for person_id, start in held:
        first_post.setdefault(person_id, start)
    rows = []
    for person_id, start in first_post.items():
        if rng.random() < 0.6:
            year = rng.randrange(max(2008, start.year - 3), max(2009, min(start.year + 4, 2023)))
            rows.append(
                TrainingRecord(
                    person_id=person_id,
                    title="Bồi dưỡng kiến thức quản lý nhà nước chương trình chuyên viên chính",
                    hours=240,
                    completed_on=dt.date(year, rng.randrange(3, 12), rng.randrange(1, 29)),
                    form="in_service",
                )
            )
    records = TrainingRecord.objects.bulk_create(rows, batch_size=1000)
    links = TrainingRecord.topics.through
    links.objects.bulk_create(
        [links(trainingrecord_id=r.pk, topic_id=rank.pk) for r in records], batch_size=1000
    )
