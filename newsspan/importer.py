"""Plans for `newsspan add` and `newsspan import`: everything is checked before anything is written.

A plan gathers every problem first (file, item, what, how to fix). Only a plan without
errors is written, all files at once (`Root.write_all`: texts and metas before annotations,
restored on failure), under the root's lock. Building a plan reads the root and never writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from . import mentions, schema, store
from .corpus import load_annotation
from .formats import FormatError, Parsed, ToolDoc, ToolSpan, importers, labelmap, wanted
from .ingest import BCP47, Ingested, IngestError, ingest
from .model import (
    GUIDELINES_VERSION,
    LAYERS,
    Annotation,
    AnySpan,
    Attribution,
    Claim,
    Entity,
    Section,
    Span,
    dump_json,
    renumber,
)
from .plan import Plan
from .schema import DOCUMENT_ID_RULE, invalid_id, safe_id
from .text import CanonicalMap, DecodeError, Unmappable, canonical_map, decode, sha256


def corpus_index(root: store.Root) -> dict[str, str]:
    """sha256 of each corpus text -> its document id."""
    out: dict[str, str] = {}
    for stem in root.text_stems():
        if store.is_valid_id(stem):
            try:
                out.setdefault(sha256(root.read_bytes(root.corpus / (stem + store.TEXT_SUFFIX))), stem)
            except OSError:
                continue
    return out


def layer_status(rel: str, ann: Annotation) -> str:
    """A summary line for an annotation file written: its status and the size of each layer."""
    return f"{rel}: status {ann.status} (" + ", ".join(f"{len(ann.layer(layer))} {layer}" for layer in LAYERS) + ")"


def release_hint(rels: list[str]) -> str:
    """How to release the draft layers just written (what `newsspan build` and `export` leave out)."""
    shown = ", ".join(rels[:3]) + (f" and {len(rels) - 3} more" if len(rels) > 3 else "")
    statuses = " or ".join(f'"{s}"' for s in schema.released_statuses())
    return (
        f'to release {shown}: review it, then set its "status" to {statuses} and run `newsspan validate`; '
        "until then `newsspan build` and `newsspan export` leave drafts out (unless --include-drafts)"
    )


# add -----------------------------------------------------------------------------------------


def _inputs(paths: list[str], plan: Plan) -> list[Path]:
    files = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.suffix == ".txt" and x.is_file())
            if not found:
                plan.errors.append(f"{p}: the folder holds no .txt files")
            files += found
        elif p.is_file():
            files.append(p)
        else:
            plan.errors.append(f"{p}: no such file or folder")
    return files


def plan_add(
    root: store.Root,
    paths: list[str],
    *,
    doc_id: str | None = None,
    language: str | None = None,
    split: str | None = None,
    force: bool = False,
) -> Plan:
    plan = Plan()
    files = _inputs(paths, plan)
    if doc_id is not None and len(files) > 1:
        plan.errors.append(f"--id names one document, but {len(files)} files were given")
        return plan
    index = corpus_index(root)
    batch: dict[str, str] = {}  # sha -> id, within this command
    ids: dict[str, Path] = {}
    texts, annos = [], []
    written: list[tuple[str, Annotation]] = []  # (file, annotation) of the layers written, for their status
    for f in files:
        did = doc_id if doc_id is not None else safe_id(f.stem)
        if not store.is_valid_id(did):
            plan.errors.append(
                f"{f}: --id {invalid_id(did)}"
                if doc_id is not None
                else f"{f}: no valid document id can be made from its name; pass --id (ids are {DOCUMENT_ID_RULE})"
            )
            continue
        if did in ids:
            plan.errors.append(f"{f}: the id {did!r} is also that of {ids[did]}; pass --id or rename one file")
            continue
        ids[did] = f
        try:
            doc = ingest(f.read_bytes(), did, language=language, split=split)
        except (IngestError, OSError) as e:
            plan.errors.append(f"{f}: {e}")
            continue
        sha = sha256(doc.text)
        same = index.get(sha)
        if same is not None and not (force and same == did):
            plan.errors.append(
                f"{f}: the article is already in the corpus as {same!r} (same canonical text); it is not added again"
            )
            continue
        if sha in batch:
            plan.errors.append(f"{f}: same canonical text as {batch[sha]!r} in this command; it is added once")
            continue
        batch[sha] = did
        existing = [p for p in (root.text_path(did), root.meta_path(did)) if p.exists()]
        if existing and not force:
            plan.errors.append(
                f"{f}: {root.rel(existing[0])} already exists; pass --force to replace it "
                "(annotations beyond a draft are kept)"
            )
            continue
        plan.notes += [f"{f}: {n}" for n in doc.notes]
        texts += [(root.text_path(did), doc.text.encode("utf-8")), (root.meta_path(did), dump_json(doc.meta))]
        ann_path = root.annotation_path(did)
        keep = None
        if ann_path.exists():
            try:
                keep = load_annotation(root, ann_path)
            except ValueError as e:
                plan.errors.append(f"{root.rel(ann_path)}: {e}")
                continue
            if keep.status == "draft":
                keep = None
        if keep is None:
            annos.append((ann_path, doc.annotation.dumps()))
            written.append((root.rel(ann_path), doc.annotation))
        elif keep.text_sha256 != sha:
            plan.notes.append(
                f"{root.rel(ann_path)} (status {keep.status}) is kept; the text changed, so run "
                f"`newsspan reanchor {did}`"
            )
        plan.summary.append(
            f"added {did}: {len(doc.text)} characters, {len(doc.annotation.sections)} draft sections "
            f"-> {root.rel(root.text_path(did))}"
        )
    if not files and not plan.errors:
        plan.errors.append("no input files")
    if plan.ok and plan.check_writes(root, texts + annos):
        plan.writes = texts + annos
        _report_status(plan, written)
    return plan


def _report_status(plan: Plan, written: list[tuple[str, Annotation]]) -> None:
    plan.summary += [layer_status(rel, ann) for rel, ann in written]
    drafts = [
        rel
        for rel, ann in written
        if ann.status not in schema.released_statuses() and not rel.startswith(f"annotations/{store.ANNOTATORS}/")
    ]
    if drafts:
        plan.summary.append(release_hint(drafts))


# import --------------------------------------------------------------------------------------


@dataclass
class _Entry:
    tool: ToolDoc
    cmap: CanonicalMap
    name: str | None  # safe annotator name


@dataclass
class _Doc:
    doc_id: str
    text: str
    sha: str
    new: Ingested | None  # for a text not yet in the corpus
    entries: list[_Entry] = field(default_factory=list)


def plan_import(
    root: store.Root,
    fmt: str,
    paths,
    *,
    label_map: list[str] | None = None,
    annotator: str | None = None,
    offsets: str | None = None,
    language: str | None = None,
    status: str | None = None,
    force: bool = False,
    doc_id: str | None = None,
    nested: str = "error",
    align: str = "strict",
    reader_options: dict | None = None,
    progress: bool = False,
) -> Plan:
    """A plan importing one or more exports (files or folders) of a tool: every problem first, then the writes.

    reader_options go to the format's reader (entity layer and feature, NER key); nested and align are the
    policies of :mod:`newsspan.mentions`, applied to the entity mentions after the label map.
    progress=True counts the documents on stderr.
    """
    plan = Plan()
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    where = paths[0] if len(paths) == 1 else f"the {len(paths)} exports"
    if annotator is not None and not store.is_valid_id(annotator):
        plan.errors.append(f"--annotator {invalid_id(annotator, 'annotator name')}")
        return plan
    if doc_id is not None and not store.is_valid_id(doc_id):
        plan.errors.append(f"--id {invalid_id(doc_id)}")
        return plan
    try:
        user_map = labelmap.parse(label_map)
    except labelmap.LabelMapError as err:
        plan.errors.append(str(err))
        return plan
    parsed = Parsed()
    for path in paths:
        one = _read_export(fmt, path, offsets, reader_options or {}, plan)
        if one is not None:
            parsed.extend(one)
    if plan.errors:
        return plan
    plan.warnings += [str(w) for w in parsed.warnings]
    plan.errors += [str(e) for e in parsed.errors]
    plan.notes += parsed.notes
    counts = Counter(s.label for d in parsed.docs for s in d.spans)
    if reader_options and parsed.docs and not counts and not parsed.errors:
        held = ", ".join(f"{k} ({v})" for k, v in sorted(parsed.ignored.items())) or "nothing else"
        plan.errors.append(
            f"{where}: no entity mention found ({wanted(fmt, reader_options)}); the export holds: {held}"
        )
    lmap, missing = labelmap.resolve(counts, user_map)
    if missing:
        plan.errors.append(f"{where}: {missing}")
    if plan.errors:
        return plan
    if not parsed.docs:
        plan.errors.append(f"{where}: nothing to import (no annotated documents)")
        return plan
    targeted = tuple(layer for layer in LAYERS if any(t.layer == layer for t in lmap.values()))
    docs = _group(root, parsed.docs, plan, annotator, language, doc_id)
    if plan.errors:
        return plan
    tally = _Tally(policy=(nested, align))
    tally.by_map.update({label: n for label, n in counts.items() if lmap[label].layer == labelmap.IGNORE})
    texts, annos = [], []
    written: list[tuple[str, Annotation]] = []
    origins: dict[str, dict[str, str]] = {}  # file written -> JSON pointer -> the export item it came from
    for d in tqdm(docs, desc="importing", unit="doc", leave=False, disable=not progress):
        if d.new is not None:
            texts += [
                (root.text_path(d.doc_id), d.text.encode("utf-8")),
                (root.meta_path(d.doc_id), dump_json(d.new.meta)),
            ]
            for path in (root.text_path(d.doc_id), root.meta_path(d.doc_id), root.annotation_path(d.doc_id)):
                origins[root.rel(path)] = {"": d.entries[0].tool.where}
        released_path = root.annotation_path(d.doc_id)
        try:
            released = (
                d.new.annotation
                if d.new is not None
                else (load_annotation(root, released_path) if released_path.exists() else None)
            )
        except ValueError as err:
            plan.errors.append(f"{root.rel(released_path)}: {err}")
            continue
        single = len(d.entries) == 1 and annotator is None
        writes_released = False
        for e in d.entries:
            who = annotator or e.name
            target = released_path if single else root.annotation_path(d.doc_id, who)
            writes_released |= target == released_path
            try:
                if target == released_path and d.new is None:
                    base = released  # read above
                else:
                    base = load_annotation(root, target) if target.exists() else None
            except ValueError as err:
                plan.errors.append(f"{root.rel(target)}: {err}")
                continue
            built = _build(d, e, who, base, released, targeted, lmap, status, force, root.rel(target), plan, tally)
            if built is None:
                continue
            ann, origins[root.rel(target)] = built
            if "entities" in targeted:
                tally.labels.update(x.label for x in ann.entities)
            annos.append((target, ann.dumps()))
            written.append((root.rel(target), ann))
            n = {layer: len(ann.layer(layer)) for layer in targeted}
            plan.summary.append(
                f"{root.rel(target)}: "
                + ", ".join(f"{v} {k}" for k, v in n.items())
                + (" (new document)" if d.new is not None else "")
            )
        if d.new is not None and not writes_released:
            annos.append((released_path, d.new.annotation.dumps()))
            written.append((root.rel(released_path), d.new.annotation))
    tally.report(plan, docs, parsed)
    if plan.ok and plan.check_writes(root, texts + annos, origins=origins):
        plan.writes = texts + annos
        _report_status(plan, written)
    return plan


def _read_export(fmt: str, path: str, offsets, options: dict, plan: Plan) -> Parsed | None:
    p = Path(path)
    if not p.exists():
        plan.errors.append(f"{path}: no such file or folder")
        return None
    try:
        return importers()[fmt](p, offsets, **options)
    except FormatError as e:
        plan.errors.append(f"{e}")
    except OSError as e:
        plan.errors.append(f"{path}: cannot read: {e.strerror or e}")
    except (AttributeError, TypeError, KeyError, ValueError, IndexError) as e:
        # an export whose structure differs from the tool's format in a way no reader check foresaw
        plan.errors.append(f"{path}: not a {fmt} export of the expected shape ({type(e).__name__}: {e})")
    return None


@dataclass
class _Tally:
    """What an import did, for its summary: mentions per label, what was left out and why."""

    policy: tuple[str, str]
    labels: Counter = field(default_factory=Counter)
    by_map: Counter = field(default_factory=Counter)
    nested_pairs: list[str] = field(default_factory=list)
    dropped: int = 0
    moved: int = 0

    def report(self, plan: Plan, docs, parsed: Parsed) -> None:
        nested, align = self.policy
        if self.nested_pairs:
            plan.errors.append(
                f"{len(self.nested_pairs)} nested mention pair(s) (newsspan's entity layer is flat):\n    "
                + "\n    ".join(self.nested_pairs)
                + "\n    fix: pass --nested outer (keep the outermost mention of each nest) or --nested inner "
                "(keep the innermost), or map one of the labels to ignore with --label-map"
            )
        new = sum(1 for d in docs if d.new is not None)
        per_label = ", ".join(f"{k} {v}" for k, v in sorted(self.labels.items())) or "none"
        plan.summary.append(
            f"imported {len(docs)} document(s) ({new} new, {len(docs) - new} already in the corpus); "
            f"{sum(self.labels.values())} entity mention(s): {per_label}"
        )
        left = ["label map: " + ", ".join(f"{k!r} {v}" for k, v in sorted(self.by_map.items()))] if self.by_map else []
        if self.dropped:
            left.append(
                f"--nested {nested}: {self.dropped} mention(s) {'inside' if nested == 'outer' else 'around'} others"
            )
        if parsed.ignored:
            left.append("not read: " + ", ".join(f"{k} {v}" for k, v in sorted(parsed.ignored.items())))
        if left:
            plan.summary.append("ignored: " + "; ".join(left))
        if self.moved:
            plan.summary.append(
                f"--align {align}: {self.moved} mention(s) moved onto token boundaries (each listed as a warning)"
            )


def _loose(text: str) -> str:
    """The text with every whitespace character a space and none at the end: offsets unchanged."""
    return "".join(" " if ch.isspace() else ch for ch in text).rstrip()


def corpus_loose_index(root: store.Root) -> dict[str, tuple[str, str]]:
    """sha256 of each corpus text with its whitespace made plain (see _loose) -> (document id, text sha256)."""
    out: dict[str, tuple[str, str]] = {}
    for stem in root.text_stems():
        if store.is_valid_id(stem):
            try:
                text = decode(root.read_bytes(root.corpus / (stem + store.TEXT_SUFFIX)))
            except (OSError, DecodeError):
                continue
            out.setdefault(sha256(_loose(text)), (stem, sha256(text)))
    return out


def _export_meta(meta: dict, found: dict, where: str, plan: Plan) -> set[str]:
    """What the export says of a new document (title, url, date) over what its text says, field by field
    where the document schema takes it; the fields kept."""
    from .schema import validator

    check = validator("document")
    kept = set()
    for key, value in found.items():
        trial = {**meta, key: value}
        if check.is_valid(trial):
            meta[key] = value
            kept.add(key)
        else:
            plan.warnings.append(
                f"{where}: the export's {key} {value!r} is not kept: the document schema does not take it"
            )
    order = list(check.schema["properties"])  # the fields in the schema's order, as `newsspan add` writes them
    ordered = sorted(meta.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    meta.clear()
    meta.update(ordered)
    return kept


def _group(root, tool_docs, plan: Plan, annotator, language, doc_id=None) -> list[_Doc]:
    """Tool documents grouped by canonical text: an existing corpus document, or a new one."""
    index = corpus_index(root)
    loose = None
    by_sha: dict[str, _Doc] = {}
    new_ids: set[str] = set()
    for td in tool_docs:
        try:
            cmap = canonical_map(td.text)
        except ValueError as err:
            plan.errors.append(f"{td.where}: {err}")
            continue
        sha = sha256(cmap.text)
        d = by_sha.get(sha)
        if d is None and sha not in index:
            loose = corpus_loose_index(root) if loose is None else loose
            same = loose.get(sha256(_loose(cmap.text)))
            if same is not None:
                # the export kept the text but not its whitespace (TSV and CoNLL-U rebuild it): the same
                # characters at the same offsets, so its offsets hold in the corpus text
                sha = same[1]
                d = by_sha.get(sha)
                if d is None:
                    plan.notes.append(
                        f"{td.where}: matched corpus document {same[0]!r}: the same text but for whitespace "
                        "(which the export does not keep)"
                    )
                    d = by_sha[sha] = _Doc(same[0], decode(root.read_bytes(root.text_path(same[0]))), sha, None)
        if d is None:
            if sha in index:
                d = _Doc(index[sha], cmap.text, sha, None)
            else:
                if doc_id is not None and new_ids:
                    plan.errors.append(
                        f"{td.where}: --id names one new document, but the export holds several new texts; "
                        "leave --id out (ids then come from the file names)"
                    )
                    continue
                did = doc_id or safe_id(td.name)
                if not store.is_valid_id(did) or did in new_ids:
                    did = safe_id(f"{td.name}-{len(new_ids) + 1}")
                if root.text_path(did).exists() or root.meta_path(did).exists():
                    plan.errors.append(
                        f"{td.where}: the text is new, but the id {did!r} is taken by another corpus document; "
                        "rename the document in the export (or add the text first with `newsspan add --id`)"
                    )
                    continue
                said = td.meta.get("language")
                try:
                    new = ingest(
                        td.text.encode("utf-8"),
                        did,
                        language=language or (said if said and BCP47.fullmatch(said) else None),
                    )
                except IngestError as err:
                    plan.errors.append(f"{td.where}: {err}")
                    continue
                new_ids.add(did)
                kept = _export_meta(new.meta, {k: v for k, v in td.meta.items() if k != "language"}, td.where, plan)
                plan.notes += [
                    f"{did}: {n}" for n in new.notes if not ("title" in kept and n.startswith("no scrape header"))
                ]
                d = _Doc(did, cmap.text, sha, new)
            by_sha[sha] = d
        raw = td.annotator
        name = safe_id(raw) if raw else None
        if raw and not store.is_valid_id(name or ""):
            name = None
        d.entries.append(_Entry(td, cmap, name))
    out = []
    for d in by_sha.values():
        if annotator is not None and len(d.entries) > 1:
            plan.errors.append(
                f"{d.doc_id}: {len(d.entries)} annotations of one text; --annotator names a single annotator "
                "(leave it out: each annotator then gets annotations/annotators/<name>/)"
            )
            continue
        if len(d.entries) > 1:
            seen: Counter[str] = Counter()
            for k, e in enumerate(d.entries, 1):
                if e.name is None:
                    e.name = f"annotator-{k}"
                    plan.warnings.append(f"{e.tool.where}: the annotator is not named in the export; called {e.name!r}")
                seen[e.name] += 1
            dup = [n for n, c in seen.items() if c > 1]
            if dup:
                plan.errors.append(
                    f"{d.doc_id}: annotator {dup[0]!r} annotated this text more than once in the export "
                    f"({', '.join(e.tool.where for e in d.entries if e.name == dup[0])}); keep one"
                )
                continue
        out.append(d)
    return out


_OFFSETS_FIX = "fix the span's offsets in the tool, or name the unit it counts in (--offsets)"


@dataclass(frozen=True)
class _Placed:
    """A tool span after the label map, on the canonical text (whitespace at its edges trimmed)."""

    tool: ToolSpan
    label: str  # newsspan's label in its layer
    start: int
    end: int


def _mapped(d: _Doc, e: _Entry, lmap, plan: Plan) -> dict[str, list[_Placed]]:
    """The tool's spans on the canonical text, per layer (whitespace at the edges trimmed, with a warning)."""
    text = d.text
    layers = defaultdict(list)
    for s in e.tool.spans:
        t = lmap[s.label]
        if t.layer == labelmap.IGNORE:
            continue
        try:
            a, b = e.cmap(s.start), e.cmap(s.end)
        except Unmappable as err:
            plan.errors.append(f"{s.where}: {err}\n    fix: {_OFFSETS_FIX}")
            continue
        a2, b2 = a, b
        while a2 < b2 and text[a2].isspace():
            a2 += 1
        while b2 > a2 and text[b2 - 1].isspace():
            b2 -= 1
        if a2 >= b2:
            plan.errors.append(
                f"{s.where}: the span holds only whitespace\n    fix: remove it in the tool, or move it onto the words it means"
            )
            continue
        if (a2, b2) != (a, b):
            plan.warnings.append(
                f"{s.where}: whitespace at the span's edges trimmed: [{a}, {b}) -> [{a2}, {b2}) {text[a2:b2]!r}"
            )
        layers[t.layer].append(_Placed(s, t.label, a2, b2))
    return layers


def _flat(text: str, items: list[_Placed], tally: _Tally, plan: Plan) -> list[_Placed]:
    """The entity mentions under the --nested and --align policies (newsspan.mentions); the rest reported."""
    nested, align = tally.policy
    res = mentions.nesting([(x.start, x.end, x.label) for x in items], nested)

    def desc(x: _Placed) -> str:
        return f"{x.tool.where}: {x.label} {text[x.start : x.end]!r} [{x.start}, {x.end})"

    if nested == "error":
        tally.nested_pairs += [f"{desc(items[i])} contains {desc(items[j])}" for i, j in res.nested]
    else:
        tally.dropped += sum(1 for k, kept in enumerate(res.keep) if not kept and k not in res.duplicates)
    for j in res.duplicates:
        plan.warnings.append(f"{desc(items[j])}: the same mention twice; imported once")
    for i, j in res.stacked:
        plan.errors.append(
            f"{desc(items[j])}: the same text is also {items[i].label} ({items[i].tool.where}); "
            "a mention has one label\n    fix: remove one of them in the tool, or map one label to ignore "
            "(--label-map LABEL=ignore)"
        )
    for i, j in res.crossing:
        plan.errors.append(
            f"{desc(items[i])} and {desc(items[j])} overlap without nesting; no --nested policy "
            "chooses between them\n    fix: shorten or remove one of them in the tool, or map one label to "
            "ignore (--label-map LABEL=ignore)"
        )
    # what was reported above is left out, so the validator does not report the same overlap again
    reported = {j for _, j in res.stacked + res.crossing} | ({j for _, j in res.nested} if nested == "error" else set())
    kept = [x for k, x in enumerate(items) if res.keep[k] and k not in reported]
    out = []
    for x, got in zip(kept, mentions.align_spans(text, [(x.start, x.end) for x in kept], align), strict=True):
        if isinstance(got, str):
            plan.errors.append(
                f"{desc(x)}: {got}\n    fix: pass --align expand (the whole tokens) or --align contract "
                "(the tokens inside), or move the mention's edges onto whole words in the tool"
            )
            continue
        if got != (x.start, x.end):
            tally.moved += 1
            plan.warnings.append(
                f"{desc(x)}: moved onto token boundaries (--align {align}): [{got[0]}, {got[1]}) "
                f"{text[got[0] : got[1]]!r}"
            )
            x = replace(x, start=got[0], end=got[1])
        out.append(x)
    return out


def _numbered(pairs: Sequence[tuple[_Placed, AnySpan]]) -> tuple[tuple, list[_Placed]]:
    """The spans of (tool span, span) pairs in document order with fresh ids, and the tool spans in the same order."""
    ordered = sorted(pairs, key=lambda p: (p[1].start, p[1].end))  # as renumber() orders them: span i is pair i
    return renumber(s for _, s in ordered), [x for x, _ in ordered]


def _claims(
    d: _Doc, e: _Entry, placed: list[_Placed], key_to_id: dict, rel: str, plan: Plan
) -> list[tuple[_Placed, Claim]]:
    """Claims of the tool's claim spans, their attribution as the tool holds it (newsspan's brat export)."""
    text, out, bare = d.text, [], 0
    for x in placed:
        attr = x.tool.attribution
        bare += not attr
        source = attr.get("source_ref")
        if source is not None and source not in key_to_id:
            plan.errors.append(
                f"{x.tool.where}: its source {source} is not an imported entity mention"
                "\n    fix: map the source's label to an entity label (--label-map), or remove "
                "the Source relation in the tool"
            )
            continue
        try:
            source_span, cue = (_sub(e.cmap, text, attr[k]) if attr.get(k) else None for k in ("source_span", "cue"))
        except Unmappable as err:
            plan.errors.append(f"{x.tool.where}: {err}\n    fix: {_OFFSETS_FIX}")
            continue
        attribution = Attribution(attr.get("type", "unattributed"), key_to_id.get(source), source_span, cue)
        out.append((x, Claim("", x.start, x.end, text[x.start : x.end], attribution, x.tool.checkworthy)))
    if bare:
        plan.warnings.append(
            f"{e.tool.where}: {bare} claim(s) came without attribution or check-worthiness (the tool does "
            f"not hold them): set to unattributed and checkworthy false in {rel}; review them"
        )
    return out


def _sub(cmap, text: str, pair) -> Span:
    a, b = cmap(pair[0]), cmap(pair[1])
    return Span(a, b, text[a:b])


def _build(
    d: _Doc,
    e: _Entry,
    who,
    base: Annotation | None,
    released: Annotation | None,
    targeted,
    lmap,
    status,
    force,
    rel: str,
    plan: Plan,
    tally: _Tally,
) -> tuple[Annotation, dict[str, str]] | None:
    """The annotation file an import writes at rel, and where each of its new spans came from
    ({JSON pointer: export item}, "" for the file); None, with the problems in plan, if it cannot."""
    text = d.text
    layers = _mapped(d, e, lmap, plan)
    layers["entities"] = _flat(text, layers["entities"], tally, plan)
    if base is not None and base.text_sha256 != d.sha:
        plan.errors.append(
            f"{rel}: it was made on another version of the text; run `newsspan reanchor {d.doc_id}` first"
        )
        return None
    if base is not None:
        out, names = {layer: base.layer(layer) for layer in LAYERS}, list(base.annotators)
    elif rel.startswith(f"annotations/{store.ANNOTATORS}/"):
        # a new annotator's file takes only the layout (sections) from the released layer
        out, names = dict.fromkeys(LAYERS, ()), []
        out["sections"] = released.sections if released else ()
    else:
        out = {layer: released.layer(layer) if released else () for layer in LAYERS}
        names = list(released.annotators) if released else []
    old_entities = {x.id: (x.start, x.end) for x in out["entities"]}
    new, came_from = {}, {}
    if "sections" in targeted:
        new["sections"], came_from["sections"] = _numbered(
            [(x, Section("", x.start, x.end, text[x.start : x.end], x.label)) for x in layers["sections"]]
        )
    key_to_id = {}
    if "entities" in targeted:
        new["entities"], came_from["entities"] = _numbered(
            [
                (
                    x,
                    Entity(
                        "", x.start, x.end, text[x.start : x.end], x.label, x.tool.kb_id or None, x.tool.cluster or None
                    ),
                )
                for x in layers["entities"]
            ]
        )
        key_to_id = {
            x.tool.key: ent.id
            for x, ent in zip(came_from["entities"], new["entities"], strict=True)
            if x.tool.key is not None
        }
    if "claims" in targeted:
        new["claims"], came_from["claims"] = _numbered(_claims(d, e, layers["claims"], key_to_id, rel, plan))
    # where each imported span came from (the export file and item), by its pointer in the file written
    origins = {"": e.tool.where}
    for layer, placed in came_from.items():
        origins.update((f"/{layer}/{i}", x.tool.where) for i, x in enumerate(placed))
    if base is not None and not force:
        for layer, items in new.items():
            if base.layer(layer) and _unnumbered(base.layer(layer)) != _unnumbered(items):
                plan.errors.append(
                    f"{rel}: its {layer} layer ({len(base.layer(layer))} items) would be replaced by the "
                    f"import's ({len(items)}); pass --force to replace it"
                )
                return None
    out.update(new)
    if "entities" in new and "claims" not in new:
        out["claims"] = _remap_sources(out, old_entities, rel, plan)
    if who and who not in names:
        names.append(who)
    ann = Annotation(
        d.doc_id,
        d.sha,
        tuple(names),
        GUIDELINES_VERSION,
        status or (base.status if base else None) or "draft",
        out["sections"],
        out["entities"],
        out["claims"],
        notes=(base.notes or None) if base else None,
    )
    return ann, origins


def _unnumbered(spans) -> Counter:
    """The spans of a layer without their ids (a layer the import would leave as it is compares equal)."""
    return Counter(replace(x, id="") for x in spans)


def _remap_sources(out: dict, old_entities: dict, rel: str, plan: Plan) -> tuple:
    """Claims kept while entities are replaced: their attribution.source follows the mention's offsets."""
    by_pos = {(x.start, x.end): x.id for x in out["entities"]}
    claims = []
    for c in out["claims"]:
        src = c.attribution.source
        if src is not None:
            pos = old_entities.get(src)
            if pos in by_pos:
                c = replace(c, attribution=replace(c.attribution, source=by_pos[pos]))
            else:
                plan.errors.append(
                    f"{rel}: claim {c.id} names entity {src} as its source, and the import has no mention "
                    f"at {pos}; add it in the tool, or fix the claim"
                )
        claims.append(c)
    return tuple(claims)
