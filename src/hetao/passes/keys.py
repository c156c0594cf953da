"""Signing keys of park codes: Ed25519 PEM files in a directory outside the database.

Each file is `pass-<UTC timestamp>.pem`; the timestamp is the key's not-before. A key signs until a newer
one takes over and stays in the trust list for `lifetime` after its start, so codes it signed verify
everywhere. `manage.py pass_keys --rotate` adds a key (rotate monthly, e.g. from cron). Import-safe: no Django.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

STAMP = "%Y%m%dT%H%M%S"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey
    not_before: int
    not_after: int

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def jwk(self) -> dict:
        return {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": self.kid,
                "x": base64.urlsafe_b64encode(self.public_raw).rstrip(b"=").decode(),
                "not_before": self.not_before, "not_after": self.not_after}


def kid_of(public_raw: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(public_raw).digest()[:6]).decode()


def load(directory: Path, lifetime_days: int) -> list[SigningKey]:
    keys = []
    for path in sorted(directory.glob("pass-*.pem")) if directory.is_dir() else []:
        start = int(datetime.strptime(path.stem[5:], STAMP).replace(tzinfo=UTC).timestamp())
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):  # park codes are signed with Ed25519 only (create())
            raise ValueError(f"{path} does not hold an Ed25519 private key.")
        raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        keys.append(SigningKey(kid_of(raw), private, start, start + lifetime_days * 86400))
    return keys


def active(keys: list[SigningKey], now: int) -> SigningKey | None:
    usable = [k for k in keys if k.not_before <= now <= k.not_after]
    return usable[-1] if usable else None


def create(directory: Path, when: datetime | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"pass-{(when or datetime.now(UTC)).strftime(STAMP)}.pem"
    key = Ed25519PrivateKey.generate()
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)
    return path
