"""Which documents a release holds, read from a validated root.

Released: documents whose released layer (``annotations/<id>.json``) has status ``complete``
or ``gold``. Drafts, and texts with no released layer yet, are left out unless drafts are
asked for; the counts of what was left out go into the build summary and the card.

A selection keeps only ids, splits and the card's statistics (gathered in the same pass by
:func:`newsspan.stats.Stats.add`, the one function behind ``newsspan stats``), never the
documents: they are read again (:class:`newsspan.Corpus`), one batch at a time, when rows are
written, so a build's memory does not grow with the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import schema, store
from ..corpus import Corpus
from ..stats import Stats

RELEASED_STATUSES = schema.released_statuses()


@dataclass
class Selection:
    root: store.Root
    ids: list[str] = field(default_factory=list)
    splits: dict[str, str] = field(default_factory=dict)  # id -> split
    drafts_left_out: list[str] = field(default_factory=list)
    unannotated_left_out: list[str] = field(default_factory=list)
    include_drafts: bool = False
    stats: Stats = field(default_factory=Stats)

    def ids_in_split(self, split: str) -> list[str]:
        return [d for d in self.ids if self.splits[d] == split]

    def left_out_note(self, limit: int = 10) -> str | None:
        """The documents left out by id (the first `limit`, then how many more), and how to
        include them; None when nothing was left out."""
        out = sorted(
            [(d, "draft") for d in self.drafts_left_out] + [(d, "no released layer") for d in self.unannotated_left_out]
        )
        if not out:
            return None
        shown = ", ".join(f"{d} ({why})" for d, why in out[:limit]) + (
            f" and {len(out) - limit} more" if len(out) > limit else ""
        )
        return (
            f"not released: {shown}; --include-drafts includes them (a layer is released once its status is "
            f"{' or '.join(RELEASED_STATUSES)})"
        )


def select(root: store.Root, include_drafts: bool = False) -> Selection:
    """The documents of a root (that validated without errors) that a release holds, by id."""
    sel = Selection(include_drafts=include_drafts, root=root)
    for doc in Corpus(root):
        if not include_drafts and doc.status is None:
            sel.unannotated_left_out.append(doc.id)
        elif not include_drafts and doc.status not in RELEASED_STATUSES:
            sel.drafts_left_out.append(doc.id)
        else:
            sel.ids.append(doc.id)
            sel.splits[doc.id] = doc.split
            # tokens are counted from the built token configs (release._tokens), not tokenized twice
            sel.stats.add(doc, count_tokens=False)
    return sel


__all__ = ["Selection", "select"]
