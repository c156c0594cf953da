"""PDF documents of bids: what their metadata says about who wrote them, and a copy without it.

Teams attach PDFs to a bid; in phase 1 (blind) reviewers must not learn the team from the file. On upload the
document's information dictionary (/Author, /Creator, /Title, …) and its XMP packet (dc:creator, …) are read
and any identifying value is shown to the team as a warning; reviewers receive `pdf_without_metadata(data)`,
a copy with the information dictionary and every XMP stream removed (the text of the pages is the team's
responsibility: the bid form says so).
"""

from io import BytesIO
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

__all__ = ["INFO_KEYS", "PdfUnreadable", "pdf_author_metadata", "pdf_without_metadata"]

# Entries of the information dictionary that can name a person or an organisation (standard and common custom).
INFO_KEYS = ("/Author", "/Creator", "/Title", "/Subject", "/Keywords", "/Company", "/Manager", "/LastModifiedBy")
XMP_FIELDS = ("dc_creator", "dc_contributor", "dc_publisher", "dc_rights", "dc_title")


class PdfUnreadable(ValueError):
    """The bytes are not a PDF pypdf can read (or it is encrypted)."""


def _reader(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfUnreadable("encrypted")
        len(reader.pages)  # parse the page tree now: a broken file fails here, not later
    except PdfUnreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as error:
        raise PdfUnreadable(str(error)) from error
    return reader


def _texts(value: Any) -> list[str]:
    """Strings in an XMP value: a list (bag, seq) or a language alternative (dict)."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [str(v) for v in value.values()]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def pdf_author_metadata(data: bytes) -> list[str]:
    """The identifying values found in the PDF's metadata, each once, in the order found (empty when none).

    Raises PdfUnreadable when `data` is not a readable, unencrypted PDF."""
    reader = _reader(data)
    found: list[str] = []
    try:
        info: Any = reader.metadata or {}
        for key in INFO_KEYS:
            value = info.get(key)
            if value is not None:
                found.append(str(value))
        xmp = reader.xmp_metadata
        if xmp is not None:
            for name in XMP_FIELDS:
                found += _texts(getattr(xmp, name, None))
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise PdfUnreadable(str(error)) from error
    return list(dict.fromkeys(v.strip() for v in found if v and v.strip()))


def pdf_without_metadata(data: bytes) -> bytes:
    """A copy of the PDF with no information dictionary and no XMP metadata (document or page level)."""
    reader = _reader(data)
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    metadata = NameObject("/Metadata")
    root = writer._root_object
    if metadata in root:
        del root[metadata]
    for page in writer.pages:
        if metadata in page:
            del page[metadata]
        if NameObject("/PieceInfo") in page:
            del page[NameObject("/PieceInfo")]
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
