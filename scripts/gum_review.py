"""The review kit for the human passes over the GUM-derived drafts (docs/gum.md, "The review kit").

    python scripts/gum_review.py propose ID --annotator NAME [--gum DIR]   -> review/NAME/ID.json
    python scripts/gum_review.py apply ID --annotator NAME                 -> annotations/annotators/NAME/ID.json
    python scripts/gum_review.py find ID "quote"                           -> the quote's occurrences

`propose` writes a worksheet: the text in numbered sentences, and every proposal in text order, each with
"decision": null: the GUM-derived names (from a fresh conversion of GUM's .conllu, checked against the corpus
text), the names GUM left undecided, pattern proposals for the types GUM lacks, and a claim proposal per GUM
attribution relation. The annotator fills each decision (accept | reject + reason | correct + fields) and lists
what is missing under "added". `apply` checks every decision and span and writes the annotator's layer; a
script proposes, a person decides: nothing is accepted that the annotator did not accept.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
from pathlib import Path

from newsspan import cli, store
from newsspan.formats import gum
from newsspan.model import GUIDELINES_VERSION, Annotation, Attribution, Claim, Entity, Span, dump_json, renumber
from newsspan.text import sha256
from newsspan.tokenize import is_boundary

COUNTS = ("CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY")  # singleton clusters (guidelines 3.5)
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?:\d+(?:[.,]\d+)*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|dozens?|hundreds|thousands|millions?|billions?)"
_UNIT = r"(?:km|kilometres?|kilometers?|miles?|metres?|meters?|m|cm|mm|feet|foot|ft|inches|kg|kilograms?|grams?|g|pounds|lbs?|tons?|tonnes?|litres?|liters?|gallons?|acres?|hectares?|degrees?|°C|°F|km/h|mph|mg)"
NATIONALITIES = str.split(
    "Afghan Afghans Albanian American Americans Arab Arabs Arabian Argentine Armenian Asian Australian Australians "
    "Austrian Bangladeshi Bangladeshis Belgian Belgians Bolivian Brazilian Brazilians British Bulgarian Burmese "
    "Canadian Canadians Chilean Chinese Christian Christians Colombian Croatian Cuban Czech Danish Dutch Egyptian "
    "English Eritrean European Europeans Filipino Finnish French German Germans Greek Greeks Hindu Hindus Hungarian "
    "Indian Indians Indonesian Iranian Iraqi Irish Islamic Israeli Israelis Italian Italians Jamaican Japanese Jewish "
    "Jews Korean Koreans Kurdish Latino Lebanese Libyan Malaysian Mexican Mexicans Moroccan Muslim Muslims Nigerian "
    "Norwegian Pakistani Palestinian Palestinians Persian Polish Portuguese Republican Republicans Democrat Democrats "
    "Libertarian Libertarians Roman Rohingya Russian Russians Saudi Saudis Scottish Serbian Slovenian Somali Spanish "
    "Sudanese Swedish Swiss Syrian Taiwanese Texan Texans Thai Tunisian Turkish Ukrainian Venezuelan Vietnamese Welsh "
    "Yemeni Catholic Catholics Protestant Buddhist Sunni Shia Shiite Scientologist Scientologists Hellenic Pagan"
)
LANGUAGES = str.split(
    "Arabic Chinese Mandarin Cantonese Dutch English French German Greek Hebrew Hindi Italian Japanese Korean Latin "
    "Persian Farsi Pashto Dari Polish Portuguese Russian Spanish Swedish Thai Turkish Urdu Vietnamese Bengali Malay"
)
PATTERNS = [  # (label, regex): proposals only; each is accepted, corrected or rejected by a person
    ("DATE", rf"(?:{_DAY},? )?{_MONTH} \d{{1,2}}(?:, \d{{4}})?|{_MONTH} \d{{4}}|{_DAY}|{_MONTH}|\b(?:1[89]|20)\d\d\b"),
    (
        "DATE",
        r"\b(?:yesterday|today|tomorrow|(?:last|next|this) (?:week|month|year|weekend|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day))\b",
    ),
    ("TIME", r"\b\d{1,2}(?::\d\d)? ?(?:a\.m\.|p\.m\.|am|pm)(?: [A-Z]{2,4}T)?|\b(?:noon|midnight)\b"),
    (
        "MONEY",
        rf"(?:US)?\$ ?\d+(?:[.,]\d+)*(?: (?:million|billion|trillion))?|\b{_NUM} (?:million |billion )?(?:dollars|euros|pounds sterling|yuan|rupees)\b",
    ),
    ("PERCENT", rf"\b{_NUM} ?(?:%|percent|per cent)"),
    ("QUANTITY", rf"\b{_NUM}[ -]?{_UNIT}\b"),
    ("ORDINAL", r"\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\b"),
    ("CARDINAL", rf"\b{_NUM}\b"),
    ("NORP", r"\b(?:" + "|".join(NATIONALITIES) + r")\b"),
    ("LANGUAGE", r"\b(?:" + "|".join(LANGUAGES) + r")(?= language\b| translation\b)"),
    ("LAW", r"\b(?:[A-Z][a-z]+ )+(?:Act|Law|Treaty|Amendment|Constitution|Convention|Code)\b"),
]


class Refused(Exception):
    """A worksheet that cannot be applied: the proposal or item, and why."""


def _gum_file(gum_dir: Path, doc_id: str) -> Path:
    name = "GUM_" + doc_id.removeprefix("gum_")
    return gum_dir / f"{name}.conllu"


def _sentences(doc: gum.GumDoc, sections) -> list[dict]:
    out: dict[int, list[int]] = {}
    for w in doc.words:
        span = out.setdefault(w.sent, [w.start, w.end])
        span[0], span[1] = min(span[0], w.start), max(span[1], w.end)
    label = {s.id: s.label for s in sections}
    rows = []
    for n, (a, b) in enumerate(sorted(out.values()), 1):
        sec = next((s for s in sections if s.start <= a < s.end), None)
        rows.append(
            {"n": n, "start": a, "end": b, "section": label.get(sec.id) if sec else None, "text": doc.text[a:b]}
        )
    return rows


def patterns(text: str, taken: list[tuple[int, int, str]]) -> list[dict]:
    """Pattern proposals for the types GUM lacks, on token boundaries, overlapping no GUM name nor each other;
    except that a longer date or time may hold a GUM date ("Friday" of "Friday, July 21, 2017"): both are
    offered, and the annotator keeps one."""
    out: list[dict] = []
    for label, rx in PATTERNS:
        for m in re.finditer(rx, text):
            a, b = m.span()
            if not (is_boundary(text, a) and is_boundary(text, b)):
                continue
            hit = [(x, y, k) for x, y, k in taken if x < b and a < y]
            longer = [
                label in ("DATE", "TIME") and k in ("DATE", "TIME") and a <= x <= y <= b and b - a > y - x
                for x, y, k in hit
            ]
            if not all(longer):
                continue
            taken.append((a, b, label))
            out.append({"kind": "entity", "from": f"pattern:{label}", "start": a, "end": b, "text": text[a:b]})
            out[-1] |= {"label": label, "kb_id": None, "cluster": None}
            if hit:
                out[-1]["note"] = "holds a GUM date: keep one of the two"
    return out


def propose(root: store.Root, doc_id: str, name: str, gum_dir: Path, force: bool = False) -> Path:
    text = root.require_document(doc_id).read_text(encoding="utf-8")
    path = _gum_file(gum_dir, doc_id)
    doc = gum.convert(path, *gum.tables(path.parent))
    if doc.text != text:
        raise Refused(f"{path} no longer gives the corpus text of {doc_id} (GUM version or converter changed)")
    layer = Annotation.loads(root.annotation_path(doc_id, "gum-import").read_bytes())
    items: list[dict] = []
    for e in layer.entities:
        g = doc.mentions.get(e.id)
        items.append(
            {"kind": "entity", "from": "gum", "start": e.start, "end": e.end, "text": e.text, "label": e.label}
        )
        items[-1] |= {"kb_id": e.kb_id, "cluster": e.cluster, "gum": g, "ref": e.id}
    for u in doc.undecided:
        items.append({"kind": "entity", "from": "gum", "undecided": True, "start": u["start"], "end": u["end"]})
        items[-1] |= {
            "text": u["text"],
            "label": None,
            "kb_id": u.get("kb_id"),
            "cluster": u["cluster"],
            "gum": u["gum"],
        }
        items[-1]["overlaps"] = u["overlaps"]
    items += patterns(text, [(x["start"], x["end"], x["label"]) for x in items])
    for c in doc.claims:
        items.append({"kind": "claim", "from": "gum:" + c["gum"]["relation"], **c, "checkworthy": None})
    items.sort(key=lambda x: (x["start"], x["kind"] != "entity", x["end"]))
    ids = {x.get("ref"): f"p{n}" for n, x in enumerate(items, 1) if x.get("ref")}
    for n, x in enumerate(items, 1):
        x["id"] = f"p{n}"
        if x["kind"] == "claim" and "source" in x["attribution"]:  # the source as the proposal that holds it
            x["attribution"]["source"] = ids[x["attribution"]["source"]]
        x["decision"] = None
    sheet = {
        "document_id": doc_id,
        "annotator": name,
        "text_sha256": sha256(text),
        "how": "Fill every decision: accept | reject (with reason) | correct (with the corrected quote, label, "
        "cluster, kb_id, attribution, checkworthy). A claim needs checkworthy true/false to be accepted. Add what "
        "is missing to `added`: {kind, quote, context (text around it holding it once) or start/end, label or "
        "attribution and checkworthy}. Sources name a proposal (p3) or an added item (a1). docs/guidelines.md "
        "decides; docs/gum.md explains the proposals.",
        "sentences": _sentences(doc, layer.sections),
        "proposals": [{k: v for k, v in x.items() if k != "ref"} for x in items],
        "added": [],
    }
    out = root.path / "review" / name / f"{doc_id}.json"
    if out.exists() and not force:
        raise Refused(f"{out} exists (it may hold decisions); pass --force to start it again")
    store.write_atomic(out, dump_json(sheet))
    return out


def _locate(text: str, quote: str, near: tuple[int, int] | None, context: str | None, where: str) -> tuple[int, int]:
    """Offsets of quote: inside its unique context, else the one occurrence near the proposal (its sentence)."""
    if not quote:
        raise Refused(f"{where}: empty quote")
    lo, hi = 0, len(text)
    if context:
        at = [m.start() for m in re.finditer(re.escape(context), text)]
        if len(at) != 1 or quote not in context:
            raise Refused(f"{where}: context {context!r} occurs {len(at)} times or does not hold the quote")
        lo, hi = at[0], at[0] + len(context)
    elif near:
        lo, hi = near
    found = [m.start() for m in re.finditer(re.escape(quote), text[lo:hi])]
    if len(found) != 1:
        raise Refused(f"{where}: quote {quote!r} occurs {len(found)} times in {text[lo:hi][:80]!r}; give a context")
    return lo + found[0], lo + found[0] + len(quote)


def _span(text, item, sentences, where) -> tuple[int, int]:
    if "quote" not in item and "start" in item:
        a, b = item["start"], item["end"]
        if item.get("text") not in (None, text[a:b]):
            raise Refused(f"{where}: text {item.get('text')!r} is not what stands at [{a}, {b})")
        return a, b
    near = None
    if "start" in item:  # a correction: looked for in the sentences around the proposal
        near = (
            min([s["start"] for s in sentences if s["end"] >= item["start"]] or [0]),
            max([s["end"] for s in sentences if s["start"] <= item["end"]] or [len(text)]),
        )
    return _locate(text, item.get("quote", ""), near, item.get("context"), where)


def apply(root: store.Root, doc_id: str, name: str) -> Path:
    sheet_path = root.path / "review" / name / f"{doc_id}.json"
    sheet = json.loads(sheet_path.read_text(encoding="utf-8"))
    text = root.require_document(doc_id).read_text(encoding="utf-8")
    if sheet["text_sha256"] != sha256(text):
        raise Refused(f"{sheet_path}: made on another version of the text")
    layer = Annotation.loads(root.annotation_path(doc_id, "gum-import").read_bytes())
    sents, entities, claims = sheet["sentences"], {}, []
    items = [(p["id"], p) for p in sheet["proposals"]] + [
        (f"a{n}", {**a, "decision": "add"}) for n, a in enumerate(sheet["added"], 1)
    ]
    for pid, p in items:
        d = p.get("decision")
        if d not in ("accept", "reject", "correct", "add"):
            raise Refused(f"{pid}: no decision (accept, reject with a reason, or correct)")
        if d == "reject":
            if not str(p.get("reason", "")).strip():
                raise Refused(f"{pid}: rejected without a reason")
            continue
        fields = p  # a correction edits the proposal's own fields (and gives a new "quote")
        a, b = _span(text, p, sents, pid)
        if not (is_boundary(text, a) and is_boundary(text, b)) or text[a:b] != text[a:b].strip():
            raise Refused(f"{pid}: {text[a:b]!r} [{a}, {b}) does not start and end on a newsspan token boundary")
        if fields["kind"] == "entity":
            label = fields.get("label")
            if not label:
                raise Refused(f"{pid}: no label (an undecided name is corrected with its label, or rejected)")
            n = sum(x.label == label for x in entities.values()) + 1
            cluster = fields.get("cluster") or (
                f"{label.lower()}-{gum.slug(text[a:b])}-{n}" if label in COUNTS else gum.slug(text[a:b])
            )
            entities[pid] = Entity(pid, a, b, text[a:b], label, fields.get("kb_id"), cluster)
        else:
            claims.append((pid, a, b, fields))
    for (p, x), (q, y) in ((u, v) for u in entities.items() for v in entities.items() if u[0] < v[0]):
        if x.start < y.end and y.start < x.end:
            raise Refused(f"{p} and {q}: entities overlap ({x.text!r}, {y.text!r}); correct or reject one")
    ordered = renumber(entities.values())
    new_id = {
        old.id: new.id
        for old, new in zip(sorted(entities.values(), key=lambda e: (e.start, e.end)), ordered, strict=True)
    }
    out_claims = []
    for pid, a, b, f in claims:
        if not isinstance(f.get("checkworthy"), bool):
            raise Refused(f"{pid}: checkworthy must be true or false")
        at = dict(f.get("attribution") or {"type": "journalist"})
        src = at.pop("source", None)
        if src is not None and src not in new_id:
            raise Refused(f"{pid}: source {src} is no accepted entity")
        spans = {}
        for k in ("cue", "source_span"):
            if at.get(k):  # a corrected cue or source is looked for around the claim
                x, y = _span(text, {**at[k], "start": a, "end": b} if "quote" in at[k] else at[k], sents, f"{pid} {k}")
                spans[k] = Span(x, y, text[x:y])
        attribution = Attribution(
            at.get("type", "journalist"), new_id.get(src), spans.get("source_span"), spans.get("cue")
        )
        out_claims.append(Claim("c", a, b, text[a:b], attribution, f["checkworthy"]))
    out_claims = list(renumber(out_claims))
    for x, y in itertools.pairwise(out_claims):
        if y.start < x.end:
            raise Refused(f"claims overlap: {x.text[:40]!r} and {y.text[:40]!r}")
    note = f"GUM-derived names, pattern proposals and GUM attribution proposals decided one by one in review/{name}/{doc_id}.json"
    provenance = {
        "sections": layer.provenance["sections"] if layer.provenance else {"steps": ["derived"]},
        "entities": {"steps": ["derived", "pre-annotated", "manual"], "note": note},
        "claims": {"steps": ["pre-annotated", "manual"], "note": note},
    }
    ann = Annotation(
        doc_id,
        sha256(text),
        (name,),
        GUIDELINES_VERSION,
        "complete",
        layer.sections,
        ordered,
        tuple(out_claims),
        provenance=provenance,
    )
    out = root.annotation_path(doc_id, name)
    root.write_all([(out, ann.dumps())])
    return out


def find(root: store.Root, doc_id: str, quote: str) -> list[str]:
    text = root.require_document(doc_id).read_text(encoding="utf-8")
    return [
        f"[{m.start()}, {m.end()}) ...{text[max(0, m.start() - 30) : m.end() + 30]!r}..."
        for m in re.finditer(re.escape(quote), text)
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="gum_review.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("command", choices=("propose", "apply", "find"))
    p.add_argument("id", metavar="ID")
    p.add_argument("quote", nargs="?", help="find: the quote to look for")
    p.add_argument("--annotator", metavar="NAME", help="propose, apply: who reviews (a role name: annotator-a)")
    p.add_argument("--root", metavar="DIR", help="the corpus root (default: found from here)")
    p.add_argument(
        "--gum",
        metavar="DIR",
        default=os.environ.get("NEWSSPAN_GUM"),
        help="propose: GUM's dep/ folder (or $NEWSSPAN_GUM)",
    )
    p.add_argument("--force", action="store_true", help="propose: replace an existing worksheet")
    args = p.parse_args(argv)
    root = store.Root.discover(args.root)
    try:
        if args.command == "find":
            hits = find(root, args.id, args.quote or "")
            print("\n".join(hits) or f"{args.quote!r} does not occur in {args.id}")
            return 0 if hits else 1
        if not args.annotator or not store.is_valid_id(args.annotator):
            raise Refused("--annotator NAME is needed (a-z, 0-9, _ and -)")
        if args.command == "propose":
            if not args.gum:
                raise Refused("--gum DIR (GUM's dep/ folder) is needed to propose")
            print(f"worksheet: {propose(root, args.id, args.annotator, Path(args.gum), args.force)}")
            return 0
        out = apply(root, args.id, args.annotator)
    except (Refused, store.StoreError, OSError, KeyError, ValueError) as e:
        print(f"gum_review {args.command}: refused: {e}", file=sys.stderr)
        return 1
    print(f"wrote {root.rel(out)}; validating it")
    return cli.main(["validate", "--root", str(root.path), root.rel(out)])


if __name__ == "__main__":
    sys.exit(main())
