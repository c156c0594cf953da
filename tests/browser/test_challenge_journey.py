"""Acceptance of open challenges (issue 11): a researcher proposes a topic in 简体; an officer accepts it and makes
a challenge of it; a team of a Hong Kong and a Mainland researcher bids in 繁體; after the deadline the officer
starts the review, proposes, inspects and deploys the assignment; two experts review blind and a third declares
a conflict and declines; a rapporteur writes the consensus; the defence (names visible); the award; the team
reads its consensus report, without any reviewer's name.

Every step a person takes goes through the pages (clicks and form fills); the ORM only sets up the accounts and
the experts, reads ids the pages show, and moves the clock past the deadline."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hetao.challenges.models import (
    Assignment,
    Award,
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    Consensus,
    ConsensusStatus,
    Declaration,
    ReviewStatus,
    RunStatus,
    Status,
    Topic,
)
from hetao.registry.models import KeyDirection
from tests.browser.conftest import signed_in
from tests.challenges.builders import pool_expert
from tests.conftest import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

User = get_user_model()
TOPIC_TITLE = "深港跨境容错量子计算"
TEAM_NAME = "港深量子聯隊"
ENTITY = "深港量子科技有限公司（籌）"
REPORT = "方案紮實，建議在第一年內完成邏輯量子位元的演示。"


def browser_of(browser, live_server, user, locale: str):
    context, page = signed_in(browser, live_server, user, locale=locale)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)  # CSP, 4xx loads
    return context, page, errors


def post(page, selector: str) -> int:
    """Click a submit button and wait for the page it leads to; the status of that page."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    response = navigation.value
    return response.status if response is not None else 0


def ok(page, selector: str) -> None:
    status = post(page, selector)
    alerts = page.locator(".alert-danger, #error-summary").all_inner_texts()
    assert status == 200, f"{selector} on {page.url} answered {status}: {alerts}"
    assert not alerts, f"{selector} on {page.url}: {alerts}"


def go(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url} answered {response and response.status}"


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_topic_to_challenge_to_award_and_the_consensus_report(live_server, demo_park, browser):
    started = timezone.now()
    base = live_server.url
    researcher = User.objects.create_user("meiling", "meiling@example.org", "pw-meiling-2026", first_name="美玲",
                                          last_name="周", preferred_language="zh-hans")
    officer = staff_in("research1", "research_management")
    lead = User.objects.create_user("kayan", "kayan@example.org", "pw-kayan-2026", first_name="Ka Yan",
                                    last_name="Chan", preferred_language="zh-hant")
    member = User.objects.create_user("liwei", "liwei@example.org", "pw-liwei-2026", first_name="Wei",
                                      last_name="Li", preferred_language="zh-hant")
    # The pool: a Hong Kong and a Mainland expert with no conflict, and a third who will declare one.
    hk = pool_expert("expert_hk", region="hong_kong", sector="academia")
    mainland = pool_expert("expert_sz", region="mainland", sector="industry")
    third = pool_expert("expert_gz", region="mainland", sector="academia")
    expert_names = [str(e.person) for e in (hk, mainland, third)] + ["expert_hk", "expert_sz", "expert_gz"]
    team_strings = [TEAM_NAME, ENTITY, "Ka Yan", "Chan Ka Yan", "kayan@example.org", "liwei@example.org", "Wei Li",
                    "李偉"]

    # ── 1. The researcher proposes a topic in 简体 and submits it.
    _c, page, errors = browser_of(browser, live_server, researcher, "zh-CN")
    go(page, f"{base}/zh-hans/topics/propose/")
    page.fill("#id_title_zh_hans", TOPIC_TITLE)
    page.fill("#id_problem", "物理量子比特退相干太快，无法完成长时间计算。")
    page.fill("#id_importance", "容错是实用量子计算的前提，也是河套合作区的重点方向。")
    page.fill("#id_outcome", "一个逻辑量子比特，逻辑错误率低于千分之一。")
    page.fill("#id_budget_amount", "3000000")
    page.select_option("#id_budget_currency", "CNY")
    page.select_option("#id_key_direction", str(KeyDirection.objects.get(code="quantum").pk))
    page.fill("#id_tags", "量子, 纠错")
    ok(page, "button[value=save]")
    assert re.search(r"/zh-hans/topics/\d+/edit/$", page.url)
    topic_pk = int(re.search(r"/topics/(\d+)/edit/", page.url).group(1))
    ok(page, "button[value=submit]")
    assert page.url.endswith("/zh-hans/my-topics/")
    assert Topic.objects.get(pk=topic_pk).status == Status.SUBMITTED

    # ── 2. The officer accepts it and makes a challenge from it.
    _c, office, office_errors = browser_of(browser, live_server, officer, "en-GB")
    go(office, f"{base}/en/screening/topics/{topic_pk}/")
    ok(office, "button[value=accept]")
    assert Topic.objects.get(pk=topic_pk).status == Status.ACCEPTED
    go(office, f"{base}/en/screening/topics/{topic_pk}/")
    with office.expect_navigation():
        office.click("a[href*='research/challenges/new/?topics=']")
    assert office.input_value("#id_title_zh_hans") == TOPIC_TITLE  # prefilled from the topic
    office.fill("#id_title_en", "Fault-tolerant quantum computing across the border")
    office.fill("#id_title_zh_hant", "深港跨境容錯量子計算")
    office.fill("#id_description_en", "Build and demonstrate a logical qubit.")
    office.fill("#id_deliverables", "A logical qubit on a superconducting chip, with its decoder.")
    office.fill("#id_indicators", "Logical error rate below 1e-3 per cycle.")
    office.fill("#id_budget_ceiling", "3000000")
    office.select_option("#id_currency", "CNY")
    office.fill("#id_duration_months", "24")
    office.fill("#id_closes_at", local_input(timezone.now() + datetime.timedelta(days=14)))
    office.fill("#id_experts_per_bid", "3")  # two review, the third declares a conflict (see the report)
    office.fill("#id_min_hk_macao_experts", "1")
    office.fill("#id_min_mainland_experts", "1")
    office.fill("#id_min_industry_experts", "0")
    for row, (en, hans, hant, weight, threshold) in enumerate((
            ("Technical merit", "技术水平", "技術水平", "60", "5"),
            ("Feasibility and value for money", "可行性与经费合理性", "可行性與經費合理性", "40", "4"))):
        office.fill(f"#id_criteria-{row}-name_en", en)
        office.fill(f"#id_criteria-{row}-name_zh_hans", hans)
        office.fill(f"#id_criteria-{row}-name_zh_hant", hant)
        office.fill(f"#id_criteria-{row}-description", f"How well the bid does on {en.lower()}.")
        office.fill(f"#id_criteria-{row}-weight", weight)
        office.fill(f"#id_criteria-{row}-max_score", "10")
        office.fill(f"#id_criteria-{row}-threshold", threshold)
    office.select_option("#id_rules-0-kind", "registered_entity")
    office.select_option("#id_rules-1-kind", "budget_within_ceiling")
    ok(office, "button[value=save]")
    code = re.search(r"/research/challenges/([^/]+)/edit/$", office.url).group(1)
    challenge = Challenge.objects.get(code=code)
    assert list(challenge.topics.values_list("pk", flat=True)) == [topic_pk]  # provenance kept
    assert sum(challenge.criteria.values_list("weight", flat=True)) == 100
    go(office, f"{base}/en/challenges/{code}/")
    ok(office, "button[value=publish]")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN and challenge.experts_per_bid == 3

    # ── 3. The team bids in 繁體: the lead starts, invites the member, who accepts in their own browser.
    _c, lead_page, lead_errors = browser_of(browser, live_server, lead, "zh-HK")
    go(lead_page, f"{base}/zh-hant/challenges/{code}/")
    with lead_page.expect_navigation():
        lead_page.click(f"a[href$='/challenges/{code}/bid/']")
    lead_page.fill("#id_team_name", TEAM_NAME)
    ok(lead_page, "button[value=start]")
    bid_pk = int(re.search(r"/zh-hant/bids/(\d+)/$", lead_page.url).group(1))
    lead_page.fill("#id_invite-email", "liwei@example.org")
    lead_page.fill("#id_invite-name", "李偉")
    lead_page.fill("#id_invite-role", "解碼器")
    ok(lead_page, "button[value=invite]")

    _c, member_page, member_errors = browser_of(browser, live_server, member, "zh-HK")
    go(member_page, f"{base}/zh-hant/my-bids/")
    with member_page.expect_navigation():
        member_page.click("a[href*='/bids/invitations/']")
    ok(member_page, "button[value=accept]")
    assert member_page.url.endswith(f"/zh-hant/bids/{bid_pk}/")

    go(lead_page, f"{base}/zh-hant/bids/{bid_pk}/")
    for row, (category, text, amount) in enumerate((("personnel", "研究人員", "1800000"),
                                                    ("equipment", "稀釋製冷機時段", "900000"))):
        lead_page.select_option(f"#id_budget-{row}-category", category)
        lead_page.fill(f"#id_budget-{row}-description", text)
        lead_page.fill(f"#id_budget-{row}-amount", amount)
    ok(lead_page, "button[value=budget]")
    lead_page.fill("#id_milestones-0-title", "距離 5 表面碼")
    lead_page.fill("#id_milestones-0-month", "12")
    lead_page.fill("#id_milestones-0-deliverable", "邏輯錯誤率的測量報告")
    ok(lead_page, "button[value=milestones]")
    lead_page.fill("#id_entity_to_register", ENTITY)
    lead_page.fill("#id_summary", "以超導晶片實現表面碼邏輯量子位元，配合即時解碼。")
    lead_page.fill("#id_approach", "距離 5 的表面碼；FPGA 即時解碼；逐步降低物理錯誤率。")
    lead_page.fill("#id_work_plan", "第 1–6 月製備晶片；第 7–24 月測試與優化。")
    lead_page.check("#id_declares_no_other_conflicts")
    lead_page.check("#id_declares_truthful")
    ok(lead_page, "button[value=submit]")
    submitted = lead_page.content()
    assert TEAM_NAME in submitted and ENTITY in submitted and "李偉" in submitted  # what must not leak, shown here
    bid = Bid.objects.get(pk=bid_pk)
    assert bid.status == BidStatus.SUBMITTED and bid.members.count() == 2
    assert bid.budget_total == 2700000

    # ── 4. After the deadline: the test moves the clock (a queryset update of closes_at into the past, as no
    # page may); the officer starts the review, proposes, inspects and deploys the assignment.
    Challenge.objects.filter(pk=challenge.pk).update(opens_at=timezone.now() - datetime.timedelta(days=30),
                                                     closes_at=timezone.now() - datetime.timedelta(minutes=1))
    go(office, f"{base}/en/challenges/{code}/")
    ok(office, "button[value=start_review]")
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.REVIEW
    go(office, f"{base}/en/research/challenges/{code}/assignment/")
    ok(office, "button[value=propose]")
    proposal = office.locator("main").inner_text()
    assert bid.reference in proposal  # the officer inspects the proposal: the bid and its experts
    assert all(str(e.person) in proposal for e in (hk, mainland, third))
    ok(office, "button[value=deploy]")
    assignments = {a.expert_id: a for a in Assignment.objects.filter(run__challenge=challenge,
                                                                     run__status=RunStatus.DEPLOYED)}
    assert set(assignments) == {hk.pk, mainland.pk, third.pk}

    # ── 5. Two experts declare no conflict and review blind; the third declares a conflict and declines.
    reviewers = {}
    for expert, score_a, score_b in ((hk, "8", "7"), (mainland, "7.5", "6.5")):
        _c, epage, eerrors = browser_of(browser, live_server, expert.user, "en-GB")
        reviewers[expert.pk] = (epage, eerrors)
        go(epage, f"{base}/en/expert/")
        with epage.expect_navigation():
            epage.click(f"a[href$='/expert/assignments/{assignments[expert.pk].pk}/declare/']")
        assert not any(s in epage.content() for s in team_strings)
        ok(epage, "button[value=no_conflict]")
        assert epage.url.endswith(f"/en/reviews/{assignments[expert.pk].pk}/")
        content = epage.content()
        leaks = [s for s in team_strings if s in content]
        assert leaks == [], f"the blind review page shows {leaks}"
        assert "表面碼" in content  # the approach is there, the names are not
        scores = epage.locator("input[name^=score_]")
        assert scores.count() == 2
        scores.nth(0).fill(score_a)
        scores.nth(1).fill(score_b)
        epage.fill("#id_comments_to_team", f"Clear plan ({expert.region}).")
        epage.fill("#id_comments_to_panel", "Confidential: the decoder is the risk.")
        ok(epage, "button[value=submit]")
    _c, third_page, third_errors = browser_of(browser, live_server, third.user, "en-GB")
    go(third_page, f"{base}/en/expert/assignments/{assignments[third.pk].pk}/declare/")
    assert not any(s in third_page.content() for s in team_strings)
    third_page.fill("#id_reason", "I advised this group on a related proposal last year.")
    ok(third_page, "button[value=conflict]")
    assert Assignment.objects.get(pk=assignments[third.pk].pk).declaration == Declaration.CONFLICT
    assert set(bid.reviews.filter(status=ReviewStatus.SUBMITTED).values_list("expert_id", flat=True)) == {
        hk.pk, mainland.pk}

    # ── 6. The officer names the Hong Kong expert rapporteur; the consensus is written and finalised.
    go(office, f"{base}/en/research/challenges/{code}/panel/")
    office.select_option("#rap-bid", str(bid_pk))
    office.select_option("#rap-user", str(hk.user_id))
    ok(office, "button[value=rapporteur]")
    hk_page = reviewers[hk.pk][0]
    go(hk_page, f"{base}/en/consensus/{bid_pk}/")
    assert not any(s in hk_page.content() for s in team_strings)
    finals = hk_page.locator("input[name^=score_]")
    finals.nth(0).fill("7.5")
    finals.nth(1).fill("7")
    hk_page.fill("#id_report_to_team", REPORT)
    hk_page.fill("#id_notes_to_panel", "Agreed after discussion.")
    ok(hk_page, "button[value=finalise]")
    assert Consensus.objects.get(bid=bid).status == ConsensusStatus.FINAL

    # ── 7. The defence: scheduled, then started (names visible to the reviewers from here on).
    go(office, f"{base}/en/research/challenges/{code}/panel/")
    office.select_option("#def-bid", str(bid_pk))
    office.fill("#id_scheduled_at", local_input(timezone.now() + datetime.timedelta(days=3)))
    office.select_option("#id_mode", "on_site")
    office.fill("#id_place", "Hetao Shenzhen park, room 301")
    ok(office, "button[value=defence]")
    ok(office, "button[value=start_defence]")
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.DEFENCE
    go(hk_page, f"{base}/en/reviews/{assignments[hk.pk].pk}/")
    assert TEAM_NAME in hk_page.content()

    # ── 8. The award, with the panel's minutes.
    go(office, f"{base}/en/research/challenges/{code}/panel/")
    office.check(f"#id_win_{bid_pk}")
    office.fill(f"#id_amount_{bid_pk}", "2700000")
    office.fill("#id_minutes", "The panel met on site; the team answered every question. Awarded in full.")
    ok(office, "button[value=award]")
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.AWARDED
    assert Award.objects.get(bid=bid).amount == 2700000

    # ── 9. The team lead reads the consensus report: no reviewer's name on it.
    go(lead_page, f"{base}/zh-hant/bids/{bid_pk}/result/")
    result = lead_page.content()
    assert REPORT in result
    assert [n for n in expert_names if n in result] == []
    assert "Confidential" not in result

    assert errors == office_errors == lead_errors == member_errors == third_errors == []
    assert all(e == [] for _p, e in reviewers.values())
    print(f"\nchallenge journey: {(timezone.now() - started).total_seconds():.1f} s")
