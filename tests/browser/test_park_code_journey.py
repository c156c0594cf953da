"""Acceptance of one code: a member shows the code; gate staff verify it by manual entry; the member is
revoked (lost phone) and the next scan is denied with "revoked"."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from hetao.passes import keys, services
from hetao.passes.models import AccessPoint, AccessRule
from hetao.registry.models import Park
from tests.browser.conftest import signed_in
from tests.conftest import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def test_show_code_scan_revoke_scan(live_server, demo_park, browser, settings, tmp_path):
    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1))
    services._key_cache.clear()
    gate = AccessPoint(code="browser-gate", kind="gate", park=Park.objects.get(code="shenzhen"), name_en="Main gate")
    gate.full_clean()
    gate.save()
    AccessRule.objects.create(access_point=gate, grant="anyone")
    member = get_user_model().objects.create_user("lam", "lam@example.org", "pw-lam-2026", first_name="Wing",
                                                  last_name="Lam")
    guard = staff_in("guard", "facilities_security")

    member_context, member_page = signed_in(browser, live_server, member, viewport={"width": 420, "height": 900})
    member_page.goto(f"{live_server.url}/en/code/")
    assert member_page.locator("img.park-code").get_attribute("src").startswith("data:image/svg+xml")
    member_page.click("details summary >> nth=0")
    code = member_page.locator("#code-text").input_value()
    assert code.startswith("HT1:")

    guard_context, guard_page = signed_in(browser, live_server, guard, viewport={"width": 420, "height": 900})
    guard_page.goto(f"{live_server.url}/en/gate/")
    guard_page.select_option("#access_point", "browser-gate")
    guard_page.fill("#code", code)
    guard_page.click("#check")
    result = guard_page.locator(".scan-result")
    result.wait_for()
    assert result.get_attribute("data-allowed") == "true"
    assert "Wing Lam" in result.inner_text()

    # The member reports a lost phone: the old code is revoked.
    member_page.click("text=Lost your phone?")
    member_page.click("form[action$='/code/lost-phone/'] button")
    member_page.wait_for_url("**/en/code/")
    guard_page.fill("#code", code)
    guard_page.click("#check")
    guard_page.wait_for_selector(".scan-result[data-reason='revoked']")
    assert "Revoked" in guard_page.locator(".scan-result").inner_text()
    member_context.close()
    guard_context.close()
