"""Hostile input at the offline gate: every malformed, forged, stale or replayed code is refused with the reason
the verifier gave before it was made fast (issue 10), and nothing raises.

`reference()` is the verifier as it was before its fast path (commit 7f694ef): the differential properties below
check that the fast verifier refuses or accepts every input exactly as it did. Where the old one raised instead
of refusing (a signed claim such as an infinite expiry, a kid that is a list, a signature that is no byte
string), the fast one refuses as "malformed" or "unknown_key".
"""

import base64
import heapq
import re

import base45
import cbor2
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hetao.passes.keys import kid_of
from hetao.passes.verifier import (
    CLOCK_SKEW,
    CTI,
    EPOCH,
    EXP,
    IAT,
    ISS,
    KIND,
    MAX_LIFETIME,
    NBF,
    POINTS,
    REASONS,
    SUB,
    Result,
    Verifier,
)

NOW = 1_800_000_000
PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
RAW_PUBLIC = PRIVATE.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
KID = kid_of(RAW_PUBLIC)
TRUST = {"zone": "hetao", "keys": [
    {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": KID, "not_before": NOW - 86400, "not_after": NOW + 86400,
     "x": base64.urlsafe_b64encode(RAW_PUBLIC).rstrip(b"=").decode()},
    {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": "retired", "not_before": NOW - 9 * 86400,
     "not_after": NOW - 86400, "x": base64.urlsafe_b64encode(RAW_PUBLIC).rstrip(b"=").decode()}]}
PROTECTED = cbor2.dumps({1: -8, 4: KID.encode()})  # as the park writes it (services._sign, through cwt)
PROTECTED_BSTR = cbor2.dumps(PROTECTED)  # with its byte-string head, as it sits in a code


def claims(**changes) -> dict:
    base = {ISS: "hetao", SUB: "0123456789abcdef", IAT: NOW, NBF: NOW, EXP: NOW + 60, CTI: b"nonce-01",
            EPOCH: 1, KIND: "m"}
    base.update({{"iss": ISS, "sub": SUB, "iat": IAT, "nbf": NBF, "exp": EXP, "cti": CTI, "epoch": EPOCH,
                  "kind": KIND, "points": POINTS}[name]: value for name, value in changes.items()})
    return {k: v for k, v in base.items() if v is not None}


def sign1(payload, *, protected=PROTECTED, unprotected=None, key=PRIVATE, signature=None, tag=18) -> bytes:
    """A COSE_Sign1 with a true signature over whatever it carries (unless `signature` is given)."""
    if signature is None:
        signature = key.sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    return cbor2.dumps(cbor2.CBORTag(tag, [protected, {} if unprotected is None else unprotected, payload, signature]))


def code(raw: bytes) -> str:
    return "HT1:" + base45.b45encode(raw).decode()


def gate(**kwargs) -> Verifier:
    return Verifier(zone="hetao", trust_list=TRUST, access_point=kwargs.pop("access_point", "gate-a"),
                    clock=lambda: kwargs.get("now", NOW), revocations=kwargs.get("revocations", {}))


# --- the verifier as it was (commit 7f694ef), to compare with ------------------------------------------------

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_TRIPLES = {c + b + a: (i + 45 * j + 2025 * k).to_bytes(2, "big") for i, c in enumerate(_ALPHABET)
            for j, b in enumerate(_ALPHABET) for k, a in enumerate(_ALPHABET) if i + 45 * j + 2025 * k <= 0xFFFF}
_PAIRS = {c + b: bytes((i + 45 * j,)) for i, c in enumerate(_ALPHABET) for j, b in enumerate(_ALPHABET)
          if i + 45 * j <= 0xFF}


def _old_b45decode(text: str) -> bytes:
    tail = len(text) % 3
    if tail == 1:
        raise ValueError("base45: impossible length")
    full = len(text) - tail
    try:
        decoded = b"".join(map(_TRIPLES.__getitem__, re.findall(r"...", text[:full], re.S)))
        return decoded + _PAIRS[text[full:]] if tail else decoded
    except KeyError:
        raise ValueError("base45: invalid chunk") from None


def reference(verifier: Verifier, state: tuple[dict, list], text):
    """The old verify() over the same keys, zone, revocations, gate and clock; `state` is its replay memory.
    Returns its Result, or the class of the exception it raised."""
    seen, expiries = state
    self = verifier
    try:
        text = (text or "").strip()
        if len(text) > 600:
            return Result(False, "too_large")
        if not text.startswith("HT1:"):
            return Result(False, "malformed")
        try:
            raw = _old_b45decode(text[4:])
            sign1 = cbor2.loads(raw)
            protected_bytes, _unprotected, payload, signature = sign1.value if sign1.tag == 18 else (None,) * 4
            protected = cbor2.loads(protected_bytes)
            claims = cbor2.loads(payload)
            kid = protected[4].decode() if isinstance(protected.get(4), bytes) else protected.get(4)
        except Exception:  # noqa: BLE001
            return Result(False, "malformed")
        if not isinstance(claims, dict) or protected.get(1) != -8:
            return Result(False, "malformed")
        now = int(self.clock())
        if kid not in self._keys:
            return Result(False, "unknown_key")
        key, not_before, not_after = self._keys[kid]
        if not (not_before - CLOCK_SKEW <= now <= not_after):
            return Result(False, "key_not_valid")
        to_be_signed = cbor2.dumps(["Signature1", protected_bytes, b"", payload])
        try:
            key.verify(signature, to_be_signed)
        except InvalidSignature:
            return Result(False, "bad_signature")
        try:
            subject, exp, issued = str(claims[SUB]), int(claims[EXP]), int(claims.get(IAT, 0))
            epoch, kind, nonce = int(claims.get(EPOCH, 0)), str(claims.get(KIND, "m")), bytes(claims[CTI]).hex()
        except (KeyError, TypeError, ValueError):
            return Result(False, "malformed")
        result = dict(subject=subject, kind=kind, epoch=epoch, nonce=nonce, expires=exp)
        if claims.get(ISS) != self.zone:
            return Result(False, "wrong_zone", **result)
        if exp - issued > MAX_LIFETIME:
            return Result(False, "malformed", **result)
        if now > exp + CLOCK_SKEW:
            return Result(False, "expired", **result)
        if now + CLOCK_SKEW < int(claims.get(NBF, issued)):
            return Result(False, "not_yet_valid", **result)
        if epoch < int(self.revocations.get(subject, 0)):
            return Result(False, "revoked", **result)
        points = claims.get(POINTS)
        if points and self.access_point and self.access_point not in points:
            return Result(False, "not_for_this_gate", **result)
        while expiries and expiries[0][0] < now:
            seen.pop(heapq.heappop(expiries)[1], None)
        if nonce in seen:
            return Result(False, "replayed", **result)
        seen[nonce] = exp + CLOCK_SKEW
        heapq.heappush(expiries, (exp + CLOCK_SKEW, nonce))
        return Result(True, "", **result)
    except Exception as error:  # noqa: BLE001 - what the old verifier let escape
        return type(error)


def same_as_before(texts, **kwargs) -> list[Result]:
    """Verify `texts` in order at a fresh gate and at the old verifier; they must agree on every one."""
    new, old, state = gate(**kwargs), gate(**kwargs), ({}, [])
    results = []
    for text in texts:
        result, expected = new.verify(text), reference(old, state, text)
        assert isinstance(result, Result) and result.ok == (result.reason == "")
        assert result.reason in ("", *REASONS)
        if isinstance(expected, type):  # the old verifier raised: the new one refuses instead
            assert not result.ok and result.reason in ("malformed", "unknown_key"), (text, expected, result)
        else:
            assert result == expected, (text, result, expected)
        results.append(result)
    return results


# --- explicit hostile codes, each with the reason it has always had -------------------------------------------

GOOD = sign1(cbor2.dumps(claims()))


def test_the_good_code_passes_once_then_is_a_replay():
    assert [r.reason for r in same_as_before([code(GOOD), code(GOOD), " " + code(GOOD) + "\n"])] == [
        "", "replayed", "replayed"]


@pytest.mark.parametrize("text", [
    None, "", "HT1", "HT1:", "ht1:" + code(GOOD)[4:], "HT2:" + code(GOOD)[4:], code(GOOD)[:-1], code(GOOD)[:-2],
    code(GOOD)[:-3], code(GOOD)[:-30], code(GOOD)[:40], code(GOOD)[:4] + code(GOOD)[7:],
    code(GOOD).replace("HT1:", "HT1:A"), code(GOOD)[:20] + "a" + code(GOOD)[21:],
    code(GOOD)[:20] + "#" + code(GOOD)[21:],
    code(GOOD)[:20] + "é" + code(GOOD)[21:], code(GOOD)[:20] + "\x00" + code(GOOD)[21:], "HT1:GGW", "HT1:::::::",
    "HT1:" + "Z" * 300, code(GOOD) + "::",
])
def test_damaged_text_is_malformed(text):
    assert [r.reason for r in same_as_before([text])] == ["malformed"]


def test_far_too_long_text_is_too_large():
    assert [r.reason for r in same_as_before([code(GOOD) + "0" * 600, "x" * 601])] == ["too_large", "too_large"]


def _huge(major: int) -> bytes:
    return bytes((major << 5 | 27,)) + (2**63).to_bytes(8, "big")


PAYLOAD = cbor2.dumps(claims())
WRONG_TYPES = {
    "not a tag": cbor2.dumps([PROTECTED, {}, PAYLOAD, b"s" * 64]),
    "COSE_Sign (tag 98)": sign1(PAYLOAD, tag=98),
    "COSE_Mac0 (tag 17)": sign1(PAYLOAD, tag=17),
    "three items": cbor2.dumps(cbor2.CBORTag(18, [PROTECTED, {}, PAYLOAD])),
    "five items": cbor2.dumps(cbor2.CBORTag(18, [PROTECTED, {}, PAYLOAD, b"s" * 64, b""])),
    "a map, not an array": cbor2.dumps(cbor2.CBORTag(18, {1: PROTECTED, 2: {}, 3: PAYLOAD, 4: b""})),
    "protected as a map": cbor2.dumps(cbor2.CBORTag(18, [{1: -8, 4: KID.encode()}, {}, PAYLOAD, b"s" * 64])),
    "protected as text": cbor2.dumps(cbor2.CBORTag(18, [PROTECTED.decode("latin-1"), {}, PAYLOAD, b"s" * 64])),
    "protected is a list": sign1(PAYLOAD, protected=cbor2.dumps([1, -8, 4, KID.encode()])),
    "protected is empty": sign1(PAYLOAD, protected=b""),
    "payload as an integer": cbor2.dumps(cbor2.CBORTag(18, [PROTECTED, {}, 5, b"s" * 64])),
    "payload is a list": sign1(cbor2.dumps([1, 2, 3])),
    "payload is a tagged map": sign1(cbor2.dumps(cbor2.CBORTag(61, claims()))),
    "payload is empty": sign1(b""),
    "payload truncated": sign1(PAYLOAD[:-3]),
    "no alg": sign1(PAYLOAD, protected=cbor2.dumps({4: KID.encode()})),
    "wrong alg (ES256)": sign1(PAYLOAD, protected=cbor2.dumps({1: -7, 4: KID.encode()})),
    "alg by name": sign1(PAYLOAD, protected=cbor2.dumps({1: "EdDSA", 4: KID.encode()})),
    "kid not UTF-8": sign1(PAYLOAD, protected=cbor2.dumps({1: -8, 4: b"\xff\xfe"})),
    "huge byte string": b"\xd2\x84" + _huge(2),
    "huge payload length": b"\xd2\x84" + PROTECTED_BSTR + b"\xa0" + _huge(2),
    "huge array": b"\xd2" + _huge(4),
    "huge map in the payload": sign1(_huge(5)),
    "huge text in the payload": sign1(b"\xa1\x01" + _huge(3)),
    "indefinite length never closed": sign1(b"\xbf\x01\x02"),
    "deeply nested payload": sign1(b"\x81" * 100 + b"\x00"),
    "no sub": sign1(cbor2.dumps(claims(sub=None))),
    "no exp": sign1(cbor2.dumps(claims(exp=None))),
    "no cti": sign1(cbor2.dumps(claims(cti=None))),
    "exp as text": sign1(cbor2.dumps(claims(exp="soon"))),
    "exp as a list": sign1(cbor2.dumps(claims(exp=[1]))),
    "exp is NaN": sign1(cbor2.dumps(claims(exp=float("nan")))),
    "cti as text": sign1(cbor2.dumps(claims(cti="nonce"))),
    "cti as a map": sign1(cbor2.dumps(claims(cti={"a": 2}))),
    "epoch as bytes": sign1(cbor2.dumps(claims(epoch=b"\x01"))),
    "lives longer than a day": sign1(cbor2.dumps(claims(exp=NOW + MAX_LIFETIME + 60))),
}


@pytest.mark.parametrize("raw", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_wrong_cbor_types_and_huge_lengths_are_malformed(raw):
    assert len(code(raw)) <= 600
    assert [r.reason for r in same_as_before([code(raw)])] == ["malformed"]


RAISED_BEFORE = {  # signed claims or headers the old verifier crashed on: now refused
    "exp is infinite": sign1(cbor2.dumps(claims(exp=float("inf")))),
    "nbf is text": sign1(cbor2.dumps(claims(nbf="later"))),
    "points is a number": sign1(cbor2.dumps(claims(points=7))),
    "signature as text": cbor2.dumps(cbor2.CBORTag(18, [PROTECTED, {}, PAYLOAD, "s" * 64])),
    "signature as a number": cbor2.dumps(cbor2.CBORTag(18, [PROTECTED, {}, PAYLOAD, 64])),
}


@pytest.mark.parametrize("raw", RAISED_BEFORE.values(), ids=RAISED_BEFORE.keys())
def test_what_made_the_old_verifier_raise_is_malformed(raw):
    assert isinstance(reference(gate(), ({}, []), code(raw)), type)
    assert gate().verify(code(raw)).reason == "malformed"


def test_a_kid_that_is_a_list_or_a_map_is_an_unknown_key():
    for kid in ([1, 2], {1: 2}):
        raw = sign1(PAYLOAD, protected=cbor2.dumps({1: -8, 4: kid}))
        assert isinstance(reference(gate(), ({}, []), code(raw)), type)
        assert gate().verify(code(raw)).reason == "unknown_key"


@pytest.mark.parametrize(("raw", "reason"), [
    (sign1(PAYLOAD, protected=cbor2.dumps({1: -8, 4: b"someone-else"})), "unknown_key"),
    (sign1(PAYLOAD, protected=cbor2.dumps({1: -8})), "unknown_key"),
    (sign1(PAYLOAD, protected=cbor2.dumps({1: -8, 4: 12345})), "unknown_key"),
    (sign1(PAYLOAD, protected=cbor2.dumps({1: -8, 4: KID.encode()[:-1]})), "unknown_key"),
    (sign1(PAYLOAD, protected=cbor2.dumps({1: -8, 4: b"retired"})), "key_not_valid"),
    (sign1(PAYLOAD, key=OTHER), "bad_signature"),
    (sign1(PAYLOAD, signature=b""), "bad_signature"),
    (sign1(PAYLOAD, signature=GOOD[-64:-1]), "bad_signature"),
    (sign1(PAYLOAD, signature=GOOD[-64:] + b"\x00"), "bad_signature"),
    (sign1(PAYLOAD, signature=bytes(64)), "bad_signature"),
    (sign1(PAYLOAD)[:-64] + bytes((sign1(PAYLOAD)[-64] ^ 1,)) + sign1(PAYLOAD)[-63:], "bad_signature"),
    (sign1(PAYLOAD, protected=cbor2.dumps({4: KID.encode(), 1: -8})), ""),  # another header order: the slow path
    (sign1(PAYLOAD, protected=cbor2.dumps({1: -8, 4: KID})), ""),  # kid as text
    (sign1(PAYLOAD, unprotected={4: b"ignored"}), ""),
    (GOOD + b"trailing", ""),  # as before: CBOR after the COSE_Sign1 is ignored
    (sign1(cbor2.dumps(claims(iss="elsewhere"))), "wrong_zone"),
    (sign1(cbor2.dumps(claims(iss=None))), "wrong_zone"),
    (sign1(cbor2.dumps(claims(exp=NOW - CLOCK_SKEW - 1, iat=NOW - 60, nbf=NOW - 60))), "expired"),
    (sign1(cbor2.dumps(claims(exp=NOW - CLOCK_SKEW, iat=NOW - 60, nbf=NOW - 60))), ""),
    (sign1(cbor2.dumps(claims(nbf=NOW + CLOCK_SKEW + 1, exp=NOW + 120))), "not_yet_valid"),
    (sign1(cbor2.dumps(claims(nbf=None, iat=NOW + CLOCK_SKEW + 1, exp=NOW + 120))), "not_yet_valid"),
    (sign1(cbor2.dumps(claims(nbf=NOW + CLOCK_SKEW, exp=NOW + 120))), ""),
    (sign1(cbor2.dumps(claims(epoch=0))), "revoked"),
    (sign1(cbor2.dumps(claims(points=["gate-b"]))), "not_for_this_gate"),
    (sign1(cbor2.dumps(claims(points=["gate-b", "gate-a"]))), ""),
    (sign1(cbor2.dumps(claims(points=[]))), ""),
])
def test_each_refusal_keeps_its_reason(raw, reason):
    assert [r.reason for r in same_as_before([code(raw)], revocations={"0123456789abcdef": 1})] == [reason]


def test_non_shortest_lengths_decode_as_before():
    """The fast path takes only the layout the park writes; a code with longer length heads is still decoded by
    the general path, as before (the signature covers the re-encoded Sig_structure, as it always did)."""
    start = 2 + len(PROTECTED_BSTR) + 1  # tag, array head, the protected byte string, the empty map: the payload
    assert GOOD[start - 1] == 0xA0 and GOOD[start:start + 2] == b"\x58" + bytes((len(PAYLOAD),))
    for head in (b"\x59\x00" + bytes((len(PAYLOAD),)), b"\x5a\x00\x00\x00" + bytes((len(PAYLOAD),))):
        longer = GOOD[:start] + head + GOOD[start + 2:]
        assert cbor2.loads(longer).value[2] == PAYLOAD
        assert [r.reason for r in same_as_before([code(longer), code(GOOD)])] == ["", "replayed"]
    protected_longer = GOOD[:2] + b"\x58" + bytes((len(PROTECTED),)) + GOOD[3:]
    assert [r.reason for r in same_as_before([code(protected_longer)])] == [""]
    short = cbor2.dumps({SUB: "s", EXP: NOW})  # under 24 bytes: its shortest head is one byte
    raw = sign1(short)
    assert raw[start] == 0x40 + len(short)
    longer = raw[:start] + b"\x58" + bytes((len(short),)) + raw[start + 1:]
    assert [r.reason for r in same_as_before([code(raw), code(longer)])] == ["malformed", "malformed"]


def test_replay_memory_forgets_only_what_has_expired():
    first, second = sign1(cbor2.dumps(claims(exp=NOW + 10))), sign1(cbor2.dumps(claims(exp=NOW + 100, cti=b"2")))
    clock = [NOW]
    verifier = Verifier(zone="hetao", trust_list=TRUST, clock=lambda: clock[0])
    assert verifier.verify(code(first)).ok and verifier.verify(code(second)).ok
    clock[0] = NOW + 10 + CLOCK_SKEW
    assert verifier.verify(code(first)).reason == "replayed"
    clock[0] += 1
    assert verifier.verify(code(first)).reason == "expired"
    assert verifier.verify(code(second)).reason == "replayed" and len(verifier._seen) == 1


# --- properties: garbage, mutations of a good code, and signed claims of any shape --------------------------

@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=440))
def test_random_bytes_get_a_reason_never_an_exception(data):
    same_as_before([code(data), code(b"\xd2\x84" + data), code(b"\xd2\x84" + PROTECTED_BSTR + data)])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=620), st.text(alphabet=_ALPHABET + "abé\x00", max_size=600))
def test_random_text_gets_a_reason_never_an_exception(text, body):
    same_as_before([text, "HT1:" + body])


@st.composite
def mutated(draw):
    raw = bytearray(draw(st.sampled_from([GOOD, sign1(cbor2.dumps(claims(points=["gate-a"]))),
                                          sign1(PAYLOAD, protected=cbor2.dumps({4: KID.encode(), 1: -8}))])))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        if action == "truncate":
            del raw[at:]
        elif action == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=3))
        elif at < len(raw):
            if action == "delete":
                del raw[at]
            else:
                raw[at] = raw[at] ^ (1 << draw(st.integers(0, 7))) if action == "flip" else draw(st.integers(0, 255))
    return bytes(raw)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_of_a_good_code_are_refused_as_before(raw):
    same_as_before([code(raw), code(raw)])


CLAIM_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.integers(NOW - 200, NOW + 200),
    st.floats(allow_nan=True), st.text(max_size=12), st.binary(max_size=12), st.sampled_from(["hetao", "gate-a"]),
    st.lists(st.one_of(st.integers(-300, 300), st.sampled_from(["gate-a", "gate-b"])), max_size=3),
    st.dictionaries(st.integers(-3, 3), st.integers(), max_size=2))
NONCES = st.one_of(st.binary(max_size=16), st.integers(0, 64), st.text(max_size=4),
                   st.lists(st.integers(-1, 300), max_size=4), st.none())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([ISS, SUB, EXP, NBF, IAT, EPOCH, KIND, POINTS, 99]), CLAIM_VALUES),
       NONCES, st.booleans())
def test_signed_claims_of_any_shape_are_judged_as_before(values, nonce, issued_layout):
    payload = claims(cti=nonce)
    payload.update(values)
    protected = PROTECTED if issued_layout else cbor2.dumps({4: KID.encode(), 1: -8})
    raw = sign1(cbor2.dumps(payload), protected=protected)
    if len(code(raw)) <= 600:
        same_as_before([code(raw), code(raw)], revocations={"0123456789abcdef": 2, "hetao": 5})
