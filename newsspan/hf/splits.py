"""Stable train/validation/test assignment per document id (see newsspan.model.split_of)."""

from __future__ import annotations

from ..model import SPLIT_RATIO as RATIO
from ..model import SPLITS, split_of

__all__ = ["RATIO", "SPLITS", "ratio_text", "split_of"]


def ratio_text() -> str:
    return "/".join(f"{round(RATIO[s] * 100)}" for s in SPLITS) + " (" + "/".join(SPLITS) + ")"
