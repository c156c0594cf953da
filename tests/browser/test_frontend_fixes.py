"""Issue 8, what users saw in a browser: the park code's text copies exactly and counts down (14), the header
collapses into a menu on a phone (20), charts give full names, grouped numbers and a data table (21), and the
gate scanner says why the camera cannot start (23)."""

import datetime
import io
import re
import time
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from hetao.onestop.models import Application, ServiceVersion, Status
from hetao.passes import keys, services
from hetao.passes.models import AccessPoint, AccessRule
from hetao.registry.models import KeyDirection, Park, Person
from tests.browser.conftest import signed_in
from tests.conftest import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def watch_errors(page) -> list[str]:
    """Console errors and uncaught exceptions (a CSP refusal is a console error)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


@pytest.fixture
def park_keys(settings, tmp_path):
    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1))
    services._key_cache.clear()


@pytest.fixture
def applicant(demo_park):
    """A member with one application in each status, on the service with the longest name."""
    call_command("import_services", stdout=io.StringIO())
    user = get_user_model().objects.create_user("chan", "chan@example.org", "pw-chan-2026", first_name="Ka Yan",
                                                last_name="Chan")
    version = max(ServiceVersion.objects.select_related("service"), key=lambda v: len(v.service.name_en))
    for number, status in enumerate(Status.values, start=1):
        Application.objects.create(service_version=version, applicant=user, status=status,
                                   reference=None if status == Status.DRAFT else f"HT-2026-{900000 + number}",
                                   due_date=None if status == Status.DRAFT else datetime.date(2026, 11, 27),
                                   submitted_at=None if status == Status.DRAFT else timezone.now(),
                                   decided_at=timezone.now() if status in (Status.APPROVED, Status.REJECTED) else None)
    return user


@pytest.fixture
def member(db):
    return get_user_model().objects.create_user("lam", "lam@example.org", "pw-lam-2026", first_name="Wing",
                                                last_name="Lam")


# ── 14. Park code text ──────────────────────────────────────────────────────────────────────────────────


def test_copied_code_text_is_exact_even_with_double_spaces(live_server, browser, park_keys, member, monkeypatch):
    # base45 has spaces; a code can hold two or three in a row. The page used to show it in an element that
    # collapsed them, so the copy was refused at the gate. Force such a code and compare byte for byte.
    odd = "HT1:AB  CD   EF G"
    monkeypatch.setattr(services, "code_for", lambda user, **kw: (odd, int(time.time()) + 60))
    context, page = signed_in(browser, live_server, member, viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/en/code/")
    page.click("details.code-text-box summary")
    assert page.locator("#code-text").input_value() == odd
    page.click("#copy-code")
    page.wait_for_selector(".copy-status:has-text('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == odd
    assert errors == []
    context.close()


def test_copied_code_is_accepted_at_the_gate(live_server, demo_park, browser, park_keys, member):
    gate = AccessPoint(code="copy-gate", kind="gate", park=Park.objects.get(code="shenzhen"), name_en="Copy gate")
    gate.full_clean()
    gate.save()
    AccessRule.objects.create(access_point=gate, grant="anyone")
    guard = staff_in("guard", "facilities_security")

    context, page = signed_in(browser, live_server, member, viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/en/code/")
    page.click("details.code-text-box summary")
    page.click("#copy-code")
    page.wait_for_selector(".copy-status:has-text('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#code-text").input_value()
    assert copied.startswith("HT1:")

    guard_context, guard_page = signed_in(browser, live_server, guard, viewport=PHONE)
    guard_page.goto(f"{live_server.url}/en/gate/")
    guard_page.select_option("#access_point", "copy-gate")
    guard_page.fill("#code", copied)
    guard_page.click("#check")
    result = guard_page.locator(".scan-result")
    result.wait_for()
    assert result.get_attribute("data-allowed") == "true", result.inner_text()
    context.close()
    guard_context.close()


def test_code_expiry_is_a_local_time_with_a_countdown(live_server, browser, park_keys, member, monkeypatch):
    lifetime = 13  # short, so that the 10-second announcement comes within the test
    expiries: list[int] = []

    def short_code(user, **kw):
        expiries.append(int(time.time()) + lifetime)
        return "HT1:TEST", expiries[-1]

    monkeypatch.setattr(services, "code_for", short_code)
    context, page = signed_in(browser, live_server, member, viewport=PHONE, timezone_id="Asia/Hong_Kong")
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/en/code/")
    local = datetime.datetime.fromtimestamp(expiries[0], zoneinfo.ZoneInfo("Asia/Hong_Kong"))
    time_text = page.locator("[data-local-time]").inner_text()
    assert time_text == local.strftime("%H:%M:%S"), "the expiry is a clock time, not Unix seconds"
    assert str(expiries[0]) not in page.locator("figcaption").inner_text()

    first = int(page.locator("[data-countdown]").inner_text())
    page.wait_for_timeout(2100)
    second = int(page.locator("[data-countdown]").inner_text())
    assert 0 < first <= lifetime and second < first, (first, second)
    # The live region speaks once near the end, not every second.
    expect(page.locator("#code-announce")).to_contain_text("10 more seconds", timeout=6000)
    assert errors == []
    context.close()


def test_code_page_without_javascript_shows_the_park_time(live_server, browser, park_keys, member):
    context, page = signed_in(browser, live_server, member, java_script_enabled=False)
    page.goto(f"{live_server.url}/en/code/")
    expires = int(page.locator("[data-expires]").get_attribute("data-expires"))
    shanghai = datetime.datetime.fromtimestamp(expires, zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert page.locator("[data-local-time]").inner_text() == shanghai.strftime("%H:%M:%S")
    assert page.locator("[data-local-time]").get_attribute("datetime") == shanghai.isoformat()
    assert page.locator("#copy-code").is_hidden(), "a copy button that cannot work is not shown"
    context.close()


# ── 20. Phone layout ────────────────────────────────────────────────────────────────────────────────────


def test_phone_header_is_one_row_with_a_keyboard_menu(live_server, applicant, browser):
    context, page = signed_in(browser, live_server, applicant, viewport=PHONE)
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/en/")
    assert page.evaluate("document.getElementById('main').getBoundingClientRect().top") <= 80
    toggler = page.locator(".navbar-toggler")
    assert toggler.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("link", name="My applications").is_hidden()
    assert page.get_by_role("link", name="Organisations").is_hidden()

    toggler.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#nav-main.show")
    page.wait_for_selector("#site-tools.show")
    assert toggler.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="My applications").is_visible()
    assert page.get_by_role("link", name="Organisations").is_visible()
    assert page.locator("#site-search").is_visible()
    page.get_by_role("link", name="Organisations").click()
    page.wait_for_url("**/en/organisations/")
    assert errors == []
    context.close()


def test_desktop_header_shows_everything_without_a_menu_button(live_server, page):
    page.goto(f"{live_server.url}/en/")
    assert page.locator(".navbar-toggler").is_hidden()
    assert page.get_by_role("link", name="Organisations").is_visible()
    assert page.locator("#site-search").is_visible()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_status_cells_stay_on_one_line_on_a_phone(live_server, applicant, browser, language):
    context, page = signed_in(browser, live_server, applicant, viewport=PHONE)
    page.goto(f"{live_server.url}/{language}/my-applications/")
    assert page.locator("td.status").count() == len(Status.values)
    lines = page.evaluate("""() => [...document.querySelectorAll('td.status')].map((cell) => {
        const range = document.createRange(); range.selectNodeContents(cell);
        return [cell.textContent.trim(), new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size];
    })""")
    assert all(n == 1 for _text, n in lines), lines
    # A wide table scrolls inside its box; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


# ── 21. Charts ──────────────────────────────────────────────────────────────────────────────────────────

CHART_FIGURES = """() => [...document.querySelectorAll('figure')].filter((f) => f.querySelector('[data-chart]'))
  .map((figure) => {
    const option = echarts.getInstanceByDom(figure.querySelector('[data-chart]')).getOption();
    const rows = [...figure.querySelectorAll('details.chart-table tbody tr')].map((tr) =>
      [tr.querySelector('th').textContent.trim(), [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())]);
    const series = option.series;
    let drawn;
    if (series[0].type === 'pie') {
      drawn = series[0].data.map((d) => [d.name, [d.value]]);
    } else {
      const axis = [...option.xAxis, ...option.yAxis].find((a) => a.type === 'category');
      drawn = axis.data.map((name, i) => [String(name), series.map((s) => s.data[i])]);
    }
    return { chart: figure.querySelector('[data-chart]').dataset.chart, rows, drawn,
             texts: [...figure.querySelectorAll('[data-chart] svg text')].map((t) => t.textContent) };
  })"""


def number(text: str) -> float:
    return float(text.replace(",", ""))


def test_dashboard_charts_have_tables_full_names_and_grouped_numbers(live_server, demo_park, page):
    page.goto(f"{live_server.url}/en/")
    page.wait_for_selector("[data-chart='researchers_by_region'] svg")
    page.wait_for_timeout(300)
    page.locator("details.chart-table summary").first.click()
    assert page.locator("details.chart-table table").first.is_visible()

    figures = page.evaluate(CHART_FIGURES)
    assert {f["chart"] for f in figures} == {"projects_by_direction", "researchers_by_region", "pct_by_year",
                                             "space_by_park_and_use"}
    for figure in figures:
        # The table shows exactly what the chart draws: same categories, same numbers, same order.
        table = [(name, [number(v) for v in values]) for name, values in figure["rows"]]
        drawn = [(name, [float(v) for v in values]) for name, values in figure["drawn"]]
        assert table == drawn, figure["chart"]
        assert table, figure["chart"]
        # Nothing is cut short with an ellipsis.
        assert not [t for t in figure["texts"] if t.endswith(("...", "…"))], figure["chart"]

    # Big numbers are grouped in the page's language, in the chart and in its table.
    mainland = Person.objects.filter(region="mainland").count()
    assert mainland >= 1000
    donut = next(f for f in figures if f["chart"] == "researchers_by_region")
    assert f"{mainland:,}" in " ".join(donut["texts"])
    assert [f"{mainland:,}"] in [values for _name, values in donut["rows"]]

    # The longest direction name is shown in full in the tooltip, and on the axis wrapped, never cut.
    longest = max(KeyDirection.objects.filter(projects__isnull=False).distinct(), key=lambda d: len(d.name_en))
    bars = next(f for f in figures if f["chart"] == "projects_by_direction")
    index = next(i for i, (name, _values) in enumerate(bars["drawn"]) if name == longest.name_en)
    assert longest.name_en.replace(" ", "") in "".join(bars["texts"]).replace(" ", "")
    texts = """() => [...document.querySelectorAll("[data-chart='projects_by_direction'] svg text")]
        .map((t) => t.textContent)"""
    before = page.evaluate(texts).count(longest.name_en)
    page.evaluate("""(index) => echarts.getInstanceByDom(document.querySelector("[data-chart='projects_by_direction']"))
        .dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: index })""", index)
    page.wait_for_timeout(300)
    assert page.evaluate(texts).count(longest.name_en) == before + 1, "the tooltip names the direction in full"


def test_chart_tables_work_without_javascript(live_server, demo_park, browser):
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")
    assert page.locator("details.chart-table").count() == 4
    page.locator("details.chart-table summary").nth(1).click()
    text = page.locator("details.chart-table").nth(1).inner_text()
    mainland = Person.objects.filter(region="mainland").count()
    assert re.search(rf"Mainland China\s+{mainland:,}", text), text
    context.close()


def test_chinese_dashboard_groups_thousands(live_server, demo_park, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/zh-hans/")
    page.wait_for_selector("[data-chart='researchers_by_region'] svg text")
    texts = page.locator("[data-chart='researchers_by_region'] svg text").all_text_contents()
    assert f"{Person.objects.filter(region='mainland').count():,}" in " ".join(texts)
    context.close()


# ── 23. Gate scanner without a camera ───────────────────────────────────────────────────────────────────


def test_scanner_says_why_the_camera_cannot_start_and_focuses_manual_entry(live_server, demo_park, browser):
    guard = staff_in("guard2", "facilities_security")
    context, page = signed_in(browser, live_server, guard, viewport=PHONE)
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/en/gate/")
    message = page.locator("#camera-message")
    assert message.inner_text() == ""
    page.click("#start-camera")
    expect(message).to_have_text(re.compile(r"\S"))
    assert message.is_visible()
    assert message.get_attribute("aria-live") == "polite"
    reasons = [message.get_attribute(f"data-{key}") for key in ("insecure", "denied", "missing", "busy", "failed")]
    text = message.inner_text()
    assert any(text.startswith(reason) for reason in reasons), text
    assert "Type or paste the code" in text
    assert page.evaluate("document.activeElement.id") == "code"
    assert page.locator("#start-camera").is_enabled(), "the button stays usable for another try"
    assert errors == []
    context.close()
