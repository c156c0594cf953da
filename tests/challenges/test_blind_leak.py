"""The blind phase, enforced: in phase 1 no page, API answer, document or export given to a reviewer (or, for the
export, to the panel) holds a team member's name in any script, an email, an email's local part, the team's
name or its organisation's name. Then, in the defence, the names do appear (so this test can fail).

Every reviewer-facing route of the app is rendered in all three languages; the routes of other parts
(`challenges:declare`, `challenges:expert_home`, `challenges:bid`, …) are included when they exist."""

import io
import json
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from hetao.challenges.models import BidDocument, BidMember, ChallengeStatus, Clarification, Declaration
from hetao.challenges.services import reviews as services
from hetao.registry.models import Person
from tests import factories

from . import builders
from .test_reviews_services import criteria, review

pytestmark = pytest.mark.django_db

PEOPLE = [
    # (username, first, last, en, 简体, 繁體, email, role)
    ("chantaiman", "Tai Man", "Chan", "Chan Tai Man", "陈大文", "陳大文", "chan.taiman@lionrock-lab.example.hk",
     "Principal investigator"),
    ("tangkayan", "Ka Yan", "Tang", "Tang Ka Yan", "邓嘉欣", "鄧嘉欣", "kayan.tang@qubit-works.example.cn",
     "Decoder engineer"),
    ("lauwaikeung", "Wai Keung", "Lau", "Lau Wai Keung", "刘伟强", "劉偉強", "wk.lau.q@163.com", "Fabrication"),
]
ORGANISATION = ("Lion Rock Quantum Devices Limited", "狮子山量子器件有限公司", "獅子山量子器件有限公司")
TEAM_NAME = "Lion Rock Logical Qubit Team 獅子山邏輯量子隊"
LANGUAGES = ("en", "zh-hans", "zh-hant")


def forbidden_words() -> list[str]:
    words = [TEAM_NAME, "Lion Rock", "獅子山", "狮子山", *ORGANISATION]
    for username, first, last, en, hans, hant, email, _role in PEOPLE:
        words += [username, en, hans, hant, email, email.split("@")[0], f"{first} {last}", f"{last} {first}",
                  f"{last}, {first}"]
    return words


def assert_clean(where: str, text: str) -> None:
    found = [word for word in forbidden_words() if word.lower() in text.lower()]
    assert not found, f"{where} leaks {found}"


def pdf_with_author(name: str) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": name, "/Title": f"CV of {name}", "/Creator": name})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def team_bid(officer):
    challenge = builders.challenge(officer, code="HT-2024-07")
    organisation = factories.OrganisationFactory(name_en=ORGANISATION[0], name_zh_hans=ORGANISATION[1],
                                                 name_zh_hant=ORGANISATION[2])
    users = []
    for username, first, last, en, hans, hant, email, _role in PEOPLE:
        person = Person.objects.create(name_en=en, name_zh_hans=hans, name_zh_hant=hant, region="hong_kong")
        user = factories.make_user(username, first_name=first, last_name=last)
        user.person, user.email = person, email
        user.save(update_fields=["person", "email"])
        users.append(user)
    bid = builders.bid(challenge, users[0], organisation=organisation, team_name=TEAM_NAME, members=tuple(users[1:]))
    bid.entity_to_register = f"{ORGANISATION[0]} (HK)"
    bid.declared_conflicts = f"{PEOPLE[1][3]} once worked with {PEOPLE[2][3]}"
    bid.save(update_fields=["entity_to_register", "declared_conflicts"])
    for user, (_u, _f, _l, en, _hans, hant, _e, role) in zip(users, PEOPLE, strict=True):
        BidMember.objects.filter(bid=bid, user=user).update(name=f"{hant} {en}", role=role)
    for n in range(len(users)):
        data = pdf_with_author(f"{PEOPLE[n][5]} {PEOPLE[n][3]}")
        document = BidDocument(bid=bid, title=f"CV of {PEOPLE[n][3]}", original_name=f"{PEOPLE[n][0]}_cv.pdf",
                               size=len(data), sha256="0" * 64, metadata_warning=f"Author: {PEOPLE[n][3]}")
        document.file.save(f"{PEOPLE[n][0]}.pdf", ContentFile(data), save=False)
        document.save()
    Clarification.objects.create(bid=bid, asked_by=officer, question="Which decoder?", answer="A union-find decoder.",
                                 answered_by=users[0], answered_at=bid.submitted_at)
    challenge = builders.close(challenge, status=ChallengeStatus.REVIEW)
    expert = builders.pool_expert("blindreviewer", region="mainland")
    second = builders.pool_expert("secondreviewer", region="hong_kong")
    builders.deployed_run(challenge, [(bid, expert), (bid, second)], declaration=Declaration.NO_CONFLICT)
    return challenge, bid, expert, second


def optional_url(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def reviewer_texts(client, challenge, bid, expert) -> dict[str, str]:
    """Every reviewer-facing answer of the app, as text, keyed by where it came from."""
    assignment = bid.assignments.get(expert=expert)
    texts: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            own = {"my_reviews": reverse("challenges:my_reviews"),
                   "review": reverse("challenges:review", kwargs={"pk": assignment.pk}),
                   "consensus": reverse("challenges:consensus", kwargs={"pk": bid.pk})}
            others = {"declare": optional_url("challenges:declare", pk=assignment.pk),
                      "expert_home": optional_url("challenges:expert_home"),
                      "bid": optional_url("challenges:bid", pk=bid.pk),
                      "bid_pdf": optional_url("challenges:bid_pdf", pk=bid.pk),
                      "challenge": optional_url("challenges:challenge", code=challenge.code)}
        for name, url in own.items():
            response = client.get(url)
            assert response.status_code == 200, (name, language, response.status_code)
            texts[f"{name} ({language})"] = response.content.decode()
        for name, url in others.items():
            if url is None:
                continue
            response = client.get(url)
            if response.status_code == 200:
                body = response.content
                texts[f"{name} ({language})"] = (pdf_text(body) if response.get("Content-Type") == "application/pdf"
                                                 else body.decode())
    for number in range(1, bid.documents.count() + 1):
        response = client.get(reverse("challenges:review_document", kwargs={"pk": assignment.pk, "number": number}))
        assert response.status_code == 200
        data = response.content
        assert "/Author" not in (pypdf.PdfReader(io.BytesIO(data)).metadata or {}), "the document keeps its author"
        texts[f"document {number}"] = data.decode("latin-1") + pdf_text(data) + response["Content-Disposition"]
    for path in ("/api/v1/me/reviews", f"/api/v1/reviews/{assignment.pk}", "/api/v1/me/assignments"):
        response = client.get(path)
        if path == "/api/v1/me/assignments" and response.status_code != 200:
            continue  # another part's route, absent (404) or not for this caller
        assert response.status_code == 200, (path, response.status_code)
        texts[path] = json.dumps(response.json(), ensure_ascii=False)
    first, second, third = criteria(challenge)
    response = client.put(f"/api/v1/reviews/{assignment.pk}", json.dumps({
        "scores": [{"criterion": first.pk, "score": "8"}, {"criterion": second.pk, "score": "7"},
                   {"criterion": third.pk, "not_applicable": True}]}), content_type="application/json")
    assert response.status_code == 200
    texts["PUT /reviews"] = json.dumps(response.json(), ensure_ascii=False)
    return texts


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages) + json.dumps(
        {str(k): str(v) for k, v in (reader.metadata or {}).items()}, ensure_ascii=False)


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def test_phase_one_shows_reviewers_no_name_email_or_organisation_and_phase_two_does(client, officer):
    challenge, bid, expert, second = team_bid(officer)
    # The other expert's report is in, and our reviewer is the rapporteur: the consensus page is theirs too.
    review(bid, second, [7, 7, 7])
    services.consensus_open(actor=officer, bid=bid, rapporteur=expert.user)
    client.force_login(expert.user)
    texts = reviewer_texts(client, challenge, bid, expert)
    assert bid.reference in texts["review (en)"] and "Document 1" in texts["review (en)"]
    assert "A union-find decoder." in texts["review (en)"]  # answered clarifications are shown
    for where, text in texts.items():
        assert_clean(where, text)
    # The reviewer's submit answer, too.
    response = client.post(f"/api/v1/reviews/{bid.assignments.get(expert=expert).pk}/submit")
    assert response.status_code == 200
    assert_clean("POST submit", json.dumps(response.json(), ensure_ascii=False))
    # The panel's export in phase 1: references only.
    client.force_login(officer)
    for language in LANGUAGES:
        response = client.get(f"/{language}/research/challenges/{challenge.code}/export.xlsx")
        assert response.status_code == 200
        exported = xlsx_text(response.content)
        assert bid.reference in exported
        assert_clean(f"export ({language})", exported)

    # Phase 2: the defence. The same review page now names the team (so the checks above can fail).
    services.challenge_start_defence(actor=officer, challenge=challenge)
    client.force_login(expert.user)
    with translation.override("en"):
        page = client.get(reverse("challenges:review", kwargs={"pk": bid.assignments.get(expert=expert).pk}))
    assert page.status_code == 200
    text = page.content.decode()
    for _username, _first, _last, en, _hans, hant, email, role in PEOPLE:
        assert en in text and hant in text and role in text
        assert email not in text  # never emails, in any phase
    assert TEAM_NAME in text and ORGANISATION[0] in text
    assert bid.declared_conflicts not in text and "_cv.pdf" not in text
    with translation.override("zh-hans"):
        url = reverse("challenges:review", kwargs={"pk": bid.assignments.get(expert=expert).pk})
    assert ORGANISATION[1] in client.get(url).content.decode()
    with pytest.raises(AssertionError):
        assert_clean("review in phase 2", text)


def test_the_blind_view_holds_only_what_phase_one_allows(officer):
    from hetao.challenges.blind import reviewer_view
    from hetao.challenges.selectors_reviews import bid_for_review

    challenge, bid, _expert, _second = team_bid(officer)
    bid = bid_for_review(bid.pk)
    view = reviewer_view(bid, True)
    assert set(view) == {"blind", "reference", "challenge", "summary", "approach", "work_plan", "milestones",
                         "budget", "documents", "clarifications"}
    assert [d["label"] for d in view["documents"]] == ["Document 1", "Document 2", "Document 3"]
    assert view["budget"]["total"] == str(Decimal("2000000.00"))
    assert_clean("reviewer_view", json.dumps(view, ensure_ascii=False, default=str))
    named = reviewer_view(bid, False)
    assert named["team"]["team_name"] == TEAM_NAME and len(named["team"]["members"]) == 3
    assert "email" not in json.dumps(named, default=str)
