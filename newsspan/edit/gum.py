"""`newsspan import gum`: GUM's Wikinews documents as corpus documents with their GUM-derived layer.

Each document's text and meta are written, its GUM-derived layer goes to
``annotations/annotators/gum-import/<id>.json``, and a draft released layer is made from it where
the document has none (a released layer is never replaced: the human passes build on it). Running
it again on the same sources writes nothing: a file is written only where its bytes change, and a
corpus text that differs from the one GUM gives is an error, never overwritten.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .. import store
from ..formats import gum
from ..model import dump_json
from .plan import Plan

ANNOTATOR = "gum-import"


def plan_gum(root: store.Root, paths: list[str], genres: tuple[str, ...]) -> tuple[Plan, dict]:
    """The files `newsspan import gum` writes, and the conversion report (counts and every item)."""
    plan = Plan("import-gum")
    docs = gum.read([Path(p) for p in paths], genres)
    for d in docs:
        text_path = root.text_path(d.id)
        if text_path.exists() and text_path.read_bytes() != d.text.encode("utf-8"):
            why = "differs from the text GUM gives; left as it is"
            plan.error(root.rel(text_path), why, "remove it to convert again")
            continue
        files = [(text_path, d.text.encode("utf-8")), (root.meta_path(d.id), dump_json(d.meta))]
        files.append((root.annotation_path(d.id, ANNOTATOR), d.annotation.dumps()))
        if not root.annotation_path(d.id).exists():
            files.append((root.annotation_path(d.id), d.annotation.dumps()))
        plan.writes += [(p, data) for p, data in files if not p.exists() or p.read_bytes() != data]
    if plan.writes:
        plan.check_writes(root, plan.writes)
    items = [r for d in docs for r in d.report]
    plan.summary += [
        f"{r['kind']}: {r['doc']} {r['gum']['text']!r} -> {r['text']!r} {r.get('label', '')}"
        + (f" ({r['why']})" if "why" in r else "")
        for r in items
    ]
    counts = {
        "documents": len(docs),
        "tokens": sum(len(d.words) for d in docs),
        "sections": dict(Counter(s.label for d in docs for s in d.annotation.sections)),
        "entities": dict(Counter(e.label for d in docs for e in d.annotation.entities)),
        "with_kb_id": sum(e.kb_id is not None for d in docs for e in d.annotation.entities),
        "claim_proposals": sum(len(d.claims) for d in docs),
        **Counter(r["kind"] for r in items),
    }
    return plan, {"counts": counts, "items": items}
