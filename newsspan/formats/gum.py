"""GUM (Georgetown University Multilayer corpus) CoNLL-U -> newsspan documents with a GUM-derived layer
(sections, typed names) and, for the human pass, undecided names and claim proposals: docs/gum.md."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from itertools import count
from pathlib import Path
from urllib.parse import unquote

import conllu

from newsspan.model import GUIDELINES_VERSION, Annotation, Entity, Section, renumber
from newsspan.schema import SCHEMA_VERSION
from newsspan.text import canonicalize, sha256
from newsspan.tokenize import is_boundary

VERSION = "72ce5ac14978a324c2fd18d49484e65292cbe316"  # the GUM commit the tables below were reviewed against
URL = "https://github.com/amir-zeldes/gum"
CITATION = (
    'Zeldes, Amir (2017) "The GUM Corpus: Creating Multilayer Resources in the Classroom". Language Resources '
    "and Evaluation 51(3), 581-612. doi:10.1007/s10579-016-9343-x. Lin, Jessica and Zeldes, Amir (2021) "
    '"WikiGUM: Exhaustive Entity Linking for Wikification in 12 Genres". In: Proceedings of the Joint 15th '
    "Linguistic Annotation Workshop (LAW) and 3rd Designing Meaning Representations (DMR) Workshop, Punta Cana, "
    "Dominican Republic, 170-175."
)
PROVENANCE = {
    "sections": {"steps": ["derived"], "note": "GUM block markup mapped to section labels: docs/gum.md, Sections."},
    "entities": {
        "steps": ["derived"],
        "note": "GUM name mentions trimmed and typed by the tables of newsspan/formats/gum.py: docs/gum.md, "
        "Entities. Undecided labels, the types GUM lacks and all claims are left to the human pass.",
    },
}
# GUM etype -> OntoNotes label; "?": decided per identity in DECISIONS (else undecided); "-": no OntoNotes type
ETYPES = {"person": "PERSON", "organization": "ORG", "event": "EVENT", "time": "DATE", "place": "?", "object": "?"}
ETYPES |= {"abstract": "?", "substance": "-", "plant": "-", "animal": "-", "body": "-"}


# Decisions per GUM identity, else per name: data beside this module (gum_decisions.json), made by reading the articles
_DECIDED = json.loads((resources.files(__package__) / "gum_decisions.json").read_text("utf-8"))
DECISIONS = {key: label for label, keys in _DECIDED.items() if not label.startswith("$") for key in keys}

_BLOCK_LABELS = {"head": "heading", "p": "paragraph", "sp": "paragraph", "quote": "quote", "lg": "quote"}
_BLOCK_LABELS |= {"caption": "caption", "figure": "caption", "item": "list_item", "list": "list_item"}
_WHOLE = ("head", "figure", "caption", "item")
# (look-behinds and (?!\w) keep every repeat from being retried: linear, see tests/test_regex_audit.py)
_ATTR = re.compile(r'(?<!\w)(\w+):::"([^"]*)"')
_TAG = re.compile(r"<(/?)(\w+)(?!\w)([^<>]*)>")
_MENTION = re.compile(r"\((\d+)-([^()]*)(\))?|(?<!\d)(\d+)\)")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Word:  # a UD word of the document, with its place in the text
    form: str
    upos: str
    xpos: str
    head: int  # index of the syntactic head in the document's words; -1 for a root
    deprel: str
    misc: dict
    sent: int
    start: int = 0
    end: int = 0


@dataclass
class Mention:  # a GUM entity mention over the words [first, last]
    gum_id: str
    etype: str
    identity: str | None
    first: int
    last: int = -1


@dataclass
class GumDoc:  # one converted document: the GUM-derived layer, and what is left to the human pass
    id: str
    text: str
    meta: dict
    annotation: Annotation
    words: list[Word]
    mentions: dict = field(default_factory=dict)  # entity id -> the GUM mention it comes from (a dict)
    undecided: list[dict] = field(default_factory=list)  # names no table could type
    claims: list[dict] = field(default_factory=list)  # claim proposals from attribution relations
    report: list[dict] = field(default_factory=list)  # what was dropped, trimmed, left undecided or misaligned


def _read(path: Path) -> tuple[list, list[Word], list[str]]:
    """Sentences, the document's words (their offsets in their sentence), and each sentence's text."""
    sents = conllu.parse(path.read_text(encoding="utf-8"))
    words: list[Word] = []
    lines: list[str] = []
    for i, s in enumerate(sents):
        line, base, mwt_end = "", len(words), 0
        for t in s:
            tid, misc, form = t["id"], t["misc"] or {}, unicodedata.normalize("NFC", t["form"])
            mwt = isinstance(tid, tuple) and tid[1] == "-"  # a multi-word token, spelt by its words that follow
            if mwt or (isinstance(tid, int) and tid > mwt_end):
                at, mwt_end = len(line), tid[2] if mwt else mwt_end
                line += form + " " * (misc.get("SpaceAfter") != "No")
            if isinstance(tid, int):  # a word (an empty node has no text)
                head = base + t["head"] - 1 if t["head"] else -1
                words.append(Word(form, t["upos"], t["xpos"], head, t["deprel"], misc, i, at, at + len(form)))
                at += len(form)
        lines.append(line.removesuffix(" "))
    return sents, words, lines


def _markup(words: list[Word]) -> list[tuple[str, dict, int, int]]:
    """The inline XML elements (name, attributes, first word, last word): opened before a word, closed after."""
    out, opened = [], []
    for i, w in enumerate(words):
        for close, name, attrs in _TAG.findall(w.misc.get("XML", "")):
            if not close:
                opened.append((name, dict(_ATTR.findall(attrs)), i))
            elif any(o[0] == name for o in opened):
                k = max(k for k, o in enumerate(opened) if o[0] == name)
                out.append((*opened.pop(k), i))
    return out


def _blocks(sents, words: list[Word], markup) -> tuple[list[tuple[str, str | None, list[int]]], str | None]:
    """The blocks (label, speaker, sentence indices) in text order, and the dateline's date."""
    days = [(a, b, at["when"]) for name, at, a, b in markup if name == "date" and _DAY.fullmatch(at.get("when", ""))]
    blocks: list[tuple[str, str | None, list[int]]] = []
    stack: list[list] = []  # open block elements [name, attributes, sentences left]
    current, date, body = None, None, False
    for i, s in enumerate(sents):
        stack = [e for e in stack if e[2] > 0]
        for part in (s.metadata.get("newpar_block") or "").split("|"):  # 'sp who:::"#Bill" (6 s)'
            head, _, size = part.strip().rpartition(" (")
            if size.removesuffix(" s)").isdigit() and int(size[:-3]):  # (0 s): an element without text (an image)
                stack.append([head.split(" ")[0], dict(_ATTR.findall(head)), int(size[:-3])])
        # a head, caption or list item is one block whatever it holds; else the innermost p, quote, stanza, sp
        inner = next((e for e in stack if e[0] in _WHOLE), None) or next(
            (e for e in reversed(stack) if e[0] in _BLOCK_LABELS), None
        )
        speaker = next((e[1].get("who", "").lstrip("#") for e in reversed(stack) if e[0] == "sp"), None) or None
        label = _BLOCK_LABELS[inner[0]] if inner else "paragraph"
        if label == "heading" and not any(b[0] == "headline" for b in blocks):
            label = "headline"
        ids = [k for k, w in enumerate(words) if w.sent == i and w.upos != "PUNCT"]
        when = next((d for a, b, d in days if ids and a <= ids[0] and ids[-1] <= b), None)
        if when and not body and date is None:  # the date line under the headline is a block of its own
            label, inner, date = "dateline", None, when
        body = body or label not in ("headline", "dateline")
        if inner is None or inner is not current:
            blocks.append((label, speaker, []))
        blocks[-1][2].append(i)
        current = inner
        for e in stack:
            e[2] -= 1
    return blocks, date


def _text(blocks, lines: list[str], words: list[Word]) -> tuple[str, list[Section]]:
    """The text, one block per line and a blank line between blocks; the words' offsets are set on the way."""
    text, sections, offsets = "", [], {}
    for label, speaker, sent_ids in blocks:
        text += "\n\n" if text else ""
        start = len(text)
        for si in sent_ids:
            text += " " if len(text) > start else ""
            offsets[si] = len(text)
            text += lines[si]
        sections.append(Section("s", start, len(text), text[start:], label, speaker))
    for w in words:
        w.start, w.end = w.start + offsets[w.sent], w.end + offsets[w.sent]
    return text + "\n", sections


def _mentions(words: list[Word]) -> list[Mention]:
    """The Entity= mentions: "(id-fields" opens one before a word, "id)" closes the innermost of id after it."""
    out: list[Mention] = []
    opened: list[Mention] = []
    for i, w in enumerate(words):
        for m in _MENTION.finditer(w.misc.get("Entity", "")):
            if m.group(4):
                x = opened.pop(max(k for k, x in enumerate(opened) if x.gum_id == m.group(4)))
            else:
                f = m.group(2).split("-", 6)  # etype, infstat, salience, centering, minspan, link[, identity]
                x = Mention(m.group(1), f[0], unquote(f[6]) if len(f) > 6 else None, i)
                if not m.group(3):
                    opened.append(x)
                    continue
            x.last = i
            out.append(x)
    return out


_TITLES = set(
    str.split(
        "mr mrs ms miss dr prof professor president senator sen governor gov minister secretary undersecretary "
        "ambassador administrator doctor attorney lady lord sir king queen prince princess pope judge justice general "
        "gen mayor chairman chair chief director captain officer sheriff commissioner chancellor premier spokesperson "
        "spokesman manager founder poet student man state court university"
    )
)  # a name whose head is one of these is a title ("the President"), not a name
_MARKS = set("()[]\"'“”‘’")
_GLUE = {"of", "the", "and", "&", "for", "de", "del", "da", "von", "van", "der", "-", ":", "@", "/", "on"}


def _proper(w: Word) -> bool:  # the XPOS too: GUM tags "United" (the United States) VERB but NNP
    return w.xpos in ("NNP", "NNPS") or w.upos == "PROPN"


def _extent(m: Mention, words: list[Word], h: int, refs) -> tuple[int, int]:
    """The words [lo, hi] of the name inside mention m whose head word is h, before trimming."""
    a, b = m.first, m.last
    if m.etype == "time":  # a date keeps its determiners and modifiers
        return a, b
    if m.identity:  # the Wikipedia title spelt out in the mention ("City, State" titles are two names)
        title = re.sub(r"_\(.*\)$", "", m.identity).replace("_", "")
        for lo in range(a, h + 1):
            for hi in range(h, b + 1):
                forms = [words[k].form for k in range(lo, hi + 1)]
                if "".join(forms) == title and "," not in forms:
                    return lo, hi
    if m.etype == "person":  # the name is the head with its flat and compound names, not its titles (nmod:desc)
        ks = {h}
        for k in sorted(range(a, b + 1), key=lambda k: abs(k - h)):
            w = words[k]
            if w.head in ks and w.deprel.startswith(("flat", "compound")) and _proper(w):
                ks.add(k)
        return min(ks), max(ks)
    namey = [_proper(w) or w.xpos == "CD" for w in words]  # the run of proper nouns around h, and the glue between
    lo = hi = h
    for step, stop in ((-1, a), (1, b)):
        k = h + step
        while (k - stop) * step <= 0 and (namey[k] or words[k].form.lower() in _GLUE):
            if namey[k]:
                lo, hi = min(lo, k), max(hi, k)
            k += step
    for x, y in refs:  # a Wikinews link over the head widens the name to the link ("Make-A-Wish Foundation")
        if a <= x <= h <= y <= b and all(words[k].form != "," for k in range(x, y + 1)):
            lo, hi = min(lo, x), max(hi, y)
    return lo, hi


def slug(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def _label(m: Mention, name: str, head: Word) -> tuple[str, bool]:
    """OntoNotes label, "?" (undecided) or "-" (no OntoNotes name), and whether the name's own decision made it."""
    if m.identity in DECISIONS:
        return DECISIONS[m.identity], False
    if "://" in name or name.startswith("www."):  # a web address is no OntoNotes name
        return "-", True
    if (own := DECISIONS.get("=" + name.replace(" ", "_"))) is not None:
        return own, True
    label = ETYPES.get(m.etype, "?")
    return ("?" if label == "PERSON" and head.xpos == "NNPS" else label), False  # plural: a group (NORP) or none


def _names(doc_id: str, text: str, words: list[Word], markup, wiki: dict) -> tuple[list[dict], list[dict]]:
    """Name candidates (start, end, label, kb_id, cluster, the GUM mention) and the report on the others."""
    refs = [(a, b) for name, _, a, b in markup if name == "ref"]
    out, report = [], []
    for m in _mentions(words):
        a, b = m.first, m.last
        heads = [k for k in range(a, b + 1) if not a <= words[k].head <= b]
        h = next((k for k in heads if words[k].upos != "PUNCT"), heads[0])  # (GUM's minspan: worse, see docs)
        if not _proper(words[h]) or words[h].form.lower().rstrip(".") in _TITLES:
            continue
        lo, hi = _extent(m, words, h, refs)
        for k in range(lo, hi + 1):  # a bracket or quotation mark inside ("[George W.] Bush"): the head's side
            if words[k].form in _MARKS:
                lo, hi = (k + 1, hi) if k < h else (lo, min(hi, k - 1))
        keep_det = m.etype == "time" or (m.identity or "").startswith("The_")  # a date; a title: The_Onion
        while lo < hi and (words[lo].upos == "PUNCT" or (words[lo].upos == "DET" and not keep_det)):
            lo += 1
        while hi > lo and (words[hi].upos == "PUNCT" or words[hi].xpos == "POS"):
            hi -= 1
        gum = {"id": m.gum_id, "etype": m.etype, "identity": m.identity, **_quote(text, words, a, b)}
        item = {**_quote(text, words, lo, hi), "gum": gum}
        label, own = _label(m, item["text"], words[h])
        if label == "-":
            report.append({"doc": doc_id, "kind": "dropped", "why": "no OntoNotes name", **item})
            continue
        item["label"] = label
        identity = None if own else m.identity  # a name decided on its own ("Republican") is not GUM's identity
        if identity in wiki:
            item["kb_id"] = wiki[identity]
        item["cluster"] = slug(identity or (item["text"] if own else "")) or f"gum-{m.gum_id}"
        if (item["start"], item["end"]) != (gum["start"], gum["end"]):
            report.append({"doc": doc_id, "kind": "trimmed", **item})
        out.append(item)
    return out, report


_EDU = re.compile(r"([^:]+):(\d+)(?:->(\d+))?:(\d+)(?::(.*))?")
_SOURCE_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_NEGATIVE = "attribution-negative: the source does not assert the content (denies, doubts, does not know)"
_INTERRUPTED = "the source and cue interrupt the content: a claim is one span, correct or reject"


def _signal(signals: str, kinds: tuple[str, ...]) -> list[int]:
    """The words (0-based) of the signals of these kinds: "sem-atsrc-27-28-gold" holds document words 27 and 28."""
    out: list[int] = []
    for sig in signals.split("+"):
        parts = sig.split("-")
        if "-".join(parts[:2]) in kinds:
            for piece in "-".join(parts[2:-1]).split(","):
                x, _, y = piece.partition("-")
                out += range(int(x) - 1, int(y or x)) if x.isdigit() and (y or x).isdigit() else []
    return out


def _quote(text: str, words: list[Word], first: int, last: int) -> dict:  # the text of the words [first, last]
    start, end = words[first].start, words[last].end
    return {"start": start, "end": end, "text": text[start:end]}


def _unbalanced(s: str) -> bool:
    return s.count('"') % 2 == 1 or s.count("“") != s.count("”")


def _claims(text: str, words: list[Word], entities: list[Entity]) -> list[dict]:
    """A claim proposal per attribution relation: eRST's satellite holds the source and the cue, the nucleus
    (the head EDU with its dependents attached below the relation's depth) is the content."""
    edus: dict[int, tuple] = {}  # EDU -> (first word, relation, head EDU, depth, signals)
    for i, w in enumerate(words):
        m = _EDU.fullmatch(w.misc.get("Discourse", "").split(";")[0])
        if m:
            edus[int(m.group(2))] = (i, m.group(1), int(m.group(3) or 0), int(m.group(4)), m.group(5) or "")
    order = sorted(edus, key=lambda e: edus[e][0])
    starts = [edus[e][0] for e in order] + [len(words)]
    span = {e: range(starts[k], starts[k + 1]) for k, e in enumerate(order)}  # an EDU's words: up to the next EDU

    kids: dict[int, list[int]] = {}
    for c, x in edus.items():
        kids.setdefault(x[2], []).append(c)

    def sub(e: int, below: int = 1 << 30) -> set[int]:  # the EDU and its dependents attached below that depth
        return {e}.union(*(sub(c) for c in kids.get(e, ()) if edus[c][3] < below))

    out: list[dict] = []
    for e in order:
        _, rel, head, depth, signals = edus[e]
        if not rel.startswith("attribution") or head not in edus:
            continue
        sat = sub(e)
        content = sorted(sub(head, depth) - sat)
        lo, hi = span[content[0]][0], span[content[-1]][-1]
        while lo < hi and (
            words[lo].upos == "PUNCT" or (words[lo].form.lower() == "that" and words[lo].upos == "SCONJ")
        ):
            lo += 1
        end = hi
        while hi > lo and words[hi].upos == "PUNCT":
            hi -= 1
        while hi < end and _unbalanced(text[words[lo].start : words[hi].end]):  # a quotation inside the content
            hi += 1
        sat_words = [k for s in sorted(sat) for k in span[s]]
        top = [k for k in sat_words if words[k].head not in sat_words]
        attribution: dict = {"type": "source"}
        src = [k for k in _signal(signals, ("sem-atsrc",)) if words[k].upos != "PUNCT"]
        at = next((words[k] for k in src if words[k].head not in src), None)
        named = next((x for x in entities if at and at.upos != "PRON" and x.start <= at.start < x.end), None)
        if named is not None and named.label in _SOURCE_LABELS:
            attribution["source"] = named.id
        elif src:
            attribution["source_span"] = _quote(text, words, min(src), max(src))
        cues = _signal(signals, ("lex-indwd", "lex-indph")) or [k for k in top if words[k].upos == "VERB"][:1]
        if cues:
            k0 = next((k for k in cues if k in top), cues[0])
            attribution["cue"] = _quote(text, words, k0, next(k for k in count(k0) if k + 1 not in cues))
        notes = [_NEGATIVE] * (rel == "attribution-negative") + [_INTERRUPTED] * any(lo <= k <= hi for k in sat_words)
        gum = {"relation": rel, "edu": e, "satellite": _quote(text, words, sat_words[0], sat_words[-1])}
        out.append({**_quote(text, words, lo, hi), "attribution": attribution, "gum": gum, "notes": notes})
    return out


def tables(dep: Path) -> tuple[dict[str, str], dict[str, str]]:
    """wiki_map.tab (identity -> Wikidata id) and splits.md (GUM id -> split), next to the dep/ folder."""
    wiki, splits, part = {}, {}, None
    wiki_map, splits_md = dep.parent / "wiki_map.tab", dep.parent / "splits.md"
    for line in wiki_map.read_text(encoding="utf-8").splitlines() if wiki_map.exists() else []:
        cells = line.split("\t")
        if len(cells) > 2 and re.fullmatch(r"Q[1-9]\d*", cells[2]):
            wiki[unquote(cells[0])] = cells[2]
    for line in splits_md.read_text(encoding="utf-8").splitlines() if splits_md.exists() else []:
        if line.startswith("## "):
            part = {"dev": "validation", "test": "test"}.get(line[3:].strip(), "train")
        elif line.strip().startswith("* ") and part:
            splits[line.strip()[2:].strip()] = part
    return wiki, splits


def convert(path: Path, wiki: dict[str, str], splits: dict[str, str]) -> GumDoc:
    """One GUM .conllu file as a newsspan document with its GUM-derived layer and proposals."""
    sents, words, lines = _read(path)
    gum_id = sents[0].metadata.get("newdoc id", path.stem)
    doc_id = "gum_" + gum_id.lower().removeprefix("gum_")
    markup = _markup(words)
    blocks, date = _blocks(sents, words, markup)
    text, sections = _text(blocks, lines, words)
    if canonicalize(text) != text:
        raise ValueError(f"{path.name}: the rebuilt text is not canonical (NFC, LF)")
    names, report = _names(doc_id, text, words, markup, wiki)
    kept: list[dict] = []  # decided names never overlap: the longest wins (its parts are not annotated again)
    undecided: list[dict] = []  # an undecided name may hold decided ones: the human pass chooses
    for item in sorted(names, key=lambda x: (x["start"] - x["end"], x["start"])):
        pool = kept if item["label"] != "?" else kept + undecided
        clash = next((k for k in pool if k["start"] < item["end"] and item["start"] < k["end"]), None)
        if clash is None and not (is_boundary(text, item["start"]) and is_boundary(text, item["end"])):
            report.append({"doc": doc_id, "kind": "token-boundary", **item})
        elif clash is None:
            (kept if item["label"] != "?" else undecided).append(item)
        elif (clash["start"], clash["end"]) != (item["start"], item["end"]):
            report.append({"doc": doc_id, "kind": "dropped", "why": f"inside the name {clash['text']!r}", **item})
    report += [{"doc": doc_id, "kind": "undecided", **x} for x in undecided]
    entities = renumber(
        Entity("e", x["start"], x["end"], x["text"], x["label"], x.get("kb_id"), x["cluster"]) for x in kept
    )
    for x in undecided:
        x["overlaps"] = [e.id for e in entities if e.start < x["end"] and x["start"] < e.end]
    by_span = {(x["start"], x["end"]): x["gum"] for x in kept}
    mentions = {e.id: by_span[e.start, e.end] for e in entities}
    h = sha256(text)
    annotation = Annotation(
        doc_id, h, ("gum-import",), GUIDELINES_VERSION, "draft", renumber(sections), entities, (), provenance=PROVENANCE
    )
    md = sents[0].metadata
    meta = {"schema_version": SCHEMA_VERSION, "id": doc_id, "language": "en", **({"date": date} if date else {})}
    meta |= {"title": md.get("meta::title", ""), "authors": ["Wikinews contributors"], "genre": md.get("meta::genre")}
    meta |= {"source": "Wikinews", "url": md.get("meta::sourceURL"), "license": "CC-BY-2.5"}
    derived = {"corpus": "GUM", "document": gum_id, "version": VERSION, "url": URL, "license": "CC-BY-4.0"}
    meta["derived_from"] = derived | {"citation": CITATION}
    meta |= {"text_sha256": h, "source_sha256": h, "split": splits.get(gum_id, "train")}
    claims = _claims(text, words, list(entities))
    return GumDoc(doc_id, text, meta, annotation, words, mentions, undecided, claims, report)


def read(paths: list[Path], genres: tuple[str, ...] = ("news",)) -> list[GumDoc]:
    """The GUM documents of these files and dep/ folders, of these genres (GUM_<genre>_<name>.conllu)."""
    found = {f for p in map(Path, paths) for f in (p.glob("*.conllu") if p.is_dir() else [p])}
    chosen = [f for f in sorted(found) if "_" in f.stem and f.stem.split("_")[1] in genres]
    read_tables = {dep: tables(dep) for dep in {f.parent for f in chosen}}  # once per dep/ folder, not per file
    return [convert(f, *read_tables[f.parent]) for f in chosen]
