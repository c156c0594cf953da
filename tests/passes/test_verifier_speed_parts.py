"""The verifier's own base45 decoder and its replay memory (made cheap for `make bench`) stay exact."""

import base45
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hetao.passes.verifier import B45_ALPHABET, b45decode


@given(st.binary(max_size=400))
def test_decodes_exactly_what_the_reference_library_encodes(data):
    assert b45decode(base45.b45encode(data).decode()) == data


@given(st.text(alphabet=B45_ALPHABET + "ab#\u00e9", max_size=40).filter(lambda t: t == t.strip()))
def test_refuses_exactly_what_the_reference_library_refuses(text):
    """(Surrounding whitespace aside: the reference library strips it, the verifier strips the whole code.)"""
    try:
        expected = base45.b45decode(text)
    except (ValueError, KeyError, IndexError):
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            b45decode(text)
    else:
        assert b45decode(text) == expected


@pytest.mark.parametrize("text", ["A", "GGW", ":::", "ZZ", "ab", "  \\n"])
def test_invalid_chunks_lengths_and_characters_are_refused(text):
    with pytest.raises(ValueError):
        b45decode(text)


def test_the_alphabet_is_rfc_9285s():
    assert B45_ALPHABET == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
