"""The data model: an annotation file (Annotation), an article as a reader wants it (Document) and their spans.

Offsets are code points, half-open ``[start, end)``; labels are plain strings from the schema's enums.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import partial
from typing import Any, ClassVar, TypeGuard

from . import schema
from .schema import SCHEMA_VERSION
from .tokenize import Token as Token  # re-exported: newsspan.Token
from .tokenize import section_tokens, tag, tokenize

LAYERS = schema.layers()  # sections, entities, claims: from the schema
SPLITS = schema.splits()  # train, validation, test
# the share of each split, in the schema's order; zip(strict=True) refuses a schema whose split list changed
SPLIT_RATIO = dict(zip(SPLITS, (0.8, 0.1, 0.1), strict=True))
CLAIM_LABEL = "CLAIM"  # the label of every claim in the claims config's IOB2 tags
GUIDELINES_VERSION = "1.1.0"  # the version stated at the top of docs/guidelines.md
#: The section labels that hold the article's own prose (the schema's ``bodySectionLabel``): keep only
#: these rows of the ``entities`` and ``claims`` configs to train on article text without page chrome.
BODY_SECTIONS: tuple[str, ...] = schema.body_section_labels()


def split_of(doc_id: str, pinned: str | None = None) -> str:
    """A document's split: pinned by its metadata, else derived from a SHA-256 of its id (80/10/10),
    so adding or removing an article never moves another one."""
    if pinned is not None:
        if pinned not in SPLITS:
            raise ValueError(f"unknown split {pinned!r}: expected one of {', '.join(SPLITS)}")
        return pinned
    # the first 8 bytes of the hash as a fraction in [0, 1): uniform, and the same on every machine
    x = int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") / 2**64
    edge = 0.0
    for name in SPLITS:
        edge += SPLIT_RATIO[name]
        if x < edge:
            return name
    return SPLITS[-1]


@dataclass(frozen=True, slots=True)
class Span:
    """A bare span: an attribution's ``source_span`` or ``cue``."""

    start: int
    end: int
    text: str

    @classmethod
    def from_json(cls, d: Mapping) -> Span:
        return cls(d["start"], d["end"], d["text"])

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Section:
    """A layout block (headline, paragraph, byline, ...): ``label`` from the schema's sectionLabel."""

    id: str
    start: int
    end: int
    text: str
    label: str
    speaker: str | None = None  # in an interview, who speaks the block

    ID_PREFIX: ClassVar[str] = "s"

    @classmethod
    def from_json(cls, d: Mapping) -> Section:
        return cls(d["id"], d["start"], d["end"], d["text"], d["label"], d.get("speaker"))

    def to_json(self) -> dict:
        out = {"id": self.id, "label": self.label, "start": self.start, "end": self.end, "text": self.text}
        if self.speaker is not None:
            out["speaker"] = self.speaker
        return out


@dataclass(frozen=True, slots=True)
class Entity:
    """A named-entity mention: an OntoNotes ``label``, a Wikidata ``kb_id`` when known for sure,
    and a ``cluster`` shared by the mentions of one real-world entity."""

    id: str
    start: int
    end: int
    text: str
    label: str
    kb_id: str | None = None
    cluster: str | None = None

    ID_PREFIX: ClassVar[str] = "e"

    @classmethod
    def from_json(cls, d: Mapping) -> Entity:
        return cls(d["id"], d["start"], d["end"], d["text"], d["label"], d.get("kb_id"), d.get("cluster"))

    def to_json(self) -> dict:
        out = {"id": self.id, "label": self.label, "start": self.start, "end": self.end, "text": self.text}
        if self.kb_id is not None:
            out["kb_id"] = self.kb_id
        if self.cluster is not None:
            out["cluster"] = self.cluster
        return out


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who asserts a claim: ``type`` journalist, source or unattributed; for a source, the id of its
    entity mention (``source``) or its ``source_span``; the ``cue`` ("said") when annotated."""

    type: str
    source: str | None = None
    source_span: Span | None = None
    cue: Span | None = None

    @classmethod
    def from_json(cls, d: Mapping) -> Attribution:
        return cls(
            d["type"],
            d.get("source"),
            Span.from_json(d["source_span"]) if d.get("source_span") is not None else None,
            Span.from_json(d["cue"]) if d.get("cue") is not None else None,
        )

    def to_json(self) -> dict:
        out: dict[str, Any] = {"type": self.type}
        if self.source is not None:
            out["source"] = self.source
        if self.source_span is not None:
            out["source_span"] = self.source_span.to_json()
        if self.cue is not None:
            out["cue"] = self.cue.to_json()
        return out


@dataclass(frozen=True, slots=True)
class Claim:
    """A checkable assertion, with its attribution and whether a fact-checker would check it."""

    id: str
    start: int
    end: int
    text: str
    attribution: Attribution
    checkworthy: bool

    ID_PREFIX: ClassVar[str] = "c"

    @property
    def label(self) -> str:  # in IOB2 tags: B-CLAIM, I-CLAIM
        return CLAIM_LABEL

    @classmethod
    def from_json(cls, d: Mapping) -> Claim:
        return cls(d["id"], d["start"], d["end"], d["text"], Attribution.from_json(d["attribution"]), d["checkworthy"])

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "checkworthy": self.checkworthy,
            "attribution": self.attribution.to_json(),
        }


AnySpan = Section | Entity | Claim


def in_document_order(spans: Iterable[AnySpan]) -> tuple:
    """Spans sorted as a reader meets them: by start, then end, then id."""
    return tuple(sorted(spans, key=lambda s: (s.start, s.end, s.id)))


def renumber(spans: Iterable[AnySpan]) -> tuple:
    """Spans of one layer sorted by start and end (ties keep their order), with fresh ids s1.., e1.. or c1..
    (the ids claims give their sources are not rewritten: renumber entities first and map those)."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    return tuple(replace(s, id=f"{s.ID_PREFIX}{i}") for i, s in enumerate(ordered, 1))


def dump_json(value: Any) -> bytes:
    """The bytes of a JSON file as newsspan writes it (UTF-8, 2-space indent, final newline)."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class _Layers:
    """What an Annotation and a Document share: their three span layers, by name."""

    __slots__ = ()

    def layer(self, name: str) -> tuple:
        """A layer by name: ``sections``, ``entities`` or ``claims``."""
        if name not in LAYERS:
            raise ValueError(f"unknown layer {name!r}: expected one of {', '.join(LAYERS)}")
        return getattr(self, name)


@dataclass(frozen=True)
class Annotation(_Layers):
    """One annotation file: the released layer of a document, or one annotator's layer."""

    document_id: str
    text_sha256: str
    annotators: tuple[str, ...]
    guidelines_version: str
    status: str
    sections: tuple[Section, ...] = ()
    entities: tuple[Entity, ...] = ()
    claims: tuple[Claim, ...] = ()
    notes: str | None = None
    schema_version: str = SCHEMA_VERSION
    provenance: Mapping[str, Any] | None = None  # per layer: {"steps": [...], "note": ...}

    @classmethod
    def from_json(cls, d: Mapping) -> Annotation:
        """From the parsed JSON of a file that is valid against the annotation schema."""
        try:
            return cls(
                d["document_id"],
                d["text_sha256"],
                tuple(d["annotators"]),
                d["guidelines_version"],
                d["status"],
                tuple([Section.from_json(x) for x in d["sections"]]),
                tuple([Entity.from_json(x) for x in d["entities"]]),
                tuple([Claim.from_json(x) for x in d["claims"]]),
                d.get("notes"),
                d["schema_version"],
                d.get("provenance"),
            )
        except (KeyError, TypeError, AttributeError) as e:
            raise ValueError(
                f"not an annotation of the expected shape ({type(e).__name__}: {e}); "
                "run `newsspan validate`, which says what is wrong"
            ) from None

    def to_json(self) -> dict:
        out: dict[str, Any] = {
            "schema_version": self.schema_version,
            "document_id": self.document_id,
            "text_sha256": self.text_sha256,
            "annotators": list(self.annotators),
            "guidelines_version": self.guidelines_version,
            "status": self.status,
        }
        if self.provenance is not None:
            out["provenance"] = self.provenance
        if self.notes is not None:
            out["notes"] = self.notes
        for name in LAYERS:
            out[name] = [x.to_json() for x in getattr(self, name)]
        return out

    @classmethod
    def loads(cls, data: bytes | str) -> Annotation:
        return cls.from_json(json.loads(data))

    def dumps(self) -> bytes:
        """The file's bytes, as newsspan writes every annotation file (a valid file round-trips byte for byte)."""
        return dump_json(self.to_json())

    def places(self) -> Iterator[tuple[tuple, AnySpan | Span]]:
        """(where, span) of every span in file order, a claim's ``source_span`` and ``cue`` right after it; where
        is the path of :meth:`spans`' pointer, ``("claims", 0, "attribution", "cue")``. The checks' walk: a pointer
        string is made only for a problem, and most spans have none."""
        for name in LAYERS:
            for i, x in enumerate(getattr(self, name)):
                yield (name, i), x
                if isinstance(x, Claim):
                    a = x.attribution
                    if a.source_span is not None:
                        yield (name, i, "attribution", "source_span"), a.source_span
                    if a.cue is not None:
                        yield (name, i, "attribution", "cue"), a.cue

    def spans(self) -> Iterator[tuple[str, AnySpan | Span]]:
        """(JSON pointer, span) of every span in file order (``/claims/0/attribution/cue``), as :meth:`places`."""
        for where, x in self.places():
            yield "/" + "/".join(map(str, where)), x

    def moved(self, places: Mapping[str, tuple[int, int, str]]) -> Annotation:
        """A copy with the spans at these pointers (as :meth:`spans` gives them) at new ``(start, end, text)``."""
        d = self.to_json()
        for ptr, (start, end, text) in places.items():
            node: Any = d
            for key in ptr.split("/")[1:]:
                node = node[int(key)] if isinstance(node, list) else node[key]
            node.update(start=start, end=end, text=text)
        return Annotation.from_json(d)


def well_formed(value: Any, valid: bool = False) -> tuple[Annotation, dict[str, Sequence[int]]]:
    """The model of a parsed annotation file (:meth:`Annotation.from_json` if ``valid``, it passed its schema), and
    per layer the index in the file of each item it holds (``places["entities"][k]``), for a problem's pointer.

    Of an invalid file, the items with integer ``start`` and ``end`` and a string ``text`` (what the span checks
    need), other fields None unless of the schema's type (a check that needs one passes over the item).
    """
    if valid:
        ann = Annotation.from_json(value)
        return ann, {name: range(len(getattr(ann, name))) for name in LAYERS}
    if not isinstance(value, dict):
        value = {}
    layers: dict[str, tuple] = {}
    places: dict[str, Sequence[int]] = {}
    for name in LAYERS:
        items = value.get(name)
        if isinstance(items, list):
            kept = [i for i, x in enumerate(items) if _is_span(x)]
            places[name] = tuple(kept)
            layers[name] = tuple(_ITEM[name](items[i]) for i in kept)
    annotators = value.get("annotators")
    return Annotation(
        _str(value, "document_id"),
        _str(value, "text_sha256"),
        tuple(a for a in annotators if isinstance(a, str)) if isinstance(annotators, list) else (),
        _str(value, "guidelines_version"),
        _str(value, "status"),
        notes=_str(value, "notes"),
        schema_version=_str(value, "schema_version"),
        provenance=value.get("provenance") if isinstance(value.get("provenance"), dict) else None,
        **layers,
    ), places


def _is_span(x: Any) -> TypeGuard[dict]:
    # JSON true and false are no offsets
    offsets = (x.get("start"), x.get("end")) if isinstance(x, dict) else (None,)
    return all(isinstance(v, int) and not isinstance(v, bool) for v in offsets) and isinstance(x.get("text"), str)


def _str(d: Mapping, key: str) -> Any:
    v = d.get(key)
    return v if isinstance(v, str) else None


def _plain(cls: type[Section] | type[Entity], d: Mapping) -> Section | Entity:
    # a section or entity: offsets and text as _is_span found them, every other field a string or None
    return cls(*(d[f.name] if f.name in ("start", "end", "text") else _str(d, f.name) for f in fields(cls)))


def _claim(d: Mapping) -> Claim:
    a = d.get("attribution")
    if isinstance(a, dict):
        spans = (Span.from_json(x) if _is_span(x) else None for x in (a.get("source_span"), a.get("cue")))
        attribution = Attribution(_str(a, "type"), _str(a, "source"), *spans)
    else:
        attribution = Attribution(None)  # type: ignore[arg-type]  # (a partial model's None: see well_formed)
    checkworthy = d.get("checkworthy")
    return Claim(
        _str(d, "id"),
        d["start"],
        d["end"],
        d["text"],
        attribution,
        checkworthy if isinstance(checkworthy, bool) else None,  # type: ignore[arg-type]  # (a partial model's None)
    )


_ITEM: dict[str, Callable[[Mapping], AnySpan]] = {
    "sections": partial(_plain, Section),
    "entities": partial(_plain, Entity),
    "claims": _claim,
}


@dataclass(frozen=True)
class Document(_Layers):
    """An article of the corpus: its text, its metadata and its released annotation layer, the layers in
    document order (``status`` None and no spans for a text that has no released layer yet)."""

    id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    status: str | None = None
    annotators: tuple[str, ...] = ()
    guidelines_version: str | None = None
    sections: tuple[Section, ...] = ()
    entities: tuple[Entity, ...] = ()
    claims: tuple[Claim, ...] = ()
    provenance: Mapping[str, Any] | None = None  # per layer, how it was made (the annotation file's)

    @classmethod
    def of(cls, doc_id: str, text: str, meta: Mapping[str, Any], annotation: Annotation | None) -> Document:
        """A document from its text, metadata and released layer (None: not annotated yet)."""
        if annotation is None:
            return cls(doc_id, text, dict(meta))
        a = annotation
        layers = {name: in_document_order(getattr(a, name)) for name in LAYERS}
        return cls(
            doc_id, text, dict(meta), a.status, a.annotators, a.guidelines_version, provenance=a.provenance, **layers
        )

    @property
    def language(self) -> str | None:
        return self.meta.get("language")

    @property
    def split(self) -> str:
        """train, validation or test: pinned by the metadata, else stable from a hash of the id."""
        return split_of(self.id, self.meta.get("split"))

    def section(self, section: Section | str) -> Section:
        """A section of this document, given as itself or by its id."""
        if isinstance(section, Section):
            return section
        for s in self.sections:
            if s.id == section:
                return s
        raise KeyError(f"document {self.id} has no section {section!r}")

    def tokens(self, section: Section | str | None = None) -> list[Token]:
        """The tokens of the text or of one section (the text tokenised as a whole: a token never
        depends on where a section starts)."""
        if section is None:
            return tokenize(self.text)
        s = self.section(section)
        return section_tokens(self.text, s.start, s.end)

    def iob(self, layer: str = "entities", section: Section | str | None = None) -> tuple[list[Token], list[str]]:
        """(tokens, IOB2 tags) of the text or of one section for ``entities`` or ``claims``: a row of that config.
        Raises :class:`newsspan.tokenize.Misaligned` when a span's boundary falls inside a token."""
        if layer not in ("entities", "claims"):
            raise ValueError(f"IOB2 tags are made for the entities and claims layers, not {layer!r}")
        tokens = self.tokens(section)
        spans = self.layer(layer)
        if section is not None:
            s = self.section(section)
            spans = tuple(x for x in spans if x.start < s.end and s.start < x.end)
        return tokens, tag(tokens, spans)
