"""One annotated article as a self-contained HTML page (``newsspan show``).

The page needs nothing but itself: inline CSS, no script, no font, image or URL to fetch (its
Content-Security-Policy forbids them all, should anything slip in). On top, the metadata and a
legend of the entity labels in the schema's colours (``x-colors`` on ``$defs/entityLabel``);
then the article, section by section with the section label in the margin, entity mentions
highlighted in the colour of their label, claims underlined (and linked to their source
mention, when they have one), and on hover every span's id, label and offsets. ``diff`` shows
two annotators' entity mentions side by side, each marked as agreed (the other gave the same
span and label) or not. Every piece of text is escaped: an article that holds markup shows it
as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from . import schema, store
from .agreement import describe
from .files import read_json
from .model import Annotation, Claim, Document, Entity, Section
from .report import ERROR

CSP = "default-src 'none'; style-src 'unsafe-inline'"
NO_SECTION = "(none)"


def _attr(value) -> str:
    return escape(str(value), quote=True)


def _css() -> str:
    rules = [f".l-{label} {{ background: {color}; }}" for label, color in schema.entity_colors().items()]
    return (
        """
body { font: 16px/1.6 Georgia, "Times New Roman", serif; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 64em; margin: 0 auto; padding: 1.5em; }
h1 { font-size: 1.5em; line-height: 1.3; margin: 0 0 .5em; }
h2 { font: 600 .8em system-ui, sans-serif; text-transform: uppercase; letter-spacing: .06em; color: #555; margin: 1.5em 0 .5em; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1em 1em; font: .85em system-ui, sans-serif; margin: 0; }
dl.meta dt { color: #666; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.legend { font: .8em system-ui, sans-serif; display: flex; flex-wrap: wrap; gap: .3em .6em; }
.legend .ent { padding: .05em .4em; }
.legend .absent { opacity: .45; }
.sec { display: grid; grid-template-columns: 8.5em 1fr; gap: 1em; padding: .3em 0; border-top: 1px solid #eee; }
.sec-label { font: .75em system-ui, sans-serif; color: #777; text-align: right; padding-top: .35em; overflow-wrap: anywhere; }
.sec-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.sec.gap .sec-label { color: #c92a2a; }
mark.ent { color: inherit; border-radius: .2em; padding: 0 .1em; box-decoration-break: clone; -webkit-box-decoration-break: clone; }
mark.ent::after { content: attr(data-label); font: 600 .55em system-ui, sans-serif; vertical-align: super; margin-left: .15em; color: #444; }
.claim { text-decoration: underline 2px #1864ab; text-underline-offset: .25em; color: inherit; }
a.claim:hover, a.claim:focus { background: #e7f5ff; }
.diff { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5em; }
.diff .sec { grid-template-columns: 6.5em 1fr; }
mark.ent.agree { outline: none; }
mark.ent.only { outline: 2px dashed #c92a2a; outline-offset: 1px; }
.key { font: .8em system-ui, sans-serif; }
table.dis { border-collapse: collapse; font: .8em system-ui, sans-serif; width: 100%; }
table.dis td, table.dis th { border-top: 1px solid #eee; padding: .2em .4em; text-align: left; vertical-align: top; }
"""
        + "\n".join(rules)
        + "\n"
    )


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    entity: Entity | None = None


def _pieces(a: int, b: int, entities: Sequence[Entity], cuts: Sequence[int]) -> list[_Piece]:
    """[a, b) as plain pieces cut at the given offsets, and whole entity mentions."""
    out, pos = [], a
    inner = [e for e in entities if a <= e.start and e.end <= b]
    for e in inner:
        if e.start < pos:
            continue  # an overlapping mention (an error of its own): shown as plain text
        out += [_Piece(x, y) for x, y in _cut(pos, e.start, cuts)]
        out.append(_Piece(e.start, e.end, e))
        pos = e.end
    out += [_Piece(x, y) for x, y in _cut(pos, b, cuts)]
    return out


def _cut(a: int, b: int, cuts: Sequence[int]) -> list[tuple[int, int]]:
    points = [a] + [c for c in cuts if a < c < b] + [b]
    return [(x, y) for x, y in pairwise(points) if x < y]


def _entity_html(text: str, e: Entity, prefix: str, classes: str = "") -> str:
    title = (
        f"{e.id} {e.label} [{e.start}, {e.end})"
        + (f" {e.kb_id}" if e.kb_id else "")
        + (f" cluster {e.cluster}" if e.cluster else "")
    )
    return (
        f'<mark class="ent l-{_attr(e.label)}{classes}" id="{_attr(prefix + e.id)}" data-label="{_attr(e.label)}" '
        f'title="{_attr(title)}">{escape(text[e.start : e.end])}</mark>'
    )


def _claim_title(c: Claim) -> str:
    att = c.attribution
    who = (
        att.type
        + (f", source {att.source}" if att.source else "")
        + (f", source {att.source_span.text!r}" if att.source_span else "")
        + (f", cue {att.cue.text!r}" if att.cue else "")
    )
    return f"{c.id} claim [{c.start}, {c.end}) {who}; {'check-worthy' if c.checkworthy else 'not check-worthy'}"


def _block(text: str, a: int, b: int, entities, claims, prefix: str, entity_classes=None) -> str:
    """The HTML of text[a:b]: entity mentions highlighted, claims underlined around them."""
    claims = [c for c in claims if c.start < b and a < c.end]
    pieces = _pieces(a, b, entities, sorted({x for c in claims for x in (c.start, c.end)}))
    out, k = [], 0
    while k < len(pieces):
        p = pieces[k]
        claim = next((c for c in claims if p.start < c.end and c.start < p.end), None)
        if claim is None:
            out.append(_piece_html(text, p, prefix, entity_classes))
            k += 1
            continue
        group = []
        while k < len(pieces) and pieces[k].start < claim.end and claim.start < pieces[k].end:
            group.append(_piece_html(text, pieces[k], prefix, entity_classes))
            k += 1
        source = claim.attribution.source
        tag = f'a href="#{_attr(prefix + source)}"' if source else "span"
        out.append(
            f'<{tag} class="claim" id="{_attr(prefix + claim.id)}" title="{_attr(_claim_title(claim))}">'
            + "".join(group)
            + ("</a>" if source else "</span>")
        )
    return "".join(out)


def _piece_html(text: str, p: _Piece, prefix: str, entity_classes) -> str:
    if p.entity is None:
        return escape(text[p.start : p.end])
    return _entity_html(text, p.entity, prefix, (entity_classes or {}).get(p.entity.id, ""))


def _blocks(text: str, sections: Sequence[Section]) -> list[tuple[int, int, str, str | None]]:
    """(start, end, label, section id) of each section, and of each stretch of non-blank text in
    no section (label NO_SECTION), in text order."""
    out: list[tuple[int, int, str, str | None]] = []
    pos = 0
    for s in sorted(sections, key=lambda s: (s.start, s.end)):
        if s.start < pos:
            continue
        if text[pos : s.start].strip():
            out.append((pos, s.start, NO_SECTION, None))
        out.append((s.start, s.end, s.label, s.id))
        pos = s.end
    if text[pos:].strip():
        out.append((pos, len(text), NO_SECTION, None))
    return out


def _article(doc_text: str, ann: Annotation, prefix: str = "", entity_classes=None, claims: bool = True) -> str:
    rows = []
    for a, b, label, sid in _blocks(doc_text, ann.sections):
        while a < b and doc_text[a].isspace():
            a += 1
        while b > a and doc_text[b - 1].isspace():
            b -= 1
        title = f"{sid} {label} [{a}, {b})" if sid else f"text in no section [{a}, {b})"
        rows.append(
            f'<div class="sec{" gap" if sid is None else ""}"'
            + (f' id="{_attr(prefix + sid)}"' if sid else "")
            + f'><div class="sec-label" title="{_attr(title)}">{escape(label)}</div>'
            f'<div class="sec-text">{_block(doc_text, a, b, ann.entities, ann.claims if claims else (), prefix, entity_classes)}</div></div>'
        )
    return "\n".join(rows)


def _meta(doc: Document, ann: Annotation | None, layer: str) -> str:
    rows = [("document", doc.id)]
    for key, value in doc.meta.items():
        if key in ("schema_version", "id"):
            continue
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        rows.append((key, value))
    rows.append(("layer", layer))
    if ann is not None:
        rows += [
            ("status", ann.status),
            ("annotators", ", ".join(ann.annotators)),
            ("guidelines", ann.guidelines_version),
        ]
        if ann.notes:
            rows.append(("notes", ann.notes))
    return (
        '<dl class="meta">' + "".join(f"<dt>{escape(str(k))}</dt><dd>{escape(str(v))}</dd>" for k, v in rows) + "</dl>"
    )


def _legend(entities: Sequence[Entity]) -> str:
    present = {e.label for e in entities}
    items = [
        f'<span class="ent l-{_attr(label)}{"" if label in present else " absent"}" title="{_attr(color)}">'
        f"{escape(label)} {sum(e.label == label for e in entities)}</span>"
        for label, color in schema.entity_colors().items()
    ]
    return '<div class="legend">' + "".join(items) + '<span class="claim">claim</span></div>'


def _page(title: str, language: str | None, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{_attr(language or "und")}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_css()}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def render(doc: Document, ann: Annotation | None, layer: str = "released layer") -> str:
    """The page of one document with one annotation layer (None: the text alone)."""
    ann = ann or Annotation(doc.id, "", (), "", "")
    title = str(doc.meta.get("title") or doc.id)
    body = (
        f"<h1>{escape(title)}</h1>\n{_meta(doc, ann if ann.status else None, layer)}\n<h2>Entity labels</h2>\n"
        f"{_legend(ann.entities)}\n<h2>Article</h2>\n<article>\n{_article(doc.text, ann)}\n</article>"
    )
    return _page(f"{title} · newsspan {doc.id}", doc.language, body)


def render_diff(doc: Document, a: Annotation, b: Annotation, a_name: str, b_name: str) -> str:
    """Two annotators' entity mentions side by side, each marked agreed or not."""
    keys_a = {(e.start, e.end, e.label) for e in a.entities}
    keys_b = {(e.start, e.end, e.label) for e in b.entities}
    classes_a = {e.id: " agree" if (e.start, e.end, e.label) in keys_b else " only" for e in a.entities}
    classes_b = {e.id: " agree" if (e.start, e.end, e.label) in keys_a else " only" for e in b.entities}
    agreed = sum(c == " agree" for c in classes_a.values())
    title = str(doc.meta.get("title") or doc.id)
    from . import agreement

    result = agreement.agreement(a_name, b_name, [(doc.id, doc.text, a, b)])
    rows = "".join(
        f"<tr><td>{escape(d.kind)}</td><td>{escape(describe(d.a))}</td><td>{escape(describe(d.b))}</td></tr>"
        for d in result.disagreements
        if d.layer == "entities"
    )
    body = (
        f"<h1>{escape(title)}</h1>\n{_meta(doc, None, f'entity mentions of {a_name} and {b_name}')}\n"
        f"<h2>Entity labels</h2>\n{_legend(a.entities + b.entities)}\n"
        f'<p class="key">{agreed} mentions agreed (same span and label in both); '
        f'<mark class="ent only">dashed</mark>: only in one of the two '
        f"({sum(c == ' only' for c in classes_a.values())} of {escape(a_name)}, "
        f"{sum(c == ' only' for c in classes_b.values())} of {escape(b_name)}).</p>\n"
        f'<h2>Disagreements</h2>\n<table class="dis"><tr><th>kind</th><th>{escape(a_name)}</th><th>{escape(b_name)}</th>'
        f"</tr>{rows}</table>\n"
        f'<div class="diff"><section><h2>{escape(a_name)}</h2>\n{_article(doc.text, a, "a-", classes_a, claims=False)}</section>\n'
        f"<section><h2>{escape(b_name)}</h2>\n{_article(doc.text, b, 'b-', classes_b, claims=False)}</section></div>"
    )
    return _page(f"{title} · {a_name} vs {b_name} · newsspan {doc.id}", doc.language, body)


def page(root: store.Root, doc_id: str, annotator: str | None = None, diff: tuple[str, str] | None = None) -> str:
    """``newsspan show``: the page of a document of the root with its released layer, one
    annotator's layer, or two annotators' mentions side by side (``diff``); annotators are named
    as :class:`newsspan.annotators.AnnotatorSet` resolves them (a name, or a folder).

    StoreError (a usage error) for a document, annotator or layer that does not exist;
    :class:`newsspan.annotators.Refused` when a file to be shown has an error.
    """
    from .annotators import AnnotatorSet, Refused, read_text

    root.require_document(doc_id)
    text, problems = read_text(root, doc_id)
    try:  # shown as it stands, valid or not: `newsspan validate` says what is wrong with it
        meta = read_json(root.read_bytes(root.meta_path(doc_id)), "document").value or {}
    except OSError:
        meta = {}
    layers: list[Annotation | None] = []
    if text is not None:
        if diff:
            sets = [AnnotatorSet.resolve(root, name) for name in diff]
        elif annotator:
            sets = [AnnotatorSet.resolve(root, annotator)]
        else:
            sets = [AnnotatorSet("released layer", root.annotations, root)]
        for s in sets:
            if not s.path(doc_id).is_file():
                if diff or annotator:
                    raise store.StoreError(f"{s.name} has no layer for {doc_id} (no {s.display(doc_id)})")
                layers.append(None)  # a text without a released layer: shown as text
                continue
            layer, found = s.load(doc_id, text)
            problems += found
            layers.append(layer)
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise Refused(
            f"{len(errors)} error{'s' * (len(errors) != 1)} in what would be shown; nothing was written", errors
        )
    assert text is not None, "read_text reports an error whenever it gives no text"
    doc = Document.of(doc_id, text, meta, None)
    if diff:
        a, b = layers
        assert a is not None and b is not None, "each annotator of a diff has a layer (StoreError above otherwise)"
        return render_diff(doc, a, b, *diff)
    return render(doc, layers[0], f"annotator {annotator}" if annotator else "released layer")


__all__ = ["CSP", "page", "render", "render_diff"]
