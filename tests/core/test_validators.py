import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from hetao.core.validators import (
    USCC_ALPHABET,
    USCC_AUTHORITY_TYPES,
    is_valid,
    orcid_check_digit,
    uscc_check_character,
    validate_hk_br,
    validate_orcid,
    validate_pct,
    validate_uscc,
)


def make_uscc(authority: str, kind: str, rest: str) -> str:
    body = authority + kind + "440304" + rest
    return body + uscc_check_character(body)


@pytest.mark.parametrize("code", [
    "91350100M000100Y43",  # a published enterprise code
    make_uscc("A", "1", "MA5F0P0X1"),  # authority A, which python-stdnum rejects
    make_uscc("N", "2", "MA5F0P0X1"),  # authority N (trade unions)
    make_uscc("Y", "1", "MA5F0P0X1"),  # authority Y (other)
    "9135 0100-M000 100Y43",  # spaces and hyphens are ignored
])
def test_valid_uscc(code):
    validate_uscc(code)


@pytest.mark.parametrize(("code", "error"), [
    ("91350100M000100Y44", "uscc_checksum"),
    ("91350100M000100Y4", "uscc_length"),
    ("91350100M0001I0Y43", "uscc_characters"),
    ("Z1350100M000100Y43", "uscc_characters"),
    ("B1350100M000100Y43", "uscc_authority"),
    ("A5350100M000100Y43", "uscc_authority"),
])
def test_invalid_uscc_has_specific_code(code, error):
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert info.value.code == error


@given(authority=st.sampled_from(sorted(USCC_AUTHORITY_TYPES)), data=st.data(),
       rest=st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
def test_any_code_with_its_check_character_is_valid_and_any_other_check_character_is_not(authority, data, rest):
    kind = data.draw(st.sampled_from(USCC_AUTHORITY_TYPES[authority]))
    code = make_uscc(authority, kind, rest)
    assert is_valid(validate_uscc, code)
    wrong = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[-1]]))
    assert not is_valid(validate_uscc, code[:-1] + wrong)


def test_orcid():
    validate_orcid("0000-0002-1825-0097")
    validate_orcid("0000-0002-1694-233X")
    assert orcid_check_digit("000000021825009") == "7"
    with pytest.raises(ValidationError, match="check digit"):
        validate_orcid("0000-0002-1825-0098")
    with pytest.raises(ValidationError, match="four groups"):
        validate_orcid("0000000218250097")


@pytest.mark.parametrize("value", ["12345678", "12345678-001"])
def test_hk_br_valid(value):
    validate_hk_br(value)


@pytest.mark.parametrize("value", ["1234567", "12345678-1", "ABCDEFGH", "12345678-0001"])
def test_hk_br_invalid(value):
    with pytest.raises(ValidationError):
        validate_hk_br(value)


def test_pct():
    validate_pct("PCT/CN2024/123456")
    validate_pct("pct/cn2024/123456")
    for bad in ("PCT/CN24/123456", "PCT/CN2024/12345", "CN2024/123456", "PCT/CN1999/123456"):
        with pytest.raises(ValidationError):
            validate_pct(bad)
