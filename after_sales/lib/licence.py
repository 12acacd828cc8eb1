"""Authorization keys and Ed25519-signed licence files, without Odoo.

This module only needs the Python standard library and ``cryptography``: the
customer's software can copy it to verify a licence file offline with the
public key the company gives out::

    from licence import verify_licence
    payload = verify_licence(open("licence.json").read(), public_key_pem)
    # payload["expiry"], payload["seats"], ... or InvalidLicence

A licence file is a JSON document ``{"algorithm": "Ed25519", "payload": {...},
"signature": "<base64>"}``; the signature covers the payload canonicalised as
JSON with sorted keys, no spaces and UTF-8 text (``canonical_payload``).
"""

import base64
import hashlib
import json
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

ALGORITHM = "Ed25519"
KEY_BYTES = 20  # 160 bits, 32 base32 characters without padding
KEY_GROUP = 4


class InvalidLicence(ValueError):
    """The licence file is malformed or its signature does not match."""


def generate_key():
    """A new authorization key: 160 random bits in base32, grouped by 4."""
    raw = base64.b32encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
    raw = raw.rstrip("=")
    return "-".join(raw[i : i + KEY_GROUP] for i in range(0, len(raw), KEY_GROUP))


def normalize_key(key):
    """The key as typed by a person: upper case, without spaces and dashes."""
    return "".join(key.split()).replace("-", "").upper()


def key_hash(key):
    """SHA-256 (hex) of the normalised key, to look a key up without showing it."""
    return hashlib.sha256(normalize_key(key).encode("ascii", "replace")).hexdigest()


def generate_private_key_pem():
    """A new Ed25519 private key, PKCS#8 PEM text."""
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_key_pem(private_key_pem):
    """The public key (SubjectPublicKeyInfo PEM text) of a private key."""
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), None)
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode("ascii")
    )


def canonical_payload(payload):
    """The bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def sign_licence(payload, private_key_pem):
    """The licence file (text) for ``payload`` signed with the private key."""
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), None)
    signature = key.sign(canonical_payload(payload))
    document = {
        "algorithm": ALGORITHM,
        "payload": payload,
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def verify_licence(licence, public_key):
    """Check a licence file and return its payload, or raise InvalidLicence.

    ``licence``: the file's text (or bytes, or the parsed dict);
    ``public_key``: the company's public key, PEM text.
    """
    try:
        document = json.loads(licence) if isinstance(licence, str | bytes) else licence
        if not isinstance(document, dict) or document.get("algorithm") != ALGORITHM:
            raise InvalidLicence("not an Ed25519 licence file")
        payload, signature = document["payload"], document["signature"]
        if not isinstance(payload, dict) or not isinstance(signature, str):
            raise InvalidLicence("malformed licence file")
        signature = base64.b64decode(signature, validate=True)
        key = serialization.load_pem_public_key(
            public_key.encode("ascii") if isinstance(public_key, str) else public_key
        )
        if not isinstance(key, ed25519.Ed25519PublicKey):
            raise InvalidLicence("the public key is not an Ed25519 key")
        key.verify(signature, canonical_payload(payload))
    except InvalidLicence:
        raise
    except InvalidSignature as error:
        raise InvalidLicence("the signature does not match the licence") from error
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidLicence(f"malformed licence file: {error}") from error
    return payload
