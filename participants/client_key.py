"""The client key: 16 hex characters that let the integrity app see "same address" and "same
device" without ever storing the address (personal data).

- first 8: a keyed hash (HMAC-SHA256 with SECRET_KEY) of the client address, so two rows from
  one address share a prefix: "same address" is a prefix match;
- last 8: the same kind of hash of the User-Agent, so "same device" is the whole key.

Keyed with the secret, so the 2^32 addresses of IPv4 cannot be recovered by hashing them all
without it; 8 characters (32 bits) is plenty to tell apart the addresses of one contest and
short enough that collisions across a city are rare but possible, which is fine for evidence a
person reviews. Costs two HMACs of a few bytes and no query: it runs on the exam's start."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from participants.ratelimit import client_address

PART_LENGTH = 8


def _part(kind: bytes, value: str) -> str:
    # The kind in the message keeps an address and a User-Agent that happen to be the same
    # text from hashing alike.
    key = settings.SECRET_KEY.encode()
    message = kind + b"\x00" + value.encode("utf-8", "replace")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:PART_LENGTH]


def client_key(*, address: str, user_agent: str) -> str:
    """The 16-character key of (address, User-Agent)."""
    return _part(b"address", address or "") + _part(b"device", user_agent or "")


def client_key_for(request) -> str:
    """The key of the request's client (the address axes saw, else REMOTE_ADDR)."""
    return client_key(
        address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
    )


def address_part(key: str) -> str:
    """The "same address" part of a key."""
    return key[:PART_LENGTH]
