"""Acceptance of one network: an applicant in 繁體 passes the eligibility check, fills a multi-page form,
leaves, resumes, submits, gets a reference and a PDF receipt; an officer returns it for changes; the
applicant amends; a second officer approves; the applicant downloads the decision letter; both see the
full timeline."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from hetao.onestop.models import Application, Status
from tests.browser.conftest import signed_in
from tests.conftest import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_zh(browser, live_server, user):
    context, page = signed_in(browser, live_server, user, locale="zh-HK", accept_downloads=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def continue_(page):
    page.locator("#application-form button[type=submit]:not([name])").click()


def test_apply_return_amend_approve_letter(live_server, demo_park, browser):
    call_command("import_services", stdout=io.StringIO())
    applicant = get_user_model().objects.create_user("kayan", "kayan@example.org", "pw-kayan-2026", first_name="Ka Yan",
                                                     last_name="Chan", mobile="+85291234567",
                                                     preferred_language="zh-hant")
    first_officer, second_officer = staff_in("talent1", "talent_services"), staff_in("talent2", "talent_services")
    context, page, errors = signed_in_zh(browser, live_server, applicant)

    # Eligibility, then the first page; leave and come back.
    page.goto(f"{live_server.url}/zh-hant/services/hk-researcher-facilitation/")
    assert page.locator("h1").inner_text() == "香港科研人員跨境便利函"
    page.check("#hk_resident-yes")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/page/0/")
    assert page.input_value("#id_name") == "Ka Yan Chan"  # submit once: prefilled
    page.fill("#id_hkid", "A123456(3)")
    page.fill("#id_institution", "HKUST Shenzhen-Hong Kong institute")
    page.select_option("#id_crossings", "daily")
    page.locator("button[name=leave]").click()
    page.wait_for_url("**/zh-hant/my-applications/")
    page.locator("main table a").first.click()
    page.wait_for_url("**/page/0/")
    assert page.input_value("#id_hkid") == "A123456(3)"
    continue_(page)
    page.wait_for_url("**/page/1/")
    continue_(page)
    page.wait_for_url("**/check/")
    page.check("#consent")
    page.click("#submit-application")
    page.wait_for_url("**/applications/done/**")
    reference = page.locator("#reference").inner_text()
    assert reference.startswith("HT-")
    with page.expect_download() as receipt:
        page.locator("a[href$='receipt.pdf']").click()
    assert receipt.value.path().read_bytes().startswith(b"%PDF")

    # The first officer returns it for changes.
    _c1, officer_page, officer_errors = signed_in_zh(browser, live_server, first_officer)
    officer_page.goto(f"{live_server.url}/zh-hant/work/")
    assert reference in officer_page.locator("main").inner_text()
    officer_page.goto(f"{live_server.url}/zh-hant/work/{reference}/")
    officer_page.fill("#comment", "請提供所在機構的全名。")
    officer_page.fill("#internal_note", "HKID checked.")
    officer_page.click("#decision-form button[value=return]")
    officer_page.wait_for_load_state()
    assert Application.objects.get(reference=reference).status == Status.RETURNED

    # The applicant amends and sends the changes.
    page.goto(f"{live_server.url}/zh-hant/my-applications/{reference}/")
    assert "請提供所在機構的全名。" in page.locator("main").inner_text()
    assert "HKID checked." not in page.content()
    page.click("#respond")
    page.wait_for_url("**/page/0/")
    page.fill("#id_institution", "HKUST Shenzhen-Hong Kong Collaborative Innovation Research Institute")
    continue_(page)
    page.wait_for_url("**/page/1/")
    continue_(page)
    page.wait_for_url("**/check/")
    page.check("#consent")
    page.click("#submit-application")
    page.wait_for_url("**/applications/done/**")

    # A second officer approves.
    _c2, second_page, second_errors = signed_in_zh(browser, live_server, second_officer)
    second_page.goto(f"{live_server.url}/zh-hant/work/{reference}/")
    second_page.fill("#comment", "已批准。")
    second_page.click("#decision-form button[value=approve]")
    second_page.wait_for_load_state()
    assert Application.objects.get(reference=reference).status == Status.APPROVED

    # The decision letter, and the same full timeline on both sides (the internal note only for officers).
    page.goto(f"{live_server.url}/zh-hant/my-applications/{reference}/")
    with page.expect_download() as letter:
        page.click("#decision-letter")
    assert letter.value.path().read_bytes().startswith(b"%PDF")
    applicant_timeline = page.locator("ol.timeline li")
    assert applicant_timeline.count() == 4  # submitted, returned, resubmitted, approved
    second_page.goto(f"{live_server.url}/zh-hant/work/{reference}/")
    assert second_page.locator("ol.timeline li").count() == 4
    assert "HKID checked." in second_page.locator("ol.timeline").inner_text()
    assert errors == officer_errors == second_errors == []
    context.close()
