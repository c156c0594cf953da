"""Identifier validators for the two systems of the zone.

python-stdnum's `cn.uscc` rejects Unified Social Credit Codes issued by registration authorities A (e.g.
institutions under central bodies), N (trade unions) and Y (other), which our registry must hold, so the
checksum is implemented here from GB 32100-2015. Each `validate_*` raises ValidationError with a message
in the user's language; each `is_valid_*` answers yes or no.
"""

import datetime
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 31 characters (no I, O, S, V, Z), position weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration-authority code (1st character) → the organisation-type codes (2nd character) it issues.
USCC_AUTHORITY_TYPES = {
    "1": "1239", "2": "19", "3": "1234589", "4": "19", "5": "1239", "6": "129", "7": "129",
    "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1",
}
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalise_uscc(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "").upper()


def validate_uscc(value: str) -> None:
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A Unified Social Credit Code has 18 characters; this one has %(n)d."),
            code="uscc_length", params={"n": len(code)},
        )
    if not USCC_RE.match(code):
        raise ValidationError(
            _("A Unified Social Credit Code uses digits and capital letters except I, O, S, V and Z."),
            code="uscc_characters",
        )
    authority, kind = code[0], code[1]
    if authority not in USCC_AUTHORITY_TYPES or kind not in USCC_AUTHORITY_TYPES[authority]:
        raise ValidationError(
            _("“%(prefix)s” is not a known registration authority and organisation type."),
            code="uscc_authority", params={"prefix": code[:2]},
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The last character of this Unified Social Credit Code does not match its check character."),
            code="uscc_checksum",
        )


# Hong Kong Business Registration number: 8 digits, optionally "-NNN" for a branch.
HK_BR_RE = re.compile(r"^\d{8}(-\d{3})?$")


def validate_hk_br(value: str) -> None:
    if not HK_BR_RE.match((value or "").strip()):
        raise ValidationError(
            _("A Hong Kong Business Registration number is 8 digits, optionally followed by a "
              "3-digit branch number, e.g. 12345678 or 12345678-001."),
            code="hk_br_format",
        )


ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_check_digit(base15: str) -> str:
    """ISO 7064 MOD 11-2, as ORCID specifies."""
    total = 0
    for digit in base15:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    value = (value or "").strip().upper()
    if not ORCID_RE.match(value):
        raise ValidationError(
            _("An ORCID iD is four groups of four digits, e.g. 0000-0002-1825-0097."), code="orcid_format"
        )
    digits = value.replace("-", "")
    if orcid_check_digit(digits[:15]) != digits[15]:
        raise ValidationError(_("The check digit of this ORCID iD is wrong."), code="orcid_checksum")


# PCT international application number, format since 2004: PCT/CC YYYY/NNNNNN.
PCT_RE = re.compile(r"^PCT/([A-Z]{2})(\d{4})/(\d{6})$")


def normalise_pct(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def validate_pct(value: str) -> None:
    match = PCT_RE.match(normalise_pct(value))
    if not match:
        raise ValidationError(
            _("A PCT application number looks like PCT/CN2024/123456: receiving office, year, six digits."),
            code="pct_format",
        )
    year = int(match.group(2))
    if not 2004 <= year <= datetime.date.today().year:
        raise ValidationError(
            _("The year in a PCT application number must be between 2004 and this year."), code="pct_year"
        )


def is_valid(validator: Callable[[str], object], value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


# Mobile numbers of the three jurisdictions the park serves (E.164, stored with the country code).
MOBILE_REGIONS = {"CN": "+86", "HK": "+852", "MO": "+853"}


def normalise_mobile(value: str) -> str:
    """'+852 9123 4567' → '+85291234567'; raises ValidationError unless a Mainland, HK or Macao mobile."""
    import phonenumbers

    raw = (value or "").strip()
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter the mobile number with its country code: +86 (Mainland), +852 (Hong Kong) or +853 (Macao)."),
            code="mobile_format",
        ) from exc
    region = phonenumbers.region_code_for_number(number)
    if region not in MOBILE_REGIONS:
        raise ValidationError(
            _("Only Mainland (+86), Hong Kong (+852) and Macao (+853) mobile numbers are accepted."),
            code="mobile_region",
        )
    kind = phonenumbers.number_type(number)
    mobile = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not phonenumbers.is_valid_number(number) or kind not in mobile:
        raise ValidationError(_("This is not a valid mobile number for %(region)s."), code="mobile_invalid",
                              params={"region": MOBILE_REGIONS[region]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_mobile(value: str) -> None:
    normalise_mobile(value)


# ── Identity documents (held by accounts, never by the registry) ────────────────────────────────────

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
RESIDENT_ID_RE = re.compile(r"^\d{17}[\dX]$")
PERMIT_PREFIXES = {"810000": "Hong Kong", "820000": "Macao", "830000": "Taiwan"}


def _mod11_2_ok(number: str) -> bool:
    return ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11] == number[17]


def _birth_date_ok(number: str) -> bool:
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


def validate_mainland_id(value: str) -> None:
    """18-digit Resident Identity Card number (GB 11643): region, birth date, sequence, MOD 11-2 check."""
    number = (value or "").strip().upper()
    if not RESIDENT_ID_RE.match(number):
        raise ValidationError(_("A Mainland resident ID number has 17 digits and a check digit (0–9 or X)."),
                              code="id_format")
    if number[:6] in PERMIT_PREFIXES:
        raise ValidationError(_("This is a residence permit number; choose the residence permit type."),
                              code="id_is_permit")
    if not _birth_date_ok(number):
        raise ValidationError(_("The birth date inside this ID number is not a real date."), code="id_birth_date")
    if not _mod11_2_ok(number):
        raise ValidationError(_("The check digit of this ID number is wrong; please check it again."),
                              code="id_checksum")


def validate_residence_permit(value: str) -> None:
    """Residence permit for Hong Kong, Macao or Taiwan residents: 810000 / 820000 / 830000 + birth date + check."""
    number = (value or "").strip().upper()
    if not RESIDENT_ID_RE.match(number) or number[:6] not in PERMIT_PREFIXES:
        raise ValidationError(
            _("A residence permit number has 18 characters and starts with 810000 (Hong Kong), 820000 (Macao) "
              "or 830000 (Taiwan)."), code="permit_format")
    if not _birth_date_ok(number):
        raise ValidationError(_("The birth date inside this ID number is not a real date."), code="id_birth_date")
    if not _mod11_2_ok(number):
        raise ValidationError(_("The check digit of this ID number is wrong; please check it again."),
                              code="id_checksum")


HKID_RE = re.compile(r"^([A-Z]{1,2})(\d{6})\(?([0-9A])\)?$")


def hkid_check_digit(letters: str, digits: str) -> str:
    values = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters] + [int(d) for d in digits]
    remainder = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True)) % 11
    return {0: "0", 1: "A"}.get(remainder, str(11 - remainder))


def normalise_hkid(value: str) -> str:
    match = HKID_RE.match(re.sub(r"\s", "", value or "").upper())
    return f"{match[1]}{match[2]}({match[3]})" if match else (value or "").strip().upper()


def validate_hkid(value: str) -> None:
    match = HKID_RE.match(re.sub(r"\s", "", value or "").upper())
    if not match:
        raise ValidationError(_("A Hong Kong Identity Card number looks like A123456(3): one or two letters, six "
                                "digits and a check digit."), code="hkid_format")
    if hkid_check_digit(match[1], match[2]) != match[3]:
        raise ValidationError(_("The check digit in brackets does not match this HKID number."), code="hkid_checksum")


PASSPORT_RE = re.compile(r"^[A-Z0-9]{5,20}$")


def validate_passport_number(value: str) -> None:
    if not PASSPORT_RE.match((value or "").strip().upper()):
        raise ValidationError(_("A passport number has 5 to 20 letters and digits."), code="passport_format")
