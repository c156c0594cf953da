"""What only a browser shows (issue 8, items 17 and 18): the assign button on one line at any width and in
Chinese, and a repeatable group whose "Add another" adds a numbered row and moves the focus into it."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from hetao.onestop import services
from hetao.onestop.models import Service
from tests.browser.conftest import signed_in
from tests.conftest import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENUE = {"title": "Forum", "date": "2026-12-12", "guests": "80", "catering": "no", "contact_name": "M",
         "contact_email": "m@example.org", "contact_mobile": "+8613800138000"}


def one_line(locator) -> bool:
    """The element's text sits on one line (every fragment of its text starts at the same height)."""
    return locator.evaluate("""el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        return tops.size === 1;
    }""")


@pytest.mark.parametrize("width", [1280, 992, 390])
def test_the_assign_button_stays_on_one_line(live_server, demo_park, browser, width):
    call_command("import_services", stdout=io.StringIO())
    applicant = get_user_model().objects.create_user("ky", "ky@example.org", "pw-ky-20260101")
    application = services.application_start(actor=applicant, service=Service.objects.get(code="venue-booking"))
    services.application_save_page(actor=applicant, application=application, page_answers=VENUE)
    application = services.application_submit(actor=applicant, application=application, consent=True)
    officer = staff_in("fac", "facilities_security")
    staff_in("fac2", "facilities_security")
    context, page = signed_in(browser, live_server, officer, locale="zh-HK", viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}/zh-hant/work/{application.reference}/")
    assert one_line(page.locator("#assign"))
    page.goto(f"{live_server.url}/zh-hant/work/")
    assert page.locator("#queue tbody tr").count() == 1
    for cell in page.locator("#queue tbody td.status").all():
        assert one_line(cell)
    context.close()


def test_add_another_member_adds_a_numbered_row_and_focuses_it(live_server, demo_park, browser):
    call_command("import_services", stdout=io.StringIO())
    applicant = get_user_model().objects.create_user("ky", "ky@example.org", "pw-ky-20260101")
    application = services.application_start(actor=applicant,
                                             service=Service.objects.get(code="youth-base-admission"))
    context, page = signed_in(browser, live_server, applicant)
    page.goto(f"{live_server.url}/en/applications/{application.pk}/page/0/")
    group = page.locator("fieldset#group-members")
    assert group.locator("legend").first.inner_text() == "Team members"
    page.fill("#id_members__0__member", "Ka Yan")
    group.locator("button[name=add_row]").click()
    page.wait_for_selector("#id_members__1__member")
    legends = page.locator("fieldset#group-members fieldset.repeatable-row > legend").all_inner_texts()
    assert legends == ["Member 1", "Member 2"]
    assert page.evaluate("document.activeElement.id") == "id_members__1__member"
    assert page.input_value("#id_members__0__member") == "Ka Yan"
    assert "optional" not in page.locator("label[for=id_members__1__member]").inner_text()
    context.close()
