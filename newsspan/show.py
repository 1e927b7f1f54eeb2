"""One annotated article as a self-contained HTML page (``newsspan show``): inline CSS, nothing to fetch (its
Content-Security-Policy forbids it), every piece of text escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import groupby, pairwise
from pathlib import Path

from . import schema, store
from .agreement import NO_SECTION, AnnotatorSet, describe, disagreements, keys, read_layers
from .files import read_json
from .model import Annotation, Claim, Document, Entity, in_document_order
from .report import ERROR, Problem

CSP = "default-src 'none'; style-src 'unsafe-inline'"
CSS = (Path(__file__).parent / "show.css").read_text(encoding="utf-8")  # inlined in every page


def _entity(text: str, e: Entity, prefix: str, classes: str) -> str:
    title = f"{e.id} {e.label} [{e.start}, {e.end})" + (f" {e.kb_id}" if e.kb_id else "")
    title += f" cluster {e.cluster}" if e.cluster else ""
    return (
        f'<mark class="ent l-{escape(e.label)}{classes}" id="{escape(prefix + e.id)}" data-label="{escape(e.label)}" '
        f'title="{escape(title)}">{escape(text[e.start : e.end])}</mark>'
    )


def _claim_title(c: Claim) -> str:
    att = c.attribution
    who = att.type + (f", source {att.source}" if att.source else "")
    who += (f", source {att.source_span.text!r}" if att.source_span else "") + (
        f", cue {att.cue.text!r}" if att.cue else ""
    )
    return f"{c.id} claim [{c.start}, {c.end}) {who}; {'check-worthy' if c.checkworthy else 'not check-worthy'}"


def _block(text: str, a: int, b: int, ann: Annotation, prefix: str, classes: dict, claims: bool) -> str:
    """The HTML of text[a:b]: entity mentions highlighted, claims underlined around them."""
    shown = in_document_order(c for c in ann.claims if c.start < b and a < c.end) if claims else ()
    cuts = sorted({x for c in shown for x in (c.start, c.end)})

    def plain(x: int, y: int) -> list[tuple[int, int, Entity | None]]:
        points = [x] + [c for c in cuts if x < c < y] + [y]
        return [(p, q, None) for p, q in pairwise(points) if p < q]

    pieces, pos = [], a
    for e in in_document_order(ann.entities):
        if a <= e.start and e.end <= b and e.start >= pos:  # an overlapping mention (an error) stays plain text
            pieces += plain(pos, e.start) + [(e.start, e.end, e)]
            pos = e.end
    pieces += plain(pos, b)
    out = []
    # each piece goes inside the first claim it overlaps: a mention across a claim's edge stays whole
    for claim, group in groupby(pieces, lambda p: next((c for c in shown if p[0] < c.end and c.start < p[1]), None)):
        html = "".join(
            escape(text[x:y]) if e is None else _entity(text, e, prefix, classes.get(e.id, "")) for x, y, e in group
        )
        if claim is not None:  # linked to its source mention, if any
            source, title = claim.attribution.source, escape(_claim_title(claim))
            tag = f'a href="#{escape(prefix + source)}"' if source else "span"
            html = f'<{tag} class="claim" id="{escape(prefix + claim.id)}" title="{title}">{html}</{tag.split()[0]}>'
        out.append(html)
    return "".join(out)


def _article(text: str, ann: Annotation | None, prefix: str = "", classes=None, claims: bool = True) -> str:
    """The article section by section, with each stretch of non-blank text in no section shown as a gap."""
    blocks: list[tuple[int, int, str, str | None]] = []
    pos = 0
    for s in sorted(ann.sections if ann else (), key=lambda s: (s.start, s.end)):
        if s.start >= pos:
            blocks += [(pos, s.start, NO_SECTION, None)] if text[pos : s.start].strip() else []
            blocks.append((s.start, s.end, s.label, s.id))
            pos = s.end
    blocks += [(pos, len(text), NO_SECTION, None)] if text[pos:].strip() else []
    rows = []
    for a, b, label, sid in blocks:
        lead = len(text[a:b]) - len(text[a:b].lstrip())
        a, b = a + lead, max(a + lead, a + len(text[a:b].rstrip()))
        title = f"{sid} {label} [{a}, {b})" if sid else f"text in no section [{a}, {b})"
        body = _block(text, a, b, ann, prefix, classes or {}, claims) if ann else escape(text[a:b])
        rows.append(
            f'<div class="sec{" gap" if sid is None else ""}"'
            + (f' id="{escape(prefix + sid)}"' if sid else "")
            + f'><div class="sec-label" title="{escape(title)}">{escape(label)}</div>'
            f'<div class="sec-text">{body}</div></div>'
        )
    return "\n".join(rows)


def _meta(doc: Document, ann: Annotation | None, layer: str) -> str:
    rows = {"document": doc.id} | {k: v for k, v in doc.meta.items() if k not in ("schema_version", "id")}
    rows["layer"] = layer
    if ann is not None:
        rows |= {"status": ann.status, "annotators": ann.annotators, "guidelines": ann.guidelines_version}
        rows |= {"notes": ann.notes} if ann.notes else {}
    cells = ((k, ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for k, v in rows.items())
    return (
        '<dl class="meta">' + "".join(f"<dt>{escape(str(k))}</dt><dd>{escape(str(v))}</dd>" for k, v in cells) + "</dl>"
    )


def _legend(entities: Sequence[Entity]) -> str:
    found = [e.label for e in entities]
    items = [
        f'<span class="ent l-{escape(label)}{"" if label in found else " absent"}" title="{escape(color)}">'
        f"{escape(label)} {found.count(label)}</span>"
        for label, color in schema.entity_colors().items()
    ]
    return '<div class="legend">' + "".join(items) + '<span class="claim">claim</span></div>'


def _page(doc: Document, what: str, body: str) -> str:
    title = str(doc.meta.get("title") or doc.id)
    colors = "".join(f".l-{label} {{ background: {color}; }}\n" for label, color in schema.entity_colors().items())
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(doc.language or "und")}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(f'{title} · {what}newsspan {doc.id}')}</title>\n<style>{CSS}{colors}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{escape(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )


def render(doc: Document, ann: Annotation | None, layer: str = "released layer") -> str:
    """The page of one document with one annotation layer (None: the text alone)."""
    body = (
        f"{_meta(doc, ann, layer)}\n<h2>Entity labels</h2>\n{_legend(ann.entities if ann else ())}\n"
        f"<h2>Article</h2>\n<article>\n{_article(doc.text, ann)}\n</article>"
    )
    return _page(doc, "", body)


def render_diff(doc: Document, a: Annotation, b: Annotation, a_name: str, b_name: str) -> str:
    """Two annotators' entity mentions side by side, each marked agreed or not."""
    agreed = set(keys(a.entities)) & set(keys(b.entities))
    classes_a, classes_b = (
        {e.id: " agree" if k in agreed else " only" for e, k in zip(x, keys(x), strict=True)}
        for x in (a.entities, b.entities)
    )
    only_a, only_b = (list(c.values()).count(" only") for c in (classes_a, classes_b))
    rows = "".join(
        f"<tr><td>{escape(d.kind)}</td><td>{escape(describe(d.a))}</td><td>{escape(describe(d.b))}</td></tr>"
        for d in disagreements(doc.id, "entities", a, b)
    )
    body = (
        f"{_meta(doc, None, f'entity mentions of {a_name} and {b_name}')}\n"
        f"<h2>Entity labels</h2>\n{_legend(a.entities + b.entities)}\n"
        f'<p class="key">{len(classes_a) - only_a} mentions agreed (same span and label in both); '
        f'<mark class="ent only">dashed</mark>: only in one of the two '
        f"({only_a} of {escape(a_name)}, {only_b} of {escape(b_name)}).</p>\n"
        f'<h2>Disagreements</h2>\n<table class="dis"><tr><th>kind</th><th>{escape(a_name)}</th><th>{escape(b_name)}</th>'
        f"</tr>{rows}</table>\n"
        f'<div class="diff"><section><h2>{escape(a_name)}</h2>\n{_article(doc.text, a, "a-", classes_a, False)}</section>\n'
        f"<section><h2>{escape(b_name)}</h2>\n{_article(doc.text, b, 'b-', classes_b, False)}</section></div>"
    )
    return _page(doc, f"{a_name} vs {b_name} · ", body)


def page(
    root: store.Root, doc_id: str, annotator: str | None = None, diff: Sequence[str] | None = None
) -> tuple[str | None, list[Problem]]:
    """``newsspan show``: a document's page with its released layer, an annotator's, or two annotators' mentions
    side by side (``diff``); or None and the errors of the files to be shown."""
    root.require_document(doc_id)
    names = list(diff or ([annotator] if annotator else []))
    sets = [AnnotatorSet.resolve(root, name, doc_id) for name in names]
    released = AnnotatorSet("released layer", root.annotations)
    if not names and released.path(doc_id).is_file():  # else the text alone
        sets = [released]
    text, layers, problems = read_layers(root, doc_id, sets)
    errors = [p for p in problems if p.severity == ERROR]
    if errors or text is None:
        return None, errors
    try:  # shown as it stands, valid or not: `newsspan validate` says what is wrong with it
        meta = read_json(root.read_bytes(root.meta_path(doc_id)), "document").value or {}
    except OSError:
        meta = {}
    doc = Document(doc_id, text, meta)
    if diff:
        a, b = layers
        assert a is not None and b is not None, "a layer with no error is read"
        return render_diff(doc, a, b, *diff), []
    return render(doc, layers[0] if layers else None, f"annotator {annotator}" if annotator else "released layer"), []
