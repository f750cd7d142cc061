"""Screenshots of the main pages on the demo, at 1280 × 800 and 390 × 844 (`make screenshots`).

    .venv/bin/python bench/screenshots.py            # fresh demo, every page, both sizes
    .venv/bin/python bench/screenshots.py --reuse    # keep the demo database of the last run

Builds the demo in a SQLite file of its own (`--db`, by default /tmp/screenshots/demo.sqlite3;
DATABASE_URL is ignored, so no real database is touched: the administrator's session is given
a second-factor device there), serves it in this process, opens each page in Debian's
Chromium as the persona who works with it and writes docs/screenshots/<page>-<size>.png and
docs/screenshots.md. For each page and size it measures how wide the page is against the
screen and which menu items wrap onto a second line, and exits with status 1 when a page is
wider than the screen or a menu item wraps."""

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = Path("/tmp/screenshots/demo.sqlite3")
OUT = ROOT / "docs" / "screenshots"
LIST = ROOT / "docs" / "screenshots.md"
CHROMIUM = "/usr/bin/chromium"  # Debian's, as the browser tests use (tests/browser/conftest.py)
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}

# How wide the page is, and which menu items (each group's button and each link shown in the
# header) are taller than one line of their text.
MEASURE = """() => {
  const wrapped = [];
  for (const item of document.querySelectorAll(
      "header.top nav > a, header.top nav summary, header.top .account summary")) {
    const box = item.getBoundingClientRect();
    if (!box.height) continue;
    const line = parseFloat(getComputedStyle(item).lineHeight);
    const padding = parseFloat(getComputedStyle(item).paddingTop)
      + parseFloat(getComputedStyle(item).paddingBottom);
    if (box.height - padding > line * 1.5) wrapped.push(item.textContent.trim());
  }
  return {width: document.documentElement.scrollWidth, wrapped};
}"""

SCROLL_TO_WIDE_TABLE = """() => {
  const table = [...document.querySelectorAll("main table")]
    .find(t => t.scrollWidth > t.clientWidth + 1);
  if (!table) return false;
  window.scrollTo(0, table.getBoundingClientRect().top + window.scrollY - 60);
  return true;
}"""


@dataclass
class Shot:
    slug: str
    title: str  # what the page is, in the list
    username: str
    path: str
    menu: str = ""  # a group of the menu to open first (on a phone, after the menu button)


def use_own_database(path: Path, reuse: bool) -> None:
    """Point Django at the script's own SQLite file (never DATABASE_URL's database)."""
    if "screenshots" not in str(path):
        raise SystemExit(
            f"Refusing {path}: the screenshots' database must have 'screenshots' in its path."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("PRODUCTION", None)
    import django

    django.setup()


def load_demo_once() -> None:
    from django.core.management import call_command

    from demo.generator import load_demo
    from units.models import Unit

    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        print("Loading the demo…", file=sys.stderr)
        load_demo()


def shots() -> list[Shot]:
    """The pages, each as the persona who works with it; a profile and a class of Hà Nội's
    chosen as the fullest of the demo (most positions, most nominations)."""
    from django.db.models import Count

    from people.models import Person
    from training.models import TrainingClass
    from units.models import Unit

    hanoi = Unit.objects.get(code="HN")
    subtree = Unit.objects.filter(path__startswith=hanoi.path).values("pk")
    person = (
        Person.objects.filter(positions__unit__in=subtree)
        .annotate(n=Count("positions"))
        .order_by("-n", "pk")
        .first()
    )
    training_class = (
        TrainingClass.objects.filter(organiser__in=subtree)
        .annotate(n=Count("enrolments"))
        .order_by("-n", "pk")
        .first()
    )
    return [
        Shot("targets", "Chỉ tiêu (bảng điều khiển)", "hanoi", "/targets/"),
        Shot("menu", "Menu mở: Đào tạo", "hanoi", "/targets/", menu="Đào tạo"),
        Shot(
            "admin", "Chỉ tiêu, menu của quản trị hệ thống", "admin", "/targets/", menu="Hệ thống"
        ),
        Shot("needs", "Nhu cầu đào tạo", "hanoi", "/targets/needs/"),
        Shot("units", "Đơn vị", "hanoi", "/units/"),
        Shot("people", "Cán bộ, đoàn viên", "hanoi", "/people/"),
        Shot("person", "Hồ sơ một người", "hanoi", f"/people/{person.pk}/"),
        Shot("classes", "Lớp học", "hanoi", "/training/classes/"),
        Shot("class", "Một lớp học", "hanoi", f"/training/classes/{training_class.pk}/"),
        Shot("planning", "Kế hoạch", "hanoi", "/planning/"),
        Shot("cadrework", "Công tác cán bộ", "hanoi", "/cadrework/"),
        Shot("reports", "Báo cáo", "hanoi", "/reports/"),
        Shot("imports", "Nhập dữ liệu", "hanoi", "/imports/"),
        Shot("my-profile", "Hồ sơ của tôi (chủ tịch CĐCS)", "chutich", "/me/"),
        Shot("learn", "Học trực tuyến (chủ tịch CĐCS)", "chutich", "/elearning/learn/"),
    ]


def session_cookie(username: str, base: str) -> dict:
    """A logged-in session (a second factor given, for the administrator) as a cookie."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from accounts.testing import verify_client_session

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    if user.two_factor_required:
        verify_client_session(client, user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base}


def take(browser, base: str, shot: Shot, size: str, cookies: dict) -> dict:
    width, height = SIZES[size]
    phone = width <= 700  # where the menu folds behind its button (app.css)
    context = browser.new_context(
        locale="vi-VN",
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
    )
    context.add_cookies([cookies[shot.username]])
    page = context.new_page()
    response = page.goto(base + shot.path)
    if response.status != 200:
        raise SystemExit(f"{shot.path} as {shot.username} answered {response.status}")
    page.wait_for_load_state("networkidle")
    if shot.menu:
        if phone:
            page.locator("header.top .menu-toggle > summary").click()
        page.locator("header.top nav summary", has_text=shot.menu).click()
    measured = page.evaluate(MEASURE)
    page.screenshot(path=str(OUT / f"{shot.slug}-{size}.png"))
    table = OUT / f"{shot.slug}-{size}-table.png"
    table.unlink(missing_ok=True)
    # On a phone, also the first table wider than the screen, which scrolls inside itself.
    if phone and not shot.menu and page.evaluate(SCROLL_TO_WIDE_TABLE):
        page.screenshot(path=str(table))
        measured["table"] = table.name
    context.close()
    return measured


def write_list(rows: list[tuple[Shot, dict]]) -> None:
    lines = [
        "# Ảnh chụp các trang chính",
        "",
        "Chụp trên dữ liệu mẫu bằng `make screenshots` (bench/screenshots.py): mỗi trang ở "
        "1280 × 800 (máy tính) và 390 × 844 (điện thoại), với tài khoản mẫu làm việc với trang "
        "đó. Trên điện thoại, một bảng rộng hơn màn hình cuộn ngang trong khung của nó (ảnh thứ "
        "ba); trang không bao giờ rộng hơn màn hình. Lệnh báo lỗi khi một trang rộng hơn màn "
        "hình hoặc một mục menu xuống dòng.",
    ]
    for shot, measured in rows:
        desktop, phone = measured["desktop"], measured["phone"]
        wrapped = desktop["wrapped"] + phone["wrapped"]
        images = [
            (f"{shot.slug}-desktop.png", "1280 × 800", 640),
            (f"{shot.slug}-phone.png", "390 × 844", 195),
        ]
        if phone.get("table"):
            images.append((phone["table"], "390 × 844, bảng cuộn ngang", 195))
        lines += [
            "",
            f"## {shot.title}",
            "",
            f"`{shot.username}`, `{shot.path}`. Bề rộng trang: {desktop['width']} px ở 1280, "
            f"{phone['width']} px ở 390; "
            + (
                f"mục menu xuống dòng: {', '.join(wrapped)}."
                if wrapped
                else "không mục menu nào xuống dòng."
            ),
            "",
            " ".join(
                f'<img src="screenshots/{name}" width="{width}" alt="{shot.title}, {label}">'
                for name, label, width in images
            ),
        ]
    LIST.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--reuse", action="store_true", help="keep the demo database if loaded")
    parser.add_argument("--only", nargs="*", default=[], help="page slugs to take (default: all)")
    args = parser.parse_args()
    use_own_database(args.db, args.reuse)
    load_demo_once()

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    OUT.mkdir(parents=True, exist_ok=True)
    todo = [s for s in shots() if not args.only or s.slug in args.only]
    cookies = {name: session_cookie(name, base) for name in {s.username for s in todo}}
    rows, bad = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for shot in todo:
                measured = {size: take(browser, base, shot, size, cookies) for size in SIZES}
                rows.append((shot, measured))
                for size, m in measured.items():
                    print(
                        f"{shot.slug:<11} {size:<8} width {m['width']:>5}  wrapped {m['wrapped']}"
                    )
                    if m["width"] > SIZES[size][0] or m["wrapped"]:
                        bad.append(f"{shot.slug} {size}")
            browser.close()
    finally:
        server.terminate()
    if not args.only:
        write_list(rows)
    if bad:
        print("Wider than the screen or a menu item wrapped: " + ", ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
