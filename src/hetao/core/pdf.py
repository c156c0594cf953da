"""Every PDF the park makes: embedded fonts, the official letter layout, and verification tokens.

Fonts: Noto Sans SC (English and 简体) and Noto Sans HK (繁體, Hong Kong glyph forms), TrueType files from the
npm packages @expo-google-fonts/noto-sans-sc and noto-sans-hk (`HETAO_PDF_FONT_DIR`). reportlab embeds the
subset of glyphs a document uses, so a PDF needs no font on the reader's side. Both fonts contain Latin; a
character missing from the language's font (a Simplified name in a 繁體 letter: the HK font lacks 陈) is set in
the other one. The files (~7 MB each) are parsed once per process, on the first PDF.

A document that can be verified carries a signed token (`verification_token`) naming its reference, its kind
and a digest of what it states; the issuing app's verify page re-computes the digest from the database.
"""

import datetime
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

# family → weight → file under HETAO_PDF_FONT_DIR
FONT_FILES = {
    "HetaoSC": {"regular": "noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
                "bold": "noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf"},
    "HetaoHK": {"regular": "noto-sans-hk/400Regular/NotoSansHK_400Regular.ttf",
                "bold": "noto-sans-hk/700Bold/NotoSansHK_700Bold.ttf"},
}
TRADITIONAL = ("zh-hant", "zh-hk", "zh-mo", "zh-tw")

# The letterhead names the zone and the office in all three languages whatever the letter's language.
LETTERHEAD = (
    ("en", "Hetao Shenzhen-Hong Kong Science and Technology Innovation Cooperation Zone"),
    ("zh-hans", "河套深港科技创新合作区"),
    ("zh-hant", "河套深港科技創新合作區"),
)
OFFICE = (("en", "Development Office"), ("zh-hans", "发展署"), ("zh-hant", "發展署"))
MARGIN = 20 * mm  # the text block is 170 mm wide
INK, ACCENT, MUTED = colors.HexColor("#1a1a1a"), colors.HexColor("#0b5563"), colors.HexColor("#5c6670")

_lock = threading.Lock()
_registered: dict[str, TTFont] = {}


def font_dir() -> Path:
    return Path(getattr(settings, "HETAO_PDF_FONT_DIR", settings.BASE_DIR / "node_modules" / "@expo-google-fonts"))


def register_fonts() -> dict[str, TTFont]:
    """Parse and register the four fonts once per process (thread-safe); later calls return the cache."""
    if len(_registered) == 4:
        return _registered
    with _lock:
        if len(_registered) == 4:
            return _registered
        loaded = {}
        for family, weights in FONT_FILES.items():
            for weight, relative in weights.items():
                path = font_dir() / relative
                if not path.is_file():
                    raise ImproperlyConfigured(
                        f"PDF font {path} is missing: run `make setup` (npm installs @expo-google-fonts/noto-sans-sc "
                        f"and noto-sans-hk) or point HETAO_PDF_FONT_DIR at the @expo-google-fonts directory.")
                name = family if weight == "regular" else f"{family}-Bold"
                loaded[name] = TTFont(name, str(path))
        for font in loaded.values():
            pdfmetrics.registerFont(font)
        for family in FONT_FILES:
            pdfmetrics.registerFontFamily(family, normal=family, bold=f"{family}-Bold", italic=family,
                                          boldItalic=f"{family}-Bold")
        _registered.update(loaded)
    return _registered


def family_for(language: str) -> str:
    return "HetaoHK" if (language or "en").lower().startswith(TRADITIONAL) else "HetaoSC"


def markup(text: object, family: str) -> str:
    """`text` escaped for a reportlab Paragraph, with every run of characters that `family` lacks (but the
    other family has) set in the other family, so that no character prints as an empty box."""
    fonts = register_fonts()
    own, other = fonts[family].face.charToGlyph, fonts["HetaoSC" if family == "HetaoHK" else "HetaoHK"]
    other_family, other_map = other.fontName, other.face.charToGlyph
    out: list[str] = []
    run: list[str] = []
    run_other = False
    for char in str(text):
        use_other = ord(char) not in own and ord(char) in other_map
        if use_other != run_other and run:
            out.append(_run("".join(run), other_family if run_other else None))
            run = []
        run_other = use_other
        run.append(char)
    if run:
        out.append(_run("".join(run), other_family if run_other else None))
    return "".join(out)


def _run(text: str, family: str | None) -> str:
    return f'<font face="{family}">{escape(text)}</font>' if family else escape(text)


def long_date(value: datetime.date, language: str) -> str:
    """'21 November 2025', '2025年11月21日'."""
    with translation.override(language):
        return formats.date_format(value, "Y年n月j日" if language.lower().startswith("zh") else "j F Y")


# ── Verification tokens ───────────────────────────────────────────────────────────────────────────────

TOKEN_SALT = "hetao.pdf.verify"


def digest(*parts: object) -> str:
    """A short fingerprint of what a document states; the signature makes it unforgeable, the digest tells
    whether the record still says the same."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


def verification_token(*, reference: str, kind: str, fingerprint: str) -> str:
    if "." in kind or "." in fingerprint or ":" in reference:
        raise ValueError("kind and fingerprint may not contain '.', nor the reference ':'")
    return signing.Signer(salt=TOKEN_SALT).sign(f"{reference}.{kind}.{fingerprint}")


def read_verification_token(token: str) -> tuple[str, str, str] | None:
    """(reference, kind, fingerprint) of a token the park signed; None for anything else."""
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    parts = value.rsplit(".", 2)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


# ── Layout ────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Letter:
    """What an official document says; `render()` lays it out. Texts are plain (escaped here)."""

    language: str
    title: str
    reference: str
    date: datetime.date
    addressee: list[str]
    subject: str
    paragraphs: list[str]
    facts: list[tuple[str, str]] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    verify_url: str = ""
    salutation: str = ""
    closing: str = ""


class QRCode(Flowable):
    """A QR code drawn as vector squares (sharp at any zoom or print size), linked to its URL."""

    def __init__(self, url: str, size: float):
        super().__init__()
        self.url, self.size = url, size
        self.matrix = [list(row) for row in segno.make(url, error="m", micro=False).matrix_iter(border=2)]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas, n = self.canv, len(self.matrix)
        cell = self.size / n
        canvas.setFillColor(colors.black)
        for y, row in enumerate(self.matrix):
            x = 0
            while x < n:  # one rectangle per horizontal run of dark modules
                if row[x]:
                    start = x
                    while x < n and row[x]:
                        x += 1
                    canvas.rect(start * cell, self.size - (y + 1) * cell, (x - start) * cell, cell, stroke=0, fill=1)
                x += 1
        canvas.linkURL(self.url, (0, 0, self.size, self.size), relative=1)


def _table(rows: list, widths: list, family: str, *commands: tuple[Any, ...]) -> Table:
    """A table whose own font is ours: reportlab's default cell font is the unembedded base-14 Helvetica."""
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), family), *commands]))
    return table


def _styles(family: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=family, fontSize=10.5, leading=16, textColor=INK, wordWrap="CJK",
                          spaceAfter=6, bulletFontName=family)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=f"{family}-Bold", fontSize=16, leading=22,
                                textColor=ACCENT, spaceBefore=4, spaceAfter=10),
        "subject": ParagraphStyle("subject", parent=base, fontName=f"{family}-Bold", spaceBefore=6, spaceAfter=8),
        "label": ParagraphStyle("label", parent=base, fontSize=9, leading=13, textColor=MUTED, spaceAfter=0),
        "value": ParagraphStyle("value", parent=base, spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=MUTED, spaceAfter=0),
        "address": ParagraphStyle("address", parent=base, spaceAfter=0),
    }


def render(letter: Letter) -> bytes:
    """The letter as PDF bytes, in `letter.language` (labels translated, fonts chosen for the script)."""
    register_fonts()
    with translation.override(letter.language):
        return _render(letter)


def _render(letter: Letter) -> bytes:
    family = family_for(letter.language)
    styles = _styles(family)

    def text(value: object, style: str = "body", bold: bool = False) -> Paragraph:
        body = markup(value, family)
        return Paragraph(f"<b>{body}</b>" if bold else body, styles[style])

    story: list[Flowable] = [text(letter.title, "title")]
    meta = _table([[text(_("Our reference"), "label"), text(letter.reference, "value", bold=True),
                    text(_("Date"), "label"), text(long_date(letter.date, letter.language), "value")]],
                  [28 * mm, 62 * mm, 22 * mm, 58 * mm], family, ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                  ("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2))
    story += [meta, Spacer(1, 5 * mm)]
    story += [text(line, "address", bold=(n == 0)) for n, line in enumerate(letter.addressee) if line]
    story += [Spacer(1, 5 * mm)]
    if letter.salutation:
        story.append(text(letter.salutation))
    story.append(text(letter.subject, "subject"))
    for paragraph in letter.paragraphs:
        story += [text(line) for line in str(paragraph).splitlines() if line.strip()]
    if letter.facts:
        rows = [[text(label, "label"), text(value, "value")] for label, value in letter.facts]
        facts = _table(rows, [48 * mm, 122 * mm], family, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LINEABOVE", (0, 0), (-1, 0), 0.6, ACCENT), ("LINEBELOW", (0, -1), (-1, -1), 0.6, ACCENT),
                       ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.lightgrey), ("LEFTPADDING", (0, 0), (-1, -1), 2),
                       ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4))
        story += [Spacer(1, 2 * mm), facts, Spacer(1, 4 * mm)]
    signature: list[Flowable] = [text(letter.closing)] if letter.closing else []
    signature += [Spacer(1, 3 * mm)]
    signature += [text(line, "address", bold=(n == 0)) for n, line in enumerate(letter.signature)]
    signature += [Spacer(1, 2 * mm), text(_("Issued electronically by the park; it needs no handwritten "
                                            "signature or seal."), "small")]
    story.append(KeepTogether(signature))
    buffer = BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=42 * mm, bottomMargin=22 * mm,
        title=f"{letter.title} {letter.reference}", author=OFFICE[0][1], subject=letter.subject,
        creator=getattr(settings, "HETAO_SITE_NAME", "Hetao Virtual Park"), displayDocTitle=True,
        lang=translation.to_locale(letter.language).replace("_", "-"),
        initialFontName=family)  # never the base-14 Helvetica, which would be an unembedded font
    # The verification block sits at the foot of page 1 whatever the length of the text above it.
    block = _verification_block(letter, text, styles) if letter.verify_url else None
    reserved = block.wrap(document.width, document.height)[1] + 5 * mm if block else 0
    decorate = _page_decorator(letter, block)
    # Frames without padding, so the text lines up with the letterhead at the margin.
    templates = [PageTemplate(id=name, onPage=decorate, frames=[Frame(
        document.leftMargin, document.bottomMargin + below, document.width, document.height - below,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)]) for name, below in (("first", reserved),
                                                                                            ("later", 0))]
    document.addPageTemplates(templates)
    document.build([NextPageTemplate("later"), *story])
    return buffer.getvalue()


def _verification_block(letter: Letter, text: Callable[..., Paragraph], styles: dict[str, ParagraphStyle]) -> Table:
    url = escape(letter.verify_url)
    link = Paragraph(f'<a href="{url}" color="#0b5563">{url}</a>',
                     ParagraphStyle("url", parent=styles["small"], fontName=family_for(letter.language),
                                    textColor=ACCENT, wordWrap="CJK"))
    words = [text(_("Verify this document"), "value", bold=True),
             text(_("Scan the code or open the address below: the park's page says whether this document is "
                    "genuine and still valid."), "small"), Spacer(1, 2 * mm), link]
    return _table([[QRCode(letter.verify_url, 27 * mm), words]], [31 * mm, 139 * mm], family_for(letter.language),
                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.6, ACCENT),
                   ("LEFTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 4),
                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4))


def _page_decorator(letter: Letter, block: Table | None) -> Callable[[Canvas, BaseDocTemplate], None]:
    family = family_for(letter.language)

    def decorate(canvas: Canvas, document: BaseDocTemplate) -> None:
        width, height = A4
        canvas.saveState()
        top = height - 16 * mm
        # Letterhead: the zone (left) and the office (right) in 简体, 繁體 and English, each script in its font.
        zone, office = dict(LETTERHEAD), dict(OFFICE)
        for language, offset, size in (("zh-hans", 0, 14), ("zh-hant", 6.5, 14), ("en", 12, 9.5)):
            font = "HetaoHK" if language == "zh-hant" else "HetaoSC"
            canvas.setFillColor(ACCENT)
            canvas.setFont(f"{font}-Bold" if size > 10 else font, size)
            canvas.drawString(MARGIN, top - offset * mm, zone[language])
            canvas.setFillColor(INK)
            canvas.setFont(f"{font}-Bold" if size > 10 else font, size - 3 if size > 10 else size)
            canvas.drawRightString(width - MARGIN, top - offset * mm, office[language])
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.2)
        canvas.line(MARGIN, top - 16 * mm, width - MARGIN, top - 16 * mm)
        # Footer: reference and page, in the letter's language.
        canvas.setFont(family, 8)
        canvas.setFillColor(MUTED)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, 15 * mm, width - MARGIN, 15 * mm)
        canvas.drawString(MARGIN, 10.5 * mm, letter.reference)
        canvas.drawRightString(width - MARGIN, 10.5 * mm, _("Page %(number)s") % {"number": document.page})
        if block is not None and document.page == 1:
            block.drawOn(canvas, MARGIN, document.bottomMargin)
        canvas.restoreState()

    return decorate
