"""Encrypting the Subsonic password at rest, and making new secrets.

Fernet (from ``cryptography``) with a key derived from ``SUBSONIC_SECRET_KEY``:
authenticated encryption, so a row changed in the database fails to decrypt
instead of yielding another password.
"""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PASSWORD_BYTES = 18  # 24 characters of URL-safe base64: typed by hand into an app now and then
API_KEY_BYTES = 32


def _fernet() -> Fernet:
    key = hashlib.sha256(f"subsonic-password:{settings.SUBSONIC_SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def secret_encrypt(password: str) -> str:
    return _fernet().encrypt(password.encode()).decode()


def secret_decrypt(token: str) -> str | None:
    """The secret, or ``None`` when it was not encrypted with this install's key."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def api_key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def password_new() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def api_key_new() -> str:
    return secrets.token_urlsafe(API_KEY_BYTES)
