"""Ids as users type them: what the allowed characters are, and a valid id made from an invalid one.

Document ids (file stems, ``--id``, annotator names) follow ``store.ID_PATTERN``; span ids
follow the schema's ``$defs/spanId``. Messages about an invalid id say both what is allowed and
which valid id to use instead (``news/2024/strike`` -> ``news-2024-strike``).
"""

from __future__ import annotations

import re
import unicodedata

DOCUMENT_ID_RULE = (
    "1-64 characters of a-z, 0-9, '_' and '-', starting with a letter or digit (no '/', '.', spaces or capitals)"
)
SPAN_ID_RULE = "a letter, then up to 63 of A-Z, a-z, 0-9, '_', '.' and '-' (no '/' or spaces)"


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def safe_id(name: str) -> str:
    """A valid document id from a file stem or a user name: lower-case, runs of other characters
    -> '-' (may be empty when name has no letter or digit at all)."""
    s = _ascii(name).lower()
    s = re.sub(r"[^a-z0-9_-]+", "-", s).strip("-_")
    s = re.sub(r"-{2,}", "-", s)[:64].rstrip("-_")
    return s


def safe_span_id(name: str, prefix: str = "x") -> str:
    """A valid span id from an invalid one: runs of other characters -> '-'; a name that does not
    start with a letter gets ``prefix`` (the layer's letter, as in s1, e1, c1)."""
    s = re.sub(r"[^A-Za-z0-9_.-]+", "-", _ascii(str(name))).strip("-_.")
    s = re.sub(r"-{2,}", "-", s)
    if not s[:1].isalpha():
        s = prefix + s
    return s[:64].rstrip("-_.")


def invalid_id(value: str, what: str = "document id") -> str:
    """Why value is no valid document id (or annotator name), and the valid one to use instead."""
    suggestion = safe_id(value)
    return f"{value!r} is not a valid {what}: ids are {DOCUMENT_ID_RULE}" + (
        f"; use e.g. {suggestion!r}" if suggestion else ""
    )
