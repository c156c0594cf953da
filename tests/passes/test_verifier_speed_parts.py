"""The verifier's own base45 decoder, its fast path for codes laid out as the park issues them and its replay
memory (made cheap for `make bench`) stay exact. tests/passes/test_verifier_hostile.py compares whole verdicts
with the verifier as it was before."""

import base64
import time

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cwt import COSE, COSEKey
from hypothesis import given
from hypothesis import strategies as st

from hetao.passes.keys import kid_of
from hetao.passes.verifier import (
    _B45_LANES,
    B45_ALPHABET,
    CTI,
    EPOCH,
    EXP,
    IAT,
    ISS,
    KIND,
    MAX_TEXT,
    NBF,
    PREFIX,
    SUB,
    Verifier,
    b45decode,
)


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


def test_the_lane_masks_kept_are_bounded():
    b45decode("00" * 3000)
    assert all(chunks <= MAX_TEXT // 3 for chunks in _B45_LANES)


def _issued_like_the_park(private: Ed25519PrivateKey, kid: str, claims: dict) -> str:
    """As services._sign writes a code (cwt's COSE_Sign1), without Django."""
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    token = COSE.new().encode_and_sign(cbor2.dumps(claims), COSEKey.from_pem(pem, kid=kid),
                                       protected={1: -8, 4: kid.encode()})
    return PREFIX + base45.b45encode(token).decode()


def test_a_code_as_the_park_issues_it_takes_the_fast_path():
    """Otherwise every code goes through three CBOR decodings and a re-encoding: correct, but slow."""
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid, now = kid_of(raw), int(time.time())
    trust = {"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": kid, "not_before": now - 60,
                       "not_after": now + 60, "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}]}
    claims = {ISS: "hetao", SUB: "0123456789abcdef", IAT: now, NBF: now, EXP: now + 60, CTI: b"12345678",
              EPOCH: 1, KIND: "m"}
    text = _issued_like_the_park(private, kid, claims)
    gate = Verifier(zone="hetao", trust_list=trust)
    raw_code = b45decode(text[len(PREFIX):])
    fast = gate._as_issued(raw_code)
    assert fast is not None
    _key, not_before, not_after, to_be_signed, payload, signature = fast
    sign1 = cbor2.loads(raw_code).value
    assert (not_before, not_after) == (now - 60, now + 60)
    assert to_be_signed == cbor2.dumps(["Signature1", sign1[0], b"", sign1[2]])
    assert (payload, signature) == (sign1[2], sign1[3])
    assert gate.verify(text).ok and gate.verify(text).reason == "replayed"
