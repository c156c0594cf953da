"""Offline verification of park codes — usable at a gate without Django or the database.

A park code is `HT1:` + base45(COSE_Sign1) whose payload is a CWT claims map (see docs/passes.md):
  1 iss (zone), 2 sub (pseudonymous holder id), 4 exp, 6 iat, 7 cti (nonce), -70001 revocation epoch,
  -70002 kind ("m" member, "v" visitor, "t" event ticket), -70003 access point codes the code is limited to.
The verifier needs the zone's trust list (public keys with validity) and revocation list ({holder: epoch}),
both fetched by `python -m hetao.passes.sync`. It refuses, with a precise reason: malformed text, a code
too large, an unknown key, a key not yet valid or retired, a bad signature, another zone, an expired or
not-yet-valid code, a revoked holder, a code not meant for this gate, and a replay of a nonce already seen
at this gate within the code's lifetime.

Speed (`make bench` wants ≥ 0.7 of raw Ed25519 verifications per second on one core): everything but the
signature check costs a few microseconds. base45 is decoded with big-integer lane arithmetic (no Python loop
per character, no per-chunk table lookups), and a code laid out exactly as the park issues it (tag 18, the
protected header of a known key, an empty unprotected map, canonical byte-string lengths, a 64-byte signature)
is taken apart by slicing: its Sig_structure is a per-key prefix plus the payload's own bytes. Anything else
goes through the general CBOR path, which decides every refusal exactly as before.
"""

import base64
import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PREFIX = "HT1:"
MAX_TEXT = 600  # a member code is about 200 characters; anything far longer is not ours
MAX_LIFETIME = 24 * 3600  # visitor passes live for their window; member codes 60 s
CLOCK_SKEW = 5
ISS, SUB, EXP, NBF, IAT, CTI = 1, 2, 4, 5, 6, 7
EPOCH, KIND, POINTS = -70001, -70002, -70003
EDDSA = -8

REASONS = ("malformed", "too_large", "unknown_key", "key_not_valid", "bad_signature", "wrong_zone", "expired",
           "not_yet_valid", "revoked", "not_for_this_gate", "replayed")


@dataclass(frozen=True)
class Result:
    ok: bool
    reason: str = ""
    subject: str = ""
    kind: str = ""
    epoch: int = 0
    nonce: str = ""
    expires: int = 0


# Refusals that carry nothing but their reason: built once (Result is frozen, so sharing them is safe).
_REFUSED = {reason: Result(False, reason) for reason in REASONS}
_CLAIM_ERRORS = (KeyError, TypeError, ValueError, OverflowError, MemoryError)

B45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_VALUES = bytes(B45_ALPHABET.index(chr(c)) if chr(c) in B45_ALPHABET else 0xFF for c in range(256))
_B45_LANES: dict[int, tuple[int, int]] = {}


def _b45_lanes(chunks: int) -> tuple[int, int]:
    """Masks over `chunks` 24-bit little-endian lanes: the low byte of each lane, and the high byte."""
    masks = _B45_LANES.get(chunks)
    if masks is None:
        masks = (int.from_bytes(b"\xff\x00\x00" * chunks, "little"), int.from_bytes(b"\x00\x00\xff" * chunks, "little"))
        if chunks <= MAX_TEXT // 3:  # every length a code can have, not every length anyone tries
            _B45_LANES[chunks] = masks
    return masks


def b45decode(text: str) -> bytes:
    """RFC 9285 base45 decoding; ValueError on a character outside the alphabet, a bad length or chunk.

    All chunks at once: the characters become their values (bytes.translate), the values one big integer with
    a 24-bit lane per 3-character chunk, and c + 45·d + 2025·e is three masked shifts and two multiplications
    over every lane together (a lane holds at most 91124, so no carry crosses into the next). A chunk above
    0xFFFF shows in its lane's high byte; swapping each lane's two low bytes and deleting every third byte
    gives the big-endian pairs. No Python loop per character or chunk, no table larger than 256 bytes.
    """
    tail = len(text) % 3
    if tail == 1:
        raise ValueError("base45: impossible length")
    if not text.isascii():
        raise ValueError("base45: invalid character")
    values = text.encode("ascii").translate(_B45_VALUES)
    if b"\xff" in values:
        raise ValueError("base45: invalid character")
    chunks = len(values) // 3
    lane, high = _b45_lanes(chunks)
    digits = int.from_bytes(values[:3 * chunks], "little")
    numbers = (digits & lane) + 45 * ((digits >> 8) & lane) + 2025 * ((digits >> 16) & lane)
    if numbers & high:
        raise ValueError("base45: invalid chunk")
    decoded = bytearray((((numbers & lane) << 8) | ((numbers >> 8) & lane)).to_bytes(3 * chunks, "little"))
    del decoded[2::3]
    if tail:
        last = values[-2] + 45 * values[-1]
        if last > 0xFF:
            raise ValueError("base45: invalid chunk")
        decoded.append(last)
    return bytes(decoded)


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_SIG1_HEAD = b"\xd2\x84"  # tag 18 (COSE_Sign1), array of 4
_SIG_STRUCTURE_HEAD = b"\x84" + cbor2.dumps("Signature1")  # ["Signature1", protected, external_aad, payload]
_EMPTY_MAP = 0xA0
_SIGNATURE_HEAD = b"\x58\x40"  # a 64-byte byte string


def _bstr_end(raw: bytes, at: int) -> tuple[int, int]:
    """(start, end) of the definite-length byte string whose head is at `at`, when that head is the shortest
    encoding of its length (as cbor2.dumps writes it); (0, 0) otherwise. IndexError past the end."""
    head = raw[at]
    if 0x40 <= head < 0x58:
        return at + 1, at + 1 + head - 0x40
    if head == 0x58 and raw[at + 1] >= 24:
        return at + 2, at + 2 + raw[at + 1]
    if head == 0x59 and raw[at + 1]:
        return at + 3, at + 3 + (raw[at + 1] << 8 | raw[at + 2])
    return 0, 0


# A trusted key: the public key and its validity (not_before, not_after in Unix seconds).
TrustedKey = tuple[Ed25519PublicKey, int, int]
# What signature checking needs of a code: the key, its validity, the bytes signed, the signature, the claims.
Signed = tuple[Ed25519PublicKey, int, int, bytes, Any, dict[Any, Any]]


class RevocationList(Protocol):
    """{holder: epoch}, or anything that looks a holder up the same way (the park's live list)."""

    def get(self, subject: str, default: int, /) -> int: ...


@dataclass
class Verifier:
    """Verifies codes for one gate. `trust_list` is the park's /api/v1/passes/trust-list document."""

    zone: str
    trust_list: dict
    revocations: RevocationList = field(default_factory=dict[str, int])
    access_point: str = ""
    clock: Callable[[], float] = time.time
    _seen: dict[str, int] = field(default_factory=dict)
    _expiries: list[tuple[int, str]] = field(default_factory=list)  # a min-heap over _seen, oldest first

    def __post_init__(self) -> None:
        self._keys: dict[str, TrustedKey] = {}
        for key in self.trust_list.get("keys", []):
            if key.get("alg") == "EdDSA" and key.get("crv") == "Ed25519":
                self._keys[key["kid"]] = (Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"])),
                                          int(key["not_before"]), int(key["not_after"]))
        # The protected header the park writes for each key, as it appears in a code (with its byte-string
        # head) → the key and the head of the Sig_structure signed with it (up to the payload).
        self._issued: dict[bytes, tuple[Ed25519PublicKey, int, int, bytes]] = {}
        for kid, (key, not_before, not_after) in self._keys.items():
            try:
                protected = cbor2.dumps({1: EDDSA, 4: kid.encode()})
            except (AttributeError, UnicodeEncodeError):  # a kid no code can carry as the park writes it
                pass
            else:
                head = _SIG_STRUCTURE_HEAD + cbor2.dumps(protected) + cbor2.dumps(b"")
                self._issued[cbor2.dumps(protected)] = (key, not_before, not_after, head)

    def _as_issued(self, raw: bytes) -> tuple[Ed25519PublicKey, int, int, bytes, bytes, bytes] | None:
        """(key, not_before, not_after, to_be_signed, payload, signature) of a code laid out exactly as the park
        issues it, or None: then the general path decides (and refuses exactly as it always did)."""
        try:
            if raw[:2] != _SIG1_HEAD:
                return None
            _start, end = _bstr_end(raw, 2)
            issued = self._issued.get(raw[2:end]) if end else None
            if issued is None or raw[end] != _EMPTY_MAP:
                return None
            start, stop = _bstr_end(raw, end + 1)
            if not stop or len(raw) != stop + 66 or raw[stop:stop + 2] != _SIGNATURE_HEAD:
                return None
        except IndexError:
            return None
        key, not_before, not_after, head = issued
        return key, not_before, not_after, head + raw[end + 1:stop], raw[start:stop], raw[stop + 2:]

    def _decode(self, raw: bytes) -> str | Signed:
        """The general path: a refusal reason, or (key, not_before, not_after, to_be_signed, signature, claims)."""
        try:
            sign1 = cbor2.loads(raw)
            if sign1.tag != 18:
                return "malformed"
            protected_bytes, _unprotected, payload, signature = sign1.value
            protected = cbor2.loads(protected_bytes)
            claims = cbor2.loads(payload)
            kid = protected[4].decode() if isinstance(protected.get(4), bytes) else protected.get(4)
        except Exception:  # noqa: BLE001 - any decoding failure of foreign input is "malformed"
            return "malformed"
        if not isinstance(claims, dict) or protected.get(1) != EDDSA:
            return "malformed"
        try:
            if kid not in self._keys:
                return "unknown_key"
        except TypeError:  # an unhashable kid (a list, a map) names no key either
            return "unknown_key"
        to_be_signed = cbor2.dumps(["Signature1", protected_bytes, b"", payload])
        return (*self._keys[kid], to_be_signed, signature, claims)

    def verify(self, text: str) -> Result:
        text = (text or "").strip()
        if len(text) > MAX_TEXT:
            return _REFUSED["too_large"]
        if not text.startswith(PREFIX):
            return _REFUSED["malformed"]
        try:
            raw = b45decode(text[len(PREFIX):])
        except Exception:  # noqa: BLE001 - any decoding failure of foreign input is "malformed"
            return _REFUSED["malformed"]
        issued = self._as_issued(raw)
        if issued is not None:
            key, not_before, not_after, to_be_signed, payload, signature = issued
            try:
                claims = cbor2.loads(payload)
            except Exception:  # noqa: BLE001
                return _REFUSED["malformed"]
            if not isinstance(claims, dict):
                return _REFUSED["malformed"]
        else:
            decoded = self._decode(raw)
            if isinstance(decoded, str):
                return _REFUSED[decoded]
            key, not_before, not_after, to_be_signed, signature, claims = decoded
        now = int(self.clock())
        if not (not_before - CLOCK_SKEW <= now <= not_after):
            return _REFUSED["key_not_valid"]
        try:
            key.verify(signature, to_be_signed)
        except InvalidSignature:
            return _REFUSED["bad_signature"]
        except TypeError:  # a signature that is no byte string (the general path lets any CBOR value through)
            return _REFUSED["malformed"]
        return self._check(claims, now)

    def _check(self, claims: dict, now: int) -> Result:
        """The claims of a code whose signature holds: zone, lifetime, revocation, gate, replay."""
        get = claims.get
        try:
            subject, exp, issued = str(claims[SUB]), int(claims[EXP]), int(get(IAT, 0))
            epoch, kind, nonce = int(get(EPOCH, 0)), str(get(KIND, "m")), bytes(claims[CTI]).hex()
        except _CLAIM_ERRORS:
            return _REFUSED["malformed"]
        if get(ISS) != self.zone:
            return Result(False, "wrong_zone", subject, kind, epoch, nonce, exp)
        if exp - issued > MAX_LIFETIME:
            return Result(False, "malformed", subject, kind, epoch, nonce, exp)
        if now > exp + CLOCK_SKEW:
            return Result(False, "expired", subject, kind, epoch, nonce, exp)
        try:
            not_before = int(get(NBF, issued))
        except _CLAIM_ERRORS:
            return Result(False, "malformed", subject, kind, epoch, nonce, exp)
        if now + CLOCK_SKEW < not_before:
            return Result(False, "not_yet_valid", subject, kind, epoch, nonce, exp)
        if epoch < int(self.revocations.get(subject, 0)):
            return Result(False, "revoked", subject, kind, epoch, nonce, exp)
        points = get(POINTS)
        try:
            elsewhere = bool(points and self.access_point and self.access_point not in points)
        except TypeError:  # a list of points that is no container
            return Result(False, "malformed", subject, kind, epoch, nonce, exp)
        if elsewhere:
            return Result(False, "not_for_this_gate", subject, kind, epoch, nonce, exp)
        expiries, seen = self._expiries, self._seen
        if expiries and expiries[0][0] < now:
            self._forget_expired(now)
        if nonce in seen:
            return Result(False, "replayed", subject, kind, epoch, nonce, exp)
        seen[nonce] = exp + CLOCK_SKEW
        heapq.heappush(expiries, (exp + CLOCK_SKEW, nonce))
        return Result(True, "", subject, kind, epoch, nonce, exp)

    def forget_seen(self) -> None:
        """Forget every nonce seen (a new gate day, or a benchmark pass over the same codes)."""
        self._seen.clear()
        self._expiries.clear()

    def _forget_expired(self, now: int) -> None:
        # Cost per scan is O(log n) in the nonces still alive, not O(n): pop only what has expired.
        expiries, seen = self._expiries, self._seen
        while expiries and expiries[0][0] < now:
            _until, nonce = heapq.heappop(expiries)
            seen.pop(nonce, None)
