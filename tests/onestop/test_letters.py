"""Receipts and decision letters in three languages (embedded fonts, exact Chinese text) and the public page that
verifies them."""

import io
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pypdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from hetao.accounts.models import Membership
from hetao.core import pdf as core_pdf
from hetao.onestop import pdf, services
from hetao.onestop.models import Application, Service
from hetao.registry.models import Organisation
from tests.conftest import staff_in
from tests.core.test_pdf import assert_every_font_embedded, contains, text_of

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "zh-hans", "zh-hant")
APPROVAL_COMMENT = "资料齐全，准予备案。请按期提交结题报告。"  # officers write Chinese; Simplified here
REJECTION_COMMENT = "資助協議未有蓋章，請補交後重新申請。"  # … or Traditional
SERVICE_NAMES = {"en": "Cross-border research fund remittance filing", "zh-hans": "科汇通跨境科研资金备案",
                 "zh-hant": "科匯通跨境科研資金備案"}


@pytest.fixture(autouse=True)
def seeded_services(db):
    from django.core.management import call_command

    call_command("import_services", stdout=io.StringIO())


@pytest.fixture
def applicant(member_user):
    member_user.first_name, member_user.last_name = "嘉欣", "陳"
    member_user.save()
    return member_user


@pytest.fixture
def organisation():
    return Organisation.objects.get(slug="hkust-sz-hk-institute")


def submit(applicant, organisation) -> Application:
    Membership.objects.get_or_create(user=applicant, organisation=organisation, defaults={"role": "admin"})
    application = services.application_start(actor=applicant, service=Service.objects.get(code="kehuitong-filing"),
                                             organisation=organisation)
    grant = SimpleUploadedFile("grant.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                               content_type="application/pdf")
    for answers, files in (
            ({"org_name": organisation.name_en, "org_registered_in": "hong_kong"}, None),
            ({"project": "量子传感", "amount": {"amount": "250000.00", "currency": "HKD"}, "payer": "HKU",
              "expected": "2026-12-20"}, {"grant_letter": (grant, None)}),
            ({"contact_name": "陳嘉欣", "contact_email": "member@example.org", "contact_mobile": "+85291234567"},
             None)):
        services.application_save_page(actor=applicant, application=application, page_answers=answers, files=files)
    return services.application_submit(actor=applicant, application=application, consent=True)


@pytest.fixture
def approved(applicant, organisation):
    application = submit(applicant, organisation)
    services.application_decide(actor=staff_in("res", "research_management"), application=application,
                                action="approve")
    services.application_decide(actor=staff_in("fa", "finance"), application=application, action="approve")
    services.application_decide(actor=staff_in("fb", "finance"), application=application, action="approve",
                                comment=APPROVAL_COMMENT)
    application.refresh_from_db()
    return application


@pytest.fixture
def rejected(applicant, organisation):
    application = submit(applicant, organisation)
    services.application_decide(actor=staff_in("rh", "research_management", role="head"),
                                application=application, action="reject", comment=REJECTION_COMMENT)
    application.refresh_from_db()
    return application


def download(client, applicant, language, application, kind) -> bytes:
    client.force_login(applicant)
    name = "receipt.pdf" if kind == "receipt" else "decision.pdf"
    response = client.get(f"/{language}/my-applications/{application.reference}/{name}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def verify_links(content: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return {str(a.get_object()["/A"]["/URI"]) for page in reader.pages for a in page.get("/Annots", [])}


@pytest.mark.parametrize("language", LANGUAGES)
def test_receipt_in_each_language(client, applicant, organisation, language):
    application = submit(applicant, organisation)
    content = download(client, applicant, language, application, "receipt")
    assert_every_font_embedded(content)
    text = text_of(content)
    org = {"en": organisation.name_en, "zh-hans": organisation.name_zh_hans, "zh-hant": organisation.name_zh_hant}
    contains(text, application.reference, "陳嘉欣", SERVICE_NAMES[language], org[language])
    # Labels in the receipt's language (Traditional wording on the 繁體 one, Simplified on the 简体 one).
    labels = {"en": ("Receipt", "Applicant", "Committed decision date", "Research management check → Finance filing",
                     "Research Management"),
              "zh-hans": ("受理回执", "申请人", "承诺办结日期", "科研管理核查 → 财务备案", "科研管理处"),
              "zh-hant": ("受理回條", "申請人", "承諾辦結日期", "科研管理核查 → 財務備案", "科研管理處")}[language]
    contains(text, *labels)
    if language == "zh-hant":
        assert "申请" not in text and "财务" not in text  # no Simplified wording on a 繁體 receipt


@pytest.mark.parametrize("language", LANGUAGES)
def test_decision_letters_in_each_language(client, applicant, approved, rejected, language):
    content = download(client, applicant, language, approved, "letter")
    assert_every_font_embedded(content)
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) == 1  # a usual letter, signature and QR on one page
    text = text_of(content)
    # The Chinese name and the officer's Chinese comment, exactly, in every language (the English letter too).
    contains(text, approved.reference, "陳嘉欣", APPROVAL_COMMENT, SERVICE_NAMES[language])
    signature = {"en": ("Approval letter", "Applicant", "Finance", "Officer"),
                 "zh-hans": ("批准函", "申请人", "财务处", "工作人员", "已批准"),
                 "zh-hant": ("批准函", "申請人", "財務處", "已批准")}[language]
    contains(text, *signature)
    assert "@example.org" not in text  # signed by department and role, never a personal address
    content = download(client, applicant, language, rejected, "letter")
    assert_every_font_embedded(content)
    contains(text_of(content), rejected.reference, "陳嘉欣", REJECTION_COMMENT, SERVICE_NAMES[language])
    if language == "en":
        contains(text_of(content), "Head of department", "Research Management", "has not been approved")


def test_letter_date_is_the_decision_date_and_a_second_download_says_the_same(client, applicant, approved):
    first = text_of(download(client, applicant, "en", approved, "letter"))
    assert core_pdf.long_date(approved.decided_at.astimezone().date(), "en").replace(" ", "") in first
    assert text_of(download(client, applicant, "en", approved, "letter")) == first


@pytest.mark.parametrize("language", LANGUAGES)
@override_settings(HETAO_PUBLIC_BASE_URL="https://park.example.org")
def test_verification_link_is_absolute_in_the_letter_language_and_says_genuine(client, applicant, approved,
                                                                                 language):
    for kind in ("receipt", "letter"):
        links = verify_links(download(client, applicant, language, approved, kind))
        assert len(links) == 1
        url = links.pop()
        assert url.startswith(f"https://park.example.org/{language}/verify/")
        client.logout()  # anyone may verify
        page = client.get(urlsplit(url).path)
        html = page.content.decode()
        assert page.status_code == 200 and approved.reference in html and SERVICE_NAMES[language] in html
        assert 'class="alert alert-success" role="status" id="verdict"' in html
        assert language != "en" or "Genuine" in html
        # What the holder shows, nothing more: the organisation, not the applicant's name, email or ID.
        assert approved.organisation.name_en in html or approved.organisation.name_zh_hans in html \
            or approved.organisation.name_zh_hant in html
        assert "陳嘉欣" not in html and "member@example.org" not in html


def test_a_receipt_token_names_a_receipt_and_a_letter_token_a_letter(applicant, approved):
    receipt = core_pdf.read_verification_token(urlsplit(pdf.verify_url(approved, pdf.RECEIPT, "en")).path
                                               .split("/")[-2])
    letter = core_pdf.read_verification_token(urlsplit(pdf.verify_url(approved, pdf.LETTER, "en")).path
                                              .split("/")[-2])
    assert receipt[:2] == (approved.reference, "receipt") and letter[:2] == (approved.reference, "letter")
    assert receipt[2] != letter[2]


@pytest.mark.parametrize("language", LANGUAGES)
def test_forged_tokens_are_not_genuine(client, approved, language):
    token = urlsplit(pdf.verify_url(approved, pdf.LETTER, language)).path.split("/")[-2]
    value, signature = token.split(":")
    forged = [
        value.replace(approved.reference, "HT-2000-000001") + ":" + signature,  # another reference, same signature
        value.replace(".letter.", ".receipt.") + ":" + signature,  # another kind
        value + ":" + signature[::-1],
        "HT-2026-000001.letter.0123456789abcdef",  # unsigned
        core_pdf.verification_token(reference="HT-2000-999999", kind="letter", fingerprint="0" * 16),  # no such one
        core_pdf.verification_token(reference=approved.reference, kind="invoice", fingerprint="0" * 16),  # no such kind
    ]
    for token in forged:
        response = client.get(f"/{language}/verify/{token}/")
        assert response.status_code == 404, token
        html = response.content.decode()
        assert 'id="verdict"' in html and "alert-danger" in html
        assert 'id="reference"' not in html and not any(name in html for name in SERVICE_NAMES.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_letter_whose_decision_changed_is_no_longer_valid(client, approved, language):
    letter_url = urlsplit(pdf.verify_url(approved, pdf.LETTER, language)).path
    receipt_url = urlsplit(pdf.verify_url(approved, pdf.RECEIPT, language)).path
    assert client.get(letter_url).status_code == 200
    # The decision is corrected (say, by a review): the old letter no longer holds, the receipt still does.
    Application.objects.filter(pk=approved.pk).update(status="rejected")
    response = client.get(letter_url)
    assert response.status_code == 410 and "alert-warning" in response.content.decode()
    assert client.get(receipt_url).status_code == 200
    Application.objects.filter(pk=approved.pk).update(due_date=approved.due_date.replace(year=2030))
    assert client.get(receipt_url).status_code == 410


def test_the_verify_page_is_public_uncached_and_not_indexed(client, approved):
    response = client.get(urlsplit(pdf.verify_url(approved, pdf.LETTER, "en")).path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex"
    assert client.post(urlsplit(pdf.verify_url(approved, pdf.LETTER, "en")).path).status_code == 405


def test_the_letter_of_an_undecided_application_is_not_found(client, applicant, organisation):
    application = submit(applicant, organisation)
    client.force_login(applicant)
    assert client.get(f"/en/my-applications/{application.reference}/decision.pdf").status_code == 404
    with pytest.raises(ValueError):
        pdf.decision_letter(application)
    assert pdf.fingerprint(application, pdf.LETTER) is None


def test_applicant_names_are_written_as_their_owners_write_them(applicant):
    assert pdf.applicant_name(applicant) == "陳嘉欣"
    applicant.first_name, applicant.last_name = "Ka Yan", "Chan"
    assert pdf.applicant_name(applicant) == "Ka Yan Chan"
    applicant.first_name = applicant.last_name = ""
    assert pdf.applicant_name(applicant) == applicant.email


@pytest.mark.skipif(not (shutil.which("node") and shutil.which("pdftoppm")), reason="needs node and poppler-utils")
@pytest.mark.parametrize("kind", ["receipt", "letter"])
def test_the_printed_qr_code_decodes_to_the_verify_page(client, applicant, approved, kind, tmp_path):
    content = download(client, applicant, "zh-hant", approved, kind)
    (tmp_path / "doc.pdf").write_bytes(content)
    # Page 1 as a print would show it, read by jsQR (the decoder of the park's own scanner page).
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-singlefile", "-f", "1", str(tmp_path / "doc.pdf"),
                    str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["node", str(Path(__file__).with_name("decode_qr.js")), str(settings.NODE_MODULES),
                              str(tmp_path / "page.pgm")], capture_output=True, text=True, check=True).stdout
    assert decoded == pdf.verify_url(approved, kind, "zh-hant") and decoded in verify_links(content)
    assert client.get(urlsplit(decoded).path).status_code == 200
