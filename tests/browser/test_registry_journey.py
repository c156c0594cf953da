import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_switch_to_traditional_search_and_open_hkust(live_server, demo_park, page):
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/en/")
    # The dashboard draws its charts (ECharts served by the app, no CDN) and shows computed figures.
    page.wait_for_selector("[data-chart='projects_by_direction'] svg")
    assert page.locator("[data-kpi='researchers'] .kpi-value").inner_text().replace(",", "").isdigit()

    page.select_option("#language-select", "zh-hant")
    page.click(".language-switch button[type=submit]")
    page.wait_for_url("**/zh-hant/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-HK"
    assert "河套深港科技創新合作區" in page.locator("h1").inner_text()

    page.fill("#site-search", "港科大")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/zh-hant/search/?q=*")
    first = page.locator(".search-results a").first
    assert first.inner_text() == "香港科技大學"
    first.click()
    page.wait_for_url("**/zh-hant/organisations/hkust/")
    assert page.locator("h1").inner_text() == "香港科技大學"
    assert "HKUST" in page.content()

    # The choice is remembered: a fresh visit to / lands in Traditional Chinese.
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/zh-hant/")


def test_keyboard_user_can_skip_to_content(live_server, demo_park, page):
    page.goto(f"{live_server.url}/en/organisations/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
