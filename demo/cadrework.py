"""Demo cadre work: the succession pools of Mê Linh's area union (set up on 1 July 2025 in
place of the district federation) with a published 2025 review (the demo chair `chutich`
enters the vice-chair pool and reads it on their profile), 2025 evaluations of Mê Linh's
grassroots chairs, and Hà Nội's inspection of the area union's cadre work."""

import datetime as dt

from accounts.access import SYSTEM
from cadrework import evaluations, inspections, services
from people.models import Position
from units.models import Term, Unit

REVIEW_DAY = dt.date(2025, 12, 5)
# rating, votes (excellent, good, completed, not completed), cycled over the chairs
RATINGS = [
    ("excellent", (9, 3, 0, 0)),
    ("good", (2, 8, 2, 0)),
    ("good", (1, 9, 1, 1)),
    ("completed", (0, 4, 7, 1)),
    ("not_completed", (0, 1, 4, 7)),
]


def add_cadrework() -> None:
    melinh = Unit.objects.get(code="HN-KV1")
    term = Term.objects.in_force_on(REVIEW_DAY).get(unit=melinh)
    chairs = list(
        Position.objects.active_on(REVIEW_DAY)
        .filter(unit__parent=melinh, role__code="chair")
        .select_related("person", "unit")
        .order_by("unit__code")[:12]
    )
    vice = services.pool_create(user=SYSTEM, unit=melinh, term=term, post="vice_chair")
    chair_pool = services.pool_create(user=SYSTEM, unit=melinh, term=term, post="chair")
    for i, position in enumerate(chairs[1:7]):
        services.entry_add(
            user=SYSTEM,
            pool=vice if i % 2 else chair_pool,
            person=position.person,
            reason="Quy hoạch đầu nhiệm kỳ",
            on=term.start_date + dt.timedelta(days=60),
        )
    review = services.review_open(
        user=SYSTEM,
        pool=vice,
        year=2025,
        held_on=REVIEW_DAY,
        note="Rà soát, bổ sung quy hoạch năm 2025",
    )
    services.entry_add(
        user=SYSTEM,
        pool=vice,
        person=chairs[0].person,
        review=review,
        reason="Chủ tịch CĐCS có thành tích, đã qua bồi dưỡng",
        on=REVIEW_DAY,
    )
    leaving = vice.entries.filter(left_on__isnull=True).exclude(person=chairs[0].person).first()
    services.entry_remove(
        user=SYSTEM,
        entry=leaving,
        review=review,
        on=REVIEW_DAY,
        reason="Chuyển công tác ngoài hệ thống công đoàn",
    )
    services.review_publish(user=SYSTEM, review=review)

    for i, position in enumerate(chairs):
        rating, votes = RATINGS[i % len(RATINGS)]
        evaluation = evaluations.evaluation_save(
            user=SYSTEM,
            person=position.person,
            year=2025,
            rating=rating,
            self_assessment="Hoàn thành các nhiệm vụ được giao trong năm.",
            **dict(
                zip(
                    ("votes_excellent", "votes_good", "votes_completed", "votes_not_completed"),
                    votes,
                    strict=True,
                )
            ),
        )
        if i < 8:
            evaluations.evaluation_publish(user=SYSTEM, evaluation=evaluation)

    inspections.inspection_create(
        user=SYSTEM,
        inspecting=Unit.objects.get(code="HN"),
        inspected=melinh,
        held_on=dt.date(2025, 10, 15),
        areas=["planning", "training"],
        findings="Quy hoạch chưa đủ tỷ lệ cán bộ nữ; kế hoạch đào tạo chưa gắn với quy hoạch.",
        follow_ups=[
            {
                "action": "Bổ sung cán bộ nữ vào quy hoạch chức danh Phó Chủ tịch",
                "deadline": dt.date(2025, 12, 31),
            },
            {
                "action": "Gắn kế hoạch đào tạo năm 2026 với danh sách quy hoạch",
                "deadline": dt.date(2026, 3, 31),
            },
        ],
    )
