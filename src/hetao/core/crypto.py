"""Encryption of sensitive values at rest (identity document numbers).

Fernet (AES-128-CBC + HMAC-SHA256) with keys from HETAO_FIELD_ENCRYPTION_KEYS (comma-separated, newest
first: MultiFernet decrypts with any and encrypts with the first, so keys rotate without downtime).
Development derives a key from SECRET_KEY; prod.py requires the variable. A keyed hash (HMAC) of the
normalised value lets the database enforce uniqueness without holding the clear text.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.HETAO_FIELD_ENCRYPTION_KEYS) or [
        base64.urlsafe_b64encode(hashlib.sha256(b"hetao-field-key:" + settings.SECRET_KEY.encode()).digest()).decode()
    ]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def blind_index(text: str) -> str:
    key = hashlib.sha256(b"hetao-blind-index:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
