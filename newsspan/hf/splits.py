"""Stable train/validation/test assignment per document id (:attr:`newsspan.Document.split`).

A document's split is pinned by its meta file's ``split``, else derived from a SHA-256 of its id,
so adding or removing an article never moves another one. The ratio is 80/10/10.
"""

from __future__ import annotations

import hashlib

from .. import schema

SPLITS = schema.splits()
# the share of each of the schema's splits, in its order; zip(strict=True) refuses a schema whose split list changed
RATIO = dict(zip(SPLITS, (0.8, 0.1, 0.1), strict=True))


def split_of(doc_id: str, pinned: str | None = None) -> str:
    if pinned is not None:
        if pinned not in SPLITS:
            raise ValueError(f"unknown split {pinned!r}: expected one of {', '.join(SPLITS)}")
        return pinned
    # the first 8 bytes of the hash as a fraction in [0, 1): uniform, and the same on every machine
    x = int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") / 2**64
    edge = 0.0
    for name in SPLITS:
        edge += RATIO[name]
        if x < edge:
            return name
    return SPLITS[-1]


def ratio_text() -> str:
    return "/".join(f"{round(RATIO[s] * 100)}" for s in SPLITS) + " (" + "/".join(SPLITS) + ")"
