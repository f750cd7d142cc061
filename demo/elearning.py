"""A demo online course of Hà Nội, open to its whole subtree: a text lesson, a PDF handout and
a quiz drawn from a bank of five questions; the demo chair `chutich` has started it."""

from django.core.files.base import ContentFile

from accounts.access import SYSTEM
from accounts.models import User
from elearning import quizzes, services
from elearning.models import CourseEnrolment
from training.models import Topic
from units.models import Unit

QUESTIONS = [
    (
        "Công đoàn cơ sở do ai thành lập?",
        False,
        [
            ("Người lao động tự nguyện thành lập", True),
            ("Người sử dụng lao động", False),
            ("Ủy ban nhân dân cấp xã", False),
        ],
    ),
    (
        "Nhiệm kỳ đại hội công đoàn cơ sở là bao nhiêu năm?",
        False,
        [("5 năm", True), ("2 năm", False), ("3 năm", False)],
    ),
    (
        "Những nội dung nào thuộc thương lượng tập thể?",
        True,
        [
            ("Tiền lương, phụ cấp", True),
            ("Thời giờ làm việc, nghỉ ngơi", True),
            ("Kết quả kinh doanh của đối thủ", False),
        ],
    ),
    (
        "Đối thoại tại nơi làm việc được tổ chức định kỳ bao lâu một lần?",
        False,
        [("Ít nhất một năm một lần", True), ("Mười năm một lần", False)],
    ),
    (
        "Chủ tịch công đoàn cơ sở cần những kỹ năng nào?",
        True,
        [("Thuyết phục, lắng nghe", True), ("Lập kế hoạch", True), ("Không cần kỹ năng", False)],
    ),
]


def _handout_pdf(title: str) -> bytes:
    """A one-page PDF with the title (ASCII only: the demo needs no font files)."""
    text = title.encode("ascii", "ignore").decode()
    stream = f"BT /F1 18 Tf 60 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def add_elearning() -> None:
    hanoi = Unit.objects.get(code="HN")
    topics = Topic.objects.filter(code__in=["union_general", "soft_skills"])
    course = services.course_save(
        user=SYSTEM,
        organiser=hanoi,
        code="HN-ONL-2026-01",
        title="Kỹ năng hoạt động công đoàn cơ sở (trực tuyến)",
        hours=16,
        topics=topics,
        description="<p>Khóa học dành cho chủ tịch, phó chủ tịch và ủy viên ban chấp hành "
        "công đoàn cơ sở không thể tham gia lớp tập trung.</p>",
    )
    module = services.module_save(
        user=SYSTEM, course=course, title="Tổ chức và hoạt động của công đoàn cơ sở", rank=1
    )
    services.lesson_save(
        user=SYSTEM,
        module=module,
        title="Vai trò của công đoàn cơ sở",
        kind="text",
        rank=1,
        body="<p>Công đoàn cơ sở đại diện, bảo vệ quyền và lợi ích hợp pháp, chính đáng của "
        "người lao động; tham gia thương lượng tập thể, đối thoại tại nơi làm việc.</p>"
        "<ul><li>Thương lượng tập thể</li><li>Đối thoại định kỳ</li>"
        "<li>Giám sát thực hiện pháp luật lao động</li></ul>",
    )
    handout = services.lesson_save(
        user=SYSTEM,
        module=module,
        title="Tài liệu tham khảo (PDF)",
        kind="pdf",
        rank=2,
        required=False,
        file=ContentFile(_handout_pdf("Ky nang hoat dong cong doan co so"), name="tai-lieu.pdf"),
    )
    services.lesson_save(
        user=SYSTEM,
        module=module,
        title="Kiểm tra cuối khóa",
        kind="quiz",
        rank=3,
        question_count=3,
        pass_percent=60,
        max_attempts=3,
        time_limit_minutes=15,
    )
    for text, multiple, choices in QUESTIONS:
        quizzes.question_save(
            user=SYSTEM, course=course, text=text, multiple=multiple, choices=choices
        )
    services.course_publish(user=SYSTEM, course=course)
    chair = User.objects.get(username="chutich").person
    CourseEnrolment.objects.create(course=course, person=chair, last_lesson=handout)
