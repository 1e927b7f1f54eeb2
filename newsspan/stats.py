"""Corpus statistics, the one place they are computed (``newsspan stats`` and the dataset card).

st = statistics(newsspan.Corpus("path/to/root"))
st.documents, st.splits, st.mentions["GPE"], st.per_document("entities")
"""

from __future__ import annotations

import json
import statistics as _statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import schema
from .model import LAYERS, Document

UNANNOTATED = "unannotated"  # the status of a text without a released layer
SPAN_KINDS = ("sections", "entities", "claims", "all")
_NAMES = {"sections": "sections", "entities": "entity mentions", "claims": "claims", "all": "all spans"}


@dataclass
class Stats:
    documents: int = 0
    languages: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    splits: Counter = field(default_factory=Counter)
    licenses: Counter = field(default_factory=Counter)
    unknown_license: list[str] = field(default_factory=list)  # ids of the documents whose license is unknown
    tokens: int | None = 0  # None: not counted
    sections: Counter = field(default_factory=Counter)  # per label
    mentions: Counter = field(default_factory=Counter)  # per entity label
    attributions: Counter = field(default_factory=Counter)  # claims per attribution type
    checkworthy: Counter = field(default_factory=Counter)  # claims per check-worthiness: "true", "false"
    spans: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in SPAN_KINDS})  # per document
    made: Counter = field(default_factory=Counter)  # (layer, its provenance steps joined by " -> ") per document
    derived: Counter = field(default_factory=Counter)  # documents per corpus they were converted from

    @property
    def claims(self) -> int:
        return sum(self.attributions.values())

    def add(self, doc: Document, count_tokens: bool = True) -> None:
        """Count one document (its tokens too, unless count_tokens is False: tokens is then None)."""
        self.documents += 1
        self.languages[doc.language or "und"] += 1
        self.statuses[doc.status or UNANNOTATED] += 1
        self.splits[doc.split] += 1
        license = doc.meta.get("license", "unknown")
        self.licenses[license] += 1
        if license == "unknown":
            self.unknown_license.append(doc.id)
        if count_tokens and self.tokens is not None:
            self.tokens += tokens_in_sections(doc)
        else:
            self.tokens = None
        self.sections.update(s.label for s in doc.sections)
        self.mentions.update(e.label for e in doc.entities)
        self.attributions.update(c.attribution.type for c in doc.claims)
        self.checkworthy.update("true" if c.checkworthy else "false" for c in doc.claims)
        source = doc.meta.get("derived_from")
        if isinstance(source, dict):
            self.derived[f"{source.get('corpus')} {source.get('version', '')[:7]}".strip()] += 1
        for layer in LAYERS:
            self.spans[layer].append(len(doc.layer(layer)))
            steps = (doc.provenance or {}).get(layer, {}).get("steps") or ["not recorded"]
            self.made[layer, " -> ".join(steps)] += 1
        self.spans["all"].append(sum(len(doc.layer(layer)) for layer in LAYERS))

    def per_document(self, kind: str) -> tuple[int, float, int] | None:
        """(minimum, median, maximum) of the spans of a layer (or ``all``) per document; None without documents."""
        xs = self.spans[kind]
        return (min(xs), _statistics.median(xs), max(xs)) if xs else None

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "languages": dict(sorted(self.languages.items())),
            "statuses": dict(sorted(self.statuses.items())),
            "splits": dict(sorted(self.splits.items())),
            "licenses": dict(sorted(self.licenses.items())),
            "tokens": self.tokens,
            "sections": dict(sorted(self.sections.items())),
            "mentions": dict(sorted(self.mentions.items())),
            "claims": {
                "total": self.claims,
                "attribution": dict(sorted(self.attributions.items())),
                "checkworthy": {"true": self.checkworthy["true"], "false": self.checkworthy["false"]},
            },
            "spans_per_document": {
                k: dict(zip(("min", "median", "max"), m, strict=True)) if (m := self.per_document(k)) else None
                for k in SPAN_KINDS
            },
        }


def tokens_in_sections(doc: Document) -> int:
    """The tokens of a document's sections: of its rows in the ``entities`` and ``claims`` configs."""
    return sum(len(doc.tokens(s)) for s in doc.sections)


def statistics(documents: Iterable[Document], count_tokens: bool = True) -> Stats:
    """The statistics of the documents (a :class:`~newsspan.Corpus`, or any iterable of them)."""
    st = Stats()
    for doc in documents:
        st.add(doc, count_tokens)
    return st


# rendering ------------------------------------------------------------------------------------


def _number(x) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def _counts(c: Counter, order=None) -> str:
    keys = [k for k in (order or sorted(c)) if c.get(k)]
    return ", ".join(f"{k} {c[k]}" for k in keys) or "none"


def _spans_line(st: Stats) -> str:
    parts = [f"{_NAMES[k]} {' / '.join(map(_number, r))}" for k in SPAN_KINDS if (r := st.per_document(k))]
    return ", ".join(parts) or "none"


def summary_lines(st: Stats, tokens_note: str = "not counted") -> list[str]:
    """The statistics as Markdown list items (also the text format, and the dataset card's)."""
    splits = _counts(st.splits, schema.splits())
    return [
        f"- documents: {st.documents} ({splits})",
        f"- languages: {_counts(st.languages)}",
        f"- status: {_counts(st.statuses)}",
        f"- tokens: {st.tokens if st.tokens is not None else tokens_note}",
        f"- sections: {sum(st.sections.values())}",
        f"- entity mentions: {sum(st.mentions.values())}",
        f"- claims: {st.claims} ({st.checkworthy['true']} check-worthy; attribution {_counts(st.attributions)})",
        f"- spans per document (min / median / max): {_spans_line(st)}",
    ]


TABLES = (  # the title in text, the Markdown heading ("": under the one before), the columns, the Stats counter
    ("entity mentions per label", "Entity mentions per label", ("label", "mentions"), "mentions"),
    ("sections per label", "Sections per label", ("label", "sections"), "sections"),
    ("claims per attribution", "Claims by attribution and check-worthiness", ("attribution", "claims"), "attributions"),
    ("claims per check-worthiness", "", ("check-worthy", "claims"), "checkworthy"),
)


def _rows(st: Stats, name: str) -> list[tuple[str, int]]:
    counts = getattr(st, name)
    return [(k, counts[k]) for k in sorted(counts) if counts[k]]


def markdown_tables(st: Stats, level: int = 3) -> list[str]:
    out: list[str] = []
    for _, heading, (key, value), name in TABLES:
        out += ([""] if out else []) + ([f"{'#' * level} {heading}", ""] if heading else [])
        out += [f"| {key} | {value} |", "| --- | ---: |"] + [f"| `{k}` | {n} |" for k, n in _rows(st, name)]
    return out


def render_markdown(st: Stats) -> str:
    return "\n".join(["# Corpus statistics", ""] + summary_lines(st) + [""] + markdown_tables(st, 2)) + "\n"


def render_text(st: Stats) -> str:
    out = [line[2:] for line in summary_lines(st)]
    for title, _, _, name in TABLES:
        out += ["", title] + [f"  {k:<16} {n:>8}" for k, n in _rows(st, name)]
    return "\n".join(out) + "\n"


def render_json(st: Stats) -> str:
    return json.dumps(st.to_json(), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}

__all__ = ["RENDERERS", "Stats", "UNANNOTATED", "statistics", "tokens_in_sections"]
