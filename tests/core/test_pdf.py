"""hetao.core.pdf: embedded fonts for English, 简体 and 繁體, the letter layout, verification tokens."""

import datetime
import io
import re

import pypdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from hetao.core import pdf

BASE_14 = {"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
           "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
           "Times-BoldItalic", "Symbol", "ZapfDingbats"}


def fonts_in(resources, seen=None) -> list:
    """Every font object reachable from a /Resources dictionary (including form XObjects')."""
    seen = seen if seen is not None else set()
    found = []
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if id(xobject) not in seen and "/Resources" in xobject:
            seen.add(id(xobject))
            found += fonts_in(xobject["/Resources"], seen)
    return found


def assert_every_font_embedded(content: bytes) -> set[str]:
    """Fail on any font a reader would have to supply; return the embedded fonts' names."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    names = set()
    for number, page in enumerate(reader.pages, 1):
        fonts = fonts_in(page.get("/Resources"))
        assert fonts, f"page {number} uses no font"
        for font in fonts:
            name = str(font.get("/BaseFont", "")).lstrip("/")
            assert name.split("+")[-1] not in BASE_14, f"page {number}: base-14 font {name} is not embedded"
            described = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
            assert "/FontDescriptor" in described, f"page {number}: {name} has no font descriptor"
            descriptor = described["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), \
                f"page {number}: {name} is not embedded"
            names.add(name)
    return names


def text_of(content: bytes) -> str:
    """The extracted text without whitespace (a wrapped line may split a phrase anywhere)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def contains(content_text: str, *phrases: str) -> None:
    for phrase in phrases:
        assert re.sub(r"\s+", "", phrase) in content_text, f"{phrase!r} not in the PDF's text"


def sample(language: str, **changes) -> pdf.Letter:
    letter = pdf.Letter(
        language=language, title="Decision letter", reference="HT-2026-000042", date=datetime.date(2026, 2, 16),
        addressee=["陳嘉欣", "香港科技大學深港協同創新研究院"], salutation="Dear 陳嘉欣,",
        subject="科汇通跨境科研资金备案 · 科匯通跨境科研資金備案",
        paragraphs=["An English sentence with a Chinese name, 陈嘉欣, inside it. " * 6, "资料齐全，准予备案。\n第二行"],
        facts=[("Service", "Cross-border research fund remittance filing (科汇通)")],
        signature=["財務處", "Officer"], verify_url="http://127.0.0.1:8000/en/verify/HT-2026-000042.letter.x:sig/")
    for key, value in changes.items():
        setattr(letter, key, value)
    return letter


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_every_language_renders_all_scripts_with_embedded_fonts(language):
    content = pdf.render(sample(language))
    assert content.startswith(b"%PDF")
    names = assert_every_font_embedded(content)
    family = "NotoSansHK" if language == "zh-hant" else "NotoSansSC"
    assert any(family in name for name in names), names
    text = text_of(content)
    contains(text, "HT-2026-000042", "陳嘉欣", "陈嘉欣", "资料齐全，准予备案。", "第二行", "科匯通跨境科研資金備案",
             "科汇通跨境科研资金备案", "Cross-border research fund remittance filing",
             # the letterhead names the zone in three scripts whatever the language
             "河套深港科技创新合作区", "河套深港科技創新合作區", "發展署")
    assert "■" not in text


def test_the_verification_link_is_in_the_pdf_and_clickable():
    url = "http://127.0.0.1:8000/zh-hant/verify/HT-2026-000042.letter.abc:sig/"
    reader = pypdf.PdfReader(io.BytesIO(pdf.render(sample("zh-hant", verify_url=url))))
    links = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])]
    assert links.count(url) == 2  # the QR code and the printed address


def test_a_letter_without_verification_has_no_link():
    reader = pypdf.PdfReader(io.BytesIO(pdf.render(sample("en", verify_url=""))))
    assert not [a for page in reader.pages for a in page.get("/Annots", [])]


def test_a_long_letter_flows_onto_more_pages_with_the_letterhead_on_each():
    content = pdf.render(sample("zh-hans", paragraphs=["申请人须在园区内工作。" * 40] * 12))
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert "河套深港科技创新合作区" in page.extract_text()
    assert_every_font_embedded(content)


def test_characters_missing_from_the_language_font_are_set_in_the_other():
    fonts = pdf.register_fonts()
    # The HK font lacks Simplified 陈/资; the SC font covers them. Every character must end up in a font that has it.
    for family, text in (("HetaoHK", "陈嘉欣 资料 申請 ABC"), ("HetaoSC", "陳嘉欣 申请 ABC 𠀡")):
        marked = pdf.markup(text, family)
        runs = re.findall(r'<font face="(\w+)">(.*?)</font>|([^<]+)', marked)
        for face, inner, plain in runs:
            chars, used = (inner, face) if face else (plain, family)
            assert all(ord(c) in fonts[used].face.charToGlyph for c in chars), (used, chars)
        assert re.sub(r"<[^>]+>", "", marked) == text
    assert "陈" in pdf.markup("陈", "HetaoSC") and "<font" not in pdf.markup("陈", "HetaoSC")
    assert pdf.markup("<b>&", "HetaoSC") == "&lt;b&gt;&amp;"  # user text never becomes markup


def test_fonts_are_parsed_once_per_process(monkeypatch):
    first = pdf.register_fonts()

    def no_second_parse(*args, **kwargs):
        raise AssertionError("a font file was parsed again")

    monkeypatch.setattr(pdf, "TTFont", no_second_parse)
    assert pdf.register_fonts() is first
    pdf.render(sample("en"))


def test_a_missing_font_fails_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "_registered", {})
    with override_settings(HETAO_PDF_FONT_DIR=tmp_path), \
            pytest.raises(ImproperlyConfigured, match="NotoSansSC_400Regular.ttf is missing.*HETAO_PDF_FONT_DIR"):
        pdf.register_fonts()


def test_font_for_each_language():
    assert pdf.family_for("en") == "HetaoSC" and pdf.family_for("zh-hans") == "HetaoSC"
    assert pdf.family_for("zh-hant") == "HetaoHK" and pdf.family_for("zh-HK") == "HetaoHK"


def test_dates_in_the_letter_language():
    day = datetime.date(2026, 2, 16)
    assert pdf.long_date(day, "en") == "16 February 2026"
    assert pdf.long_date(day, "zh-hans") == pdf.long_date(day, "zh-hant") == "2026年2月16日"


def test_verification_token_round_trips_and_refuses_forgeries():
    token = pdf.verification_token(reference="HT-2026-000042", kind="letter", fingerprint=pdf.digest("a", 1))
    assert pdf.read_verification_token(token) == ("HT-2026-000042", "letter", pdf.digest("a", 1))
    value, signature = token.split(":", 1)
    assert pdf.read_verification_token(value.replace("000042", "000043") + ":" + signature) is None
    assert pdf.read_verification_token(value + ":" + signature[:-1] + ("A" if signature[-1] != "A" else "B")) is None
    assert pdf.read_verification_token(value) is None
    assert pdf.read_verification_token("") is None
    # Signed with another salt (another purpose of the same secret key): refused.
    from django.core import signing

    assert pdf.read_verification_token(signing.Signer(salt="other").sign(value)) is None
    assert pdf.digest("a", 1) != pdf.digest("a", 2) and len(pdf.digest("a")) == 16
    with pytest.raises(ValueError):
        pdf.verification_token(reference="HT", kind="a.b", fingerprint="x")
