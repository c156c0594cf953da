"""Signing keys of the park's OpenID Connect provider, kept as PEM files outside the database.

The newest file in the key directory signs; older ones stay published in the JWKS (so tokens they signed
still verify) until they are pruned. `manage.py oidc_keys --rotate` adds a new key; a restart picks it up.
Import-safe: no Django here, settings call `load()`.
"""

from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def generate_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def key_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("oidc-*.pem")) if directory.is_dir() else []


def load(directory: Path) -> tuple[str, list[str]]:
    """(active key, inactive keys) as PEM text; ("", []) when none exists yet."""
    files = key_files(directory)
    if not files:
        return "", []
    return files[-1].read_text(), [f.read_text() for f in reversed(files[:-1])]


def rotate(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"oidc-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.pem"
    path.write_text(generate_pem())
    path.chmod(0o600)
    return path


def ensure(directory: Path) -> Path | None:
    """Create a first key if there is none; return it, or None when one already exists."""
    return None if key_files(directory) else rotate(directory)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` keys (at least the active one stays)."""
    files = key_files(directory)
    doomed = files[: max(0, len(files) - max(1, keep))]
    for path in doomed:
        path.unlink()
    return doomed
