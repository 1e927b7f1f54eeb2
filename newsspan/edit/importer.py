"""`newsspan import`: the records of a tool's export (``newsspan.formats``) -> annotation layers of the corpus.

Spans move onto the canonical text, never silently shifted; every problem, those `newsspan validate` would find in
the files written included, is told at the export item it comes from, with a fix to make in the tool."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from .. import store
from ..corpus import load_annotation
from ..formats import FormatError, Parsed, ToolDoc, ToolSpan, importers, labelmap, wanted
from ..model import GUIDELINES_VERSION, LAYERS, Annotation, Attribution, Claim, Entity, Section, Span, renumber
from ..report import WARNING, Problem
from ..schema import DOCUMENT_ID_RULE, expression_labels, invalid_id, safe_id, validator
from ..text import CanonicalMap, Unmappable, canonical_map, decode, sha256
from ..tokenize import char_span, tokenize, why_misaligned
from .add import BCP47, INGEST_ANNOTATOR, Ingested, IngestError, corpus_index, ingest, report_status
from .plan import Plan

NESTED_POLICIES = ("error", "outer", "inner")
OFFSETS_FIX = "fix the span's offsets in the tool, or name the unit it counts in (--offsets)"
ALIGN_FIX = "pass --align expand (the whole tokens) or --align contract (the tokens inside), or move the mention's edges onto whole words in the tool"
IGNORE_FIX = "map one of their labels to ignore (--label-map LABEL=ignore)"
SOURCE_FIX = "map the source's label to an entity label (--label-map), or remove the Source relation in the tool"


@dataclass
class _Text:
    """A corpus document the import writes to, and the export's (document, canonical map, annotator) of its text."""

    doc_id: str
    text: str
    sha: str
    new: Ingested | None  # for a text not yet in the corpus
    entries: list[tuple[ToolDoc, CanonicalMap, str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class _Placed:
    """A tool span after the label map, on the canonical text."""

    tool: ToolSpan
    label: str  # newsspan's label in its layer
    start: int
    end: int

    def said(self, text: str) -> str:
        return f"{self.tool.where}: {self.label} {text[self.start : self.end]!r} [{self.start}, {self.end})"


def plan_import(root: store.Root, fmt: str, paths, **options) -> Plan:
    """What `newsspan import` writes from one or more exports (files or folders) of a tool."""
    return Import(root, fmt, **options).run(paths)


@dataclass
class Import:
    """The options of `newsspan import` (reader_options go to the format's reader), and what it found."""

    root: store.Root
    fmt: str
    label_map: list[str] | None = None
    annotator: str | None = None
    offsets: str | None = None
    language: str | None = None
    status: str | None = None
    force: bool = False
    doc_id: str | None = None
    nested: str = "error"
    align: str = "strict"
    fix_shifts: bool = False  # move a span onto its quote when it occurs once nearby, as `validate --fix` does
    annotator_map: list[str] | None = None  # TOOL_NAME=NAME[,...] or JSON files: the names the layers get
    reader_options: dict = field(default_factory=dict)
    progress: bool = False  # count the documents on stderr
    # what the import found
    plan: Plan = field(default_factory=lambda: Plan("export"))
    unmapped: set[str] = field(default_factory=set)  # tool labels without a target: checked, never written
    lmap: dict = field(default_factory=dict)
    targeted: tuple[str, ...] = ()
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    written: list[tuple[str, Annotation]] = field(default_factory=list)
    origins: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> JSON pointer -> export item
    new_ids: set[str] = field(default_factory=set)  # of the texts new to the corpus
    nested_pairs: list[str] = field(default_factory=list)
    dropped: int = 0  # mentions the nested policy left out
    moved: int = 0  # mentions the align policy moved

    def run(self, paths) -> Plan:
        """Every problem of every stage (options, export, labels, spans, files written) is found in one run."""
        plan = self.plan
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        where = str(paths[0]) if len(paths) == 1 else f"the {len(paths)} exports"  # for the whole import's problems
        for flag, value in (("--annotator", self.annotator), ("--id", self.doc_id)):
            if value is not None and not store.is_valid_id(value):
                plan.error("", f"{flag} {invalid_id(value, 'document id' if flag == '--id' else 'annotator name')}")
        usable = plan.ok  # (the paths the documents would get can be made)
        try:
            user_map: dict | None = labelmap.parse(self.label_map)
        except labelmap.LabelMapError as err:
            plan.error("", str(err))
            user_map = None
        renames = self.annotator_names()
        parsed = Parsed()
        for path in paths:
            parsed.extend(self.read(path) or Parsed())
        for error, move in parsed.shifts if self.fix_shifts else ():
            parsed.errors.remove(error)
            plan.summary.append(f"{error.where}: moved {move} (--fix-shifts)")
        plan.add([replace(p, severity=WARNING) for p in parsed.warnings] + parsed.errors)
        for note in parsed.notes:
            plan.note("", note)
        counts = Counter(s.label for d in parsed.docs for s in d.spans)
        if self.reader_options and parsed.docs and not counts and plan.ok:
            held = ", ".join(f"{k} ({v})" for k, v in sorted(parsed.ignored.items())) or "nothing else"
            why = f"no entity mention found ({wanted(self.fmt, self.reader_options)}); the export holds: {held}"
            plan.error(where, why)
        self.lmap, missing = labelmap.resolve(counts, user_map or {})
        if missing and user_map is not None:
            plan.error(where, missing)
        if plan.ok and not parsed.docs:
            plan.error(where, "nothing to import (no annotated documents)")
        self.targeted = tuple(layer for layer in LAYERS if any(t.layer == layer for t in self.lmap.values()))
        # a label without a target is checked as an entity mention (nesting, alignment): one run finds it all
        self.unmapped = {label for label in counts if label not in self.lmap}
        self.lmap |= {label: labelmap.Target("entities", label) for label in self.unmapped}
        texts = self.group(parsed.docs, renames) if usable else []
        for d in tqdm(texts, desc="importing", unit="doc", leave=False, disable=not self.progress):
            self.document(d)
        self.report(texts, parsed, {k: n for k, n in counts.items() if self.lmap[k].layer == labelmap.IGNORE})
        if plan.check_writes(self.root, self.writes, lambda p: _told(p, self.origins.get(p.path))) and plan.ok:
            plan.writes = self.writes
            report_status(plan, self.written)
        return plan

    def annotator_names(self) -> dict[str, str]:
        """--annotator-map: the tool's annotator name -> the name to write."""
        out: dict[str, str] = {}
        for value in self.annotator_map or []:
            try:
                if Path(value).is_file():
                    pairs = json.loads(Path(value).read_bytes()).items()
                else:
                    pairs = [x.split("=", 1) for x in value.split(",") if x.strip()]
            except (OSError, ValueError, AttributeError):
                self.plan.error("", f'--annotator-map {value}: expected a JSON file {{"TOOL_NAME": "NAME"}}')
                continue
            for pair in pairs:
                tool, name = (str(x).strip() for x in pair) if len(pair) == 2 else ("", "")
                key = _annotator(tool)
                if key and store.is_valid_id(name):
                    out[key] = name
                else:
                    why = f"--annotator-map {'='.join(map(str, pair))!r}: expected TOOL_NAME=NAME, each NAME {DOCUMENT_ID_RULE}"
                    self.plan.error("", why)
        return out

    def read(self, path) -> Parsed | None:
        try:
            if not Path(path).exists():
                raise FormatError(f"{path}: no such file or folder")
            return importers()[self.fmt](Path(path), self.offsets, **self.reader_options)
        except FormatError as e:
            self.plan.error("", str(e))
        except OSError as e:
            self.plan.error(path, f"cannot read: {e.strerror or e}")
        except (AttributeError, TypeError, KeyError, ValueError, IndexError) as e:
            # an export whose structure differs from the tool's format in a way no reader check foresaw
            self.plan.error(path, f"not a {self.fmt} export of the expected shape ({type(e).__name__}: {e})")
        return None

    def group(self, tool_docs: list[ToolDoc], renames: dict[str, str]) -> list[_Text]:
        """The tool's documents grouped by canonical text: each a corpus document, or a new one."""
        plan, root = self.plan, self.root
        index, loose = corpus_index(root), None
        by_sha: dict[str, _Text] = {}
        matched: dict[str, tuple[str, str]] = {}  # a corpus id matched but for whitespace -> (its text, sha)
        for td in tool_docs:
            try:
                cmap = canonical_map(td.text)
            except ValueError as err:
                plan.error(td.where, str(err))
                continue
            sha = sha256(cmap.text)
            if sha not in by_sha and sha not in index:
                loose = corpus_index(root, _loose) if loose is None else loose
                # the export kept the text but not its whitespace (TSV and CoNLL-U rebuild it): the same
                # characters at the same offsets, so its offsets hold in the corpus text
                if (same := loose.get(_loose(cmap.text))) is not None:
                    if same not in matched:  # one export file per annotator: the corpus text read once
                        corpus_text = decode(root.read_bytes(root.text_path(same)))
                        matched[same] = (corpus_text, sha256(corpus_text))
                    text, sha = matched[same]
                if same is not None and sha not in by_sha:
                    why = "the same text but for whitespace (which the export does not keep)"
                    plan.note(td.where, f"matched corpus document {same!r}: {why}")
                    by_sha[sha] = _Text(same, text, sha, None)
            if sha not in by_sha and sha in index:
                by_sha[sha] = _Text(index[sha], cmap.text, sha, None)
            elif sha not in by_sha:
                new = self.new_document(td, cmap.text)
                if new is None:
                    continue
                by_sha[sha] = _Text(new.doc_id, cmap.text, sha, new)
            by_sha[sha].entries.append((td, cmap, _annotator(td.annotator)))
        seen: set[str] = set()  # the annotators' names as the export gives them
        for d in by_sha.values():
            if self.annotator is not None and len(d.entries) > 1:
                why = f"{len(d.entries)} annotations of one text; --annotator names a single annotator (leave it out: each annotator then gets annotations/annotators/<name>/)"
                plan.error(d.doc_id, why)
            if len(d.entries) > 1:
                for k, (td, cmap, name) in enumerate(d.entries):
                    if name is None:
                        d.entries[k] = (td, cmap, f"annotator-{k + 1}")
                        plan.warn(td.where, f"the annotator is not named in the export; called 'annotator-{k + 1}'")
            seen |= {name for _, _, name in d.entries if name}
            d.entries = [(td, cmap, renames.get(name, name) if name else None) for td, cmap, name in d.entries]
            dup = [n for n, c in Counter(e[2] for e in d.entries).items() if c > 1 and n]
            if dup:
                again = ", ".join(td.where for td, _, name in d.entries if name == dup[0])
                why = f"annotator {dup[0]!r} annotated this text more than once in the export ({again}); keep one"
                plan.error(d.doc_id, why)
        for name in sorted(set(renames) - seen):
            named = ", ".join(sorted(seen)) or "none named"
            plan.warn("", f"--annotator-map: the export names no annotator {name!r} (its annotators: {named})")
        return list(by_sha.values())

    def new_document(self, td: ToolDoc, text: str) -> Ingested | None:
        """A text new to the corpus, as `newsspan add` makes it, with what the export says of it."""
        if self.doc_id is not None and self.new_ids:
            why = "--id names one new document, but the export holds several new texts; leave --id out (ids then come from the names the export gives its documents)"
            self.plan.error(td.where, why)
            return None
        did = self.doc_id or safe_id(td.name)
        if not store.is_valid_id(did) or did in self.new_ids:
            did = safe_id(f"{td.name}-{len(self.new_ids) + 1}")
        if self.root.text_path(did).exists() or self.root.meta_path(did).exists():
            why = f"the text is new, but the id {did!r} is taken by another corpus document; rename the document in the export (or add the text first with `newsspan add --id`)"
            self.plan.error(td.where, why)
            return None
        said = td.meta.get("language")
        try:
            new = ingest(text.encode(), did, language=self.language or (said if BCP47.fullmatch(said or "") else None))
        except IngestError as err:
            self.plan.error(td.where, str(err))
            return None
        self.new_ids.add(did)
        check, kept = validator("document"), set()
        for key, value in td.meta.items():  # what the export says (title, url, date), where the schema takes it
            if key != "language" and check.is_valid({**new.meta, key: value}):
                new.meta[key] = value
                kept.add(key)
            elif key != "language":
                why = f"the export's {key} {value!r} is not kept: the document schema does not take it"
                self.plan.warn(td.where, why)
        order = list(check.schema["properties"])  # the fields in the schema's order, as `newsspan add` writes them
        new.meta = dict(sorted(new.meta.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
        for n in new.notes:
            if not ("title" in kept and n.startswith("no scrape header")):
                self.plan.note(did, n)
        return new

    def document(self, d: _Text) -> None:
        """The files the import writes for one document."""
        root, plan = self.root, self.plan
        did, released_path = d.doc_id, root.annotation_path(d.doc_id)
        if d.new is not None:
            self.writes += d.new.files(root)
            for path in (root.text_path(did), root.meta_path(did), released_path):
                self.origins[root.rel(path)] = {"": d.entries[0][0].where}
        try:
            released = d.new.annotation if d.new else _load(root, released_path)
        except ValueError as err:
            plan.error(root.rel(released_path), str(err))
            return
        single = len(d.entries) == 1 and self.annotator is None
        for td, cmap, name in d.entries:
            who = self.annotator or name
            target = released_path if single else root.annotation_path(did, who)
            rel = root.rel(target)
            try:
                base = (None if d.new else released) if target == released_path else _load(root, target)
            except ValueError as err:
                plan.error(rel, str(err))
                continue
            built = self.build(d, (td, cmap, who), base, released, rel)
            if built is not None:
                ann, self.origins[rel] = built
                self.writes.append((target, ann.dumps()))
                self.written.append((rel, ann))
                sizes = ", ".join(f"{len(ann.layer(layer))} {layer}" for layer in self.targeted)
                plan.summary.append(f"{rel}: {sizes}" + (" (new document)" if d.new else ""))
        if d.new is not None and not single:
            self.writes.append((released_path, d.new.annotation.dumps()))
            self.written.append((root.rel(released_path), d.new.annotation))

    def build(self, d: _Text, entry: tuple, base: Annotation | None, released: Annotation | None, rel: str):
        """The annotation the import writes at rel from one entry, and {JSON pointer: export item} of its new spans
        ("": the file); None if it cannot."""
        (td, cmap, who), text, plan = entry, d.text, self.plan
        layers = self.mapped(text, td, cmap)
        layers["entities"] = [x for x in self.flat(text, layers["entities"]) if x.tool.label not in self.unmapped]
        self.ignored_names(text, td, layers[labelmap.IGNORE], layers["entities"])
        if base is not None and base.text_sha256 != d.sha:
            why = f"it was made on another version of the text; run `newsspan reanchor {d.doc_id}` first"
            plan.error(rel, why)
            return None
        keep = base or released
        if base is None and rel.startswith(f"annotations/{store.ANNOTATORS}/"):
            # a new annotator's file takes only the layout (sections) from the released layer
            layout = {k: v for k, v in ((released.provenance if released else None) or {}).items() if k == "sections"}
            sections = released.sections if released else ()
            keep = Annotation(d.doc_id, d.sha, (), GUIDELINES_VERSION, "draft", sections, provenance=layout or None)
        out = {layer: keep.layer(layer) if keep else () for layer in LAYERS}
        make = {
            "sections": lambda x: Section("", x.start, x.end, text[x.start : x.end], x.label),
            "entities": lambda x: Entity(
                "", x.start, x.end, text[x.start : x.end], x.label, x.tool.kb_id or None, x.tool.cluster or None
            ),
        }
        new: dict[str, tuple] = {}
        came_from: dict[str, list[_Placed]] = {}
        for layer in self.targeted:
            if layer == "claims":
                mentions = zip(came_from.get("entities", []), new.get("entities", ()), strict=True)
                key_to_id = {x.tool.key: e.id for x, e in mentions if x.tool.key is not None}
                pairs = self.claims(text, td, cmap, layers["claims"], key_to_id, rel)
            else:
                pairs = [(x, make[layer](x)) for x in layers[layer]]
            pairs.sort(key=lambda p: (p[1].start, p[1].end))  # as renumber() orders them: span i is pair i
            new[layer], came_from[layer] = renumber(s for _, s in pairs), [x for x, _ in pairs]
        origins = {"": td.where} | {
            f"/{k}/{i}": x.tool.where for k, placed in came_from.items() for i, x in enumerate(placed)
        }
        for layer, items in new.items():
            if base and not self.force and base.layer(layer) and _unnumbered(base.layer(layer)) != _unnumbered(items):
                why = f"its {layer} layer ({len(base.layer(layer))} items) would be replaced by the import's ({len(items)}); pass --force to replace it"
                plan.error(rel, why)
                return None
        if "entities" in new and "claims" not in new:  # claims kept: each source follows its mention's offsets
            old = {x.id: (x.start, x.end) for x in out["entities"]}
            now = {(x.start, x.end): x.id for x in new["entities"]}
            claims = []
            for c in out["claims"]:
                src = c.attribution.source
                if src is not None and old.get(src) in now:
                    c = replace(c, attribution=replace(c.attribution, source=now[old[src]]))
                elif src is not None:
                    why = f"claim {c.id} names entity {src} as its source, and the import has no mention at {old.get(src)}; add it in the tool, or fix the claim"
                    plan.error(rel, why)
                claims.append(c)
            out["claims"] = tuple(claims)
        out.update(new)
        # the layer's people are the tool's annotators: newsspan-ingest drew the layout, as its provenance says
        names = [n for n in (keep.annotators if keep else ()) if n != INGEST_ANNOTATOR]
        names += [who] if who and who not in names else []
        status, notes = self.status or (base.status if base else None) or "draft", base.notes if base else None
        spans = (out["sections"], out["entities"], out["claims"])
        imported = {layer: {"steps": ["imported"], "note": f"imported from {self.fmt}: {td.where}"} for layer in new}
        prov = {**((keep.provenance if keep else None) or {}), **imported} or None
        ann = Annotation(d.doc_id, d.sha, tuple(names), GUIDELINES_VERSION, status, *spans, notes, provenance=prov)
        return ann, origins

    def mapped(self, text: str, td: ToolDoc, cmap: CanonicalMap) -> dict[str, list[_Placed]]:
        """The tool's spans on the canonical text, per layer (whitespace at the edges trimmed, with a warning)."""
        layers = defaultdict(list)
        for s in td.spans:
            target = self.lmap[s.label]
            try:
                a, b = cmap(s.start), cmap(s.end)
            except Unmappable as err:
                if target.layer != labelmap.IGNORE:
                    self.plan.error(s.where, str(err), OFFSETS_FIX)
                continue
            if target.layer == labelmap.IGNORE:
                layers[labelmap.IGNORE].append(_Placed(s, s.label, a, b))  # only to say what validate will find
                continue
            inner = text[a:b]
            a2, b2 = a + len(inner) - len(inner.lstrip()), b - len(inner) + len(inner.rstrip())
            if a2 >= b2:
                fix = "remove it in the tool, or move it onto the words it means"
                self.plan.error(s.where, "the span holds only whitespace", fix)
                continue
            if (a2, b2) != (a, b):
                why = f"whitespace at the span's edges trimmed: [{a}, {b}) -> [{a2}, {b2}) {text[a2:b2]!r}"
                self.plan.warn(s.where, why)
            layers[target.layer].append(_Placed(s, target.label, a2, b2))
        return layers

    def ignored_names(self, text: str, td: ToolDoc, ignored: list[_Placed], kept: list[_Placed]) -> None:
        """Warn of ignored spans that hold a name imported elsewhere: `validate` warns mention-missed there."""
        names = {text[x.start : x.end]: x for x in kept if x.label not in expression_labels()}
        repeats: dict[str, list[tuple[_Placed, _Placed]]] = defaultdict(list)
        for y in ignored:
            if (x := names.get(text[y.start : y.end])) is not None:
                repeats[y.label].append((y, x))
        for label, pairs in sorted(repeats.items()):
            shown = ", ".join(dict.fromkeys(f"{text[x.start : x.end]!r} as {x.label}" for _, x in pairs[:3]))
            shown += ", ..." if len(pairs) > 3 else ""
            why = f"{len(pairs)} span(s) labelled {label}, which the label map ignores, hold names imported elsewhere in this document ({shown}): `newsspan validate` warns mention-missed at each of them"
            fix = f"map {label} to an entity label (--label-map {label}=LABEL) to keep them, or keep ignoring it"
            self.plan.warn(td.where, why, fix)

    def flat(self, text: str, items: list[_Placed]) -> list[_Placed]:
        """The entity mentions under the nested and align policies; what they leave out is reported."""
        plan, keep = self.plan, [True] * len(items)
        nested: list[tuple[int, int]] = []  # (outer, inner)
        clashes: list[tuple[int, int]] = []  # crossing, or the same text with two labels
        for i, j in _overlaps(items):
            x, y = items[i], items[j]
            if (x.start, x.end) != (y.start, y.end):
                (nested if y.end <= x.end else clashes).append((i, j))
            elif x.label != y.label:
                clashes.append((i, j))
            elif keep[j]:
                keep[j] = False
                plan.warn(y.said(text), "the same mention twice; imported once")
        reported: set[int] = set()
        if self.nested == "error":
            self.nested_pairs += [f"{items[i].said(text)} contains {items[j].said(text)}" for i, j in nested]
            reported = {j for _, j in nested}
        else:  # outer: the inner one goes; inner: the outer one
            gone = {pair[self.nested == "outer"] for pair in nested}
            self.dropped += sum(keep[k] for k in gone)
            keep = [kept and k not in gone for k, kept in enumerate(keep)]
        for i, j in clashes:
            x, y = items[i], items[j]
            if not (keep[i] and keep[j]):
                continue
            if (x.start, x.end) == (y.start, y.end):
                why = f"the same text is also {x.label} ({x.tool.where}); a mention has one label"
                plan.error(y.said(text), why, f"remove one of them in the tool, or {IGNORE_FIX}")
            else:
                why = f"it overlaps {y.said(text)} without nesting; no --nested policy chooses between them"
                plan.error(x.said(text), why, f"shorten or remove one of them in the tool, or {IGNORE_FIX}")
            reported.add(j)
        kept = [x for k, x in enumerate(items) if keep[k] and k not in reported]
        tokens, out = tokenize(text) if kept else [], []
        for x in kept:
            got = char_span(tokens, x.start, x.end, self.align)
            if got is None:
                why = why_misaligned(tokens, x.start, x.end) if self.align == "strict" else "covers no whole token"
                plan.error(x.said(text), f"it {why}" + f" (--align {self.align})" * (self.align != "strict"), ALIGN_FIX)
                continue
            a, b = tokens[got[0]].start, tokens[got[1] - 1].end
            if (a, b) != (x.start, x.end):
                self.moved += 1
                plan.warn(x.said(text), f"moved onto token boundaries (--align {self.align}): [{a}, {b}) {text[a:b]!r}")
            out.append(replace(x, start=a, end=b))
        return out

    def claims(self, text: str, td: ToolDoc, cmap: CanonicalMap, placed: list, key_to_id: dict, rel: str) -> list:
        """Claims of the tool's claim spans, their attribution as the tool holds it."""
        out, bare = [], 0
        for x in placed:
            attr = x.tool.attribution
            bare += not attr
            source = attr.get("source_ref")
            if source is not None and source not in key_to_id:
                self.plan.error(x.tool.where, f"its source {source} is not an imported entity mention", SOURCE_FIX)
                continue
            try:
                source_span, cue = (_sub(cmap, text, attr[k]) if attr.get(k) else None for k in ("source_span", "cue"))
            except Unmappable as err:
                self.plan.error(x.tool.where, str(err), OFFSETS_FIX)
                continue
            attribution = Attribution(attr.get("type", "unattributed"), key_to_id.get(source), source_span, cue)
            out.append((x, Claim("", x.start, x.end, text[x.start : x.end], attribution, x.tool.checkworthy)))
        if bare:
            why = f"{bare} claim(s) came without attribution or check-worthiness (the tool does not hold them): set to unattributed and checkworthy false in {rel}; review them"
            self.plan.warn(td.where, why)
        return out

    def report(self, texts: list[_Text], parsed: Parsed, by_map: dict[str, int]) -> None:
        """The summary: documents, mentions per label, what was left out and why."""
        if self.nested_pairs:
            pairs = "\n    ".join(self.nested_pairs)
            fix = "pass --nested outer (keep the outermost mention of each nest) or --nested inner (keep the innermost), or map one of the labels to ignore with --label-map"
            why = f"{len(self.nested_pairs)} nested mention pair(s) (newsspan's entity layer is flat):\n    {pairs}"
            self.plan.error("", why, fix)
        new = sum(d.new is not None for d in texts)
        written = [ann for _, ann in self.written] if "entities" in self.targeted else []
        labels = Counter(x.label for ann in written for x in ann.entities)
        per_label = ", ".join(f"{k} {v}" for k, v in sorted(labels.items())) or "none"
        mentions = f"{labels.total()} entity mention(s): {per_label}"
        texts_ = f"{len(texts)} document(s) ({new} new, {len(texts) - new} already in the corpus)"
        self.plan.summary.append(f"imported {texts_}; {mentions}")
        left = ["label map: " + ", ".join(f"{k!r} {v}" for k, v in sorted(by_map.items()))] if by_map else []
        if self.dropped:
            where = "inside" if self.nested == "outer" else "around"
            left.append(f"--nested {self.nested}: {self.dropped} mention(s) {where} others")
        if parsed.ignored:
            left.append("not read: " + ", ".join(f"{k} {v}" for k, v in sorted(parsed.ignored.items())))
        if left:
            self.plan.summary.append("ignored: " + "; ".join(left))
        if self.moved:
            moved = f"{self.moved} mention(s) moved onto token boundaries (each listed as a warning)"
            self.plan.summary.append(f"--align {self.align}: {moved}")


def _annotator(raw: str | None) -> str | None:
    """An annotator's name made safe: a bare user number n is annotator-n, an e-mail address its user name."""
    name = f"annotator-{raw.strip()}" if raw and raw.strip().isdigit() else safe_id((raw or "").split("@")[0])
    return name if store.is_valid_id(name) else None


def _load(root: store.Root, path: Path) -> Annotation | None:
    return load_annotation(root, path) if path.exists() else None


def _overlaps(items: list[_Placed]):
    """(i, j) pairs of overlapping spans, i first (by start, the longest first)."""
    order = sorted(range(len(items)), key=lambda k: (items[k].start, -items[k].end, k))
    for a, i in enumerate(order):
        for j in order[a + 1 :]:
            if items[j].start >= items[i].end:
                break
            yield i, j


def _sub(cmap: CanonicalMap, text: str, pair) -> Span:
    a, b = cmap(pair[0]), cmap(pair[1])
    return Span(a, b, text[a:b])


def _unnumbered(spans) -> Counter:
    """The spans of a layer without their ids (a layer the import would leave as it is compares equal)."""
    return Counter(replace(x, id="") for x in spans)


def _loose(text: str | bytes) -> str:
    """sha256 of the text with every whitespace character a space and none at the end (offsets unchanged)."""
    text = decode(text) if isinstance(text, bytes) else text
    return sha256("".join(" " if ch.isspace() else ch for ch in text).rstrip())


# a problem of a file the import would write, told at the export item its span came from ---------------

_SPAN_POINTER = re.compile(r"/(?:sections|entities|claims)/[0-9]+(?![0-9])")


def _told(p: Problem, origins: dict[str, str] | None) -> Problem:
    """The problem at the export item its span came from (origins: JSON pointer -> item, "" the document), the
    spans it names by their items too, with a fix to make in the tool."""
    if origins is None:
        return p
    key = p.pointer
    while key and key not in origins:
        key = key.rsplit("/", 1)[0]
    part = p.pointer[len(key) :] if key else ""  # a part of the span: its /start, its /attribution/cue
    message = _SPAN_POINTER.sub(lambda m: origins.get(m[0], m[0]), p.message)
    at = f"{p.path} {p.pointer}".rstrip()
    fix = f"{_tool_fix(p, key, origins)}\n    (at {at} in what the import would write)"
    where = origins[key] + f" {part}" * bool(part)
    return replace(p, message=f"{p.severity}[{p.check}] {message}", where=where, hint=fix)


def _tool_fix(p: Problem, key: str, origins: dict[str, str]) -> str:
    """How to fix a problem of an imported span in the tool (or with an import option)."""
    layer = key.split("/")[1] if key.count("/") == 2 else None
    if layer is None:  # not a span of the import: the layer, a span the import keeps, or the file
        replaced = p.pointer.count("/") and any(k.startswith(f"/{p.pointer.split('/')[1]}/") for k in origins)
        return f"in the tool: {p.hint}" if p.hint and replaced else p.hint or "fix it, then import again"
    if p.check == "token-boundary":
        words = "move the span's edges onto whole words in the tool (punctuation and possessives are tokens of their own); --align moves entity mentions only"
        return ALIGN_FIX if layer == "entities" else words
    if p.check == "span-outside-section" and any(k.startswith("/sections/") for k in origins):
        return "make one of the tool's section spans cover it, or shorten the span in the tool"
    if p.check == "span-outside-section":
        return f"import the tool's sections with it (--label-map LABEL=sections:<label>), or make a section of annotations/{p.document_id}.json cover it (for a new text: `newsspan add` it first) and import again"
    if p.check in ("entity-overlap", "claim-overlap", "section-overlap"):
        return f"shorten or remove one of the two in the tool, or {IGNORE_FIX}"
    if p.check == "span-whitespace":
        return "move the span's edges off the whitespace in the tool"
    return f"in the tool: {p.hint}" if p.hint else "fix it in the tool and export again"
