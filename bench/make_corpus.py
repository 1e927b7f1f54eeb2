"""Writes a synthetic but valid newsspan corpus root for benchmarks.

    python bench/make_corpus.py --docs 20000 --out /tmp/corpus20k [--seed 0]

Each document has a canonical text of about 4,000 characters (mostly English, some Chinese
sentences, some emoji), its metadata, and a released annotation layer with about 15
sections, 40 entity mentions and 10 claims, all of which pass `newsspan validate` with no
errors and no warnings. Labels come from `newsspan.schema`, so the corpus follows the schema
it is measured against. The output depends only on --docs and --seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from newsspan import schema

FIRST = [
    "Antony",
    "Maria",
    "Wei",
    "Fatima",
    "John",
    "Aiko",
    "Carlos",
    "Olena",
    "Kwame",
    "Priya",
    "Lars",
    "Amara",
    "Dmitri",
    "Sofia",
    "Hiroshi",
    "Leila",
    "Tomás",
    "Grace",
    "Ibrahim",
    "Chloe",
]
LAST = [
    "Blinken",
    "Schmidt",
    "Zhang",
    "Haddad",
    "Okafor",
    "Tanaka",
    "Silva",
    "Kowalski",
    "Mensah",
    "Sharma",
    "Johansson",
    "Diallo",
    "Petrov",
    "Rossi",
    "Nakamura",
    "Rahimi",
    "García",
    "Walker",
    "Yusuf",
    "Martin",
]
ORG_HEAD = [
    "Northwind",
    "Bluepeak",
    "Harbor",
    "Meridian",
    "Sterling",
    "Aurora",
    "Summit",
    "Pioneer",
    "Crescent",
    "Atlas",
]
ORG_TAIL = [
    "Energy",
    "Bank",
    "Logistics",
    "Institute",
    "Holdings",
    "Telecom",
    "Airlines",
    "Foundation",
    "Motors",
    "Group",
]
GPE = [
    "Washington",
    "Beijing",
    "Berlin",
    "Nairobi",
    "São Paulo",
    "Tokyo",
    "Mumbai",
    "Kyiv",
    "Lagos",
    "Paris",
    "Canada",
    "Brazil",
    "Indonesia",
    "Egypt",
    "Mexico",
    "Norway",
]
LOC = ["Pacific Ocean", "Mekong River", "Sahara", "Alps", "Baltic Sea", "Andes", "Gobi Desert", "Red Sea"]
NORP = ["Chinese", "American", "European", "Kenyan", "Brazilian", "Japanese", "Indian", "Ukrainian", "French"]
FAC = [
    "State Department",
    "Terminal 3",
    "Golden Gate Bridge",
    "Central Station",
    "Port of Rotterdam",
    "Olympic Stadium",
]
PRODUCT = ["Model Q7", "Galaxy Note", "Falcon 9", "Boeing 737", "iPhone 15", "Corolla"]
EVENT = ["World Cup", "COP28", "G20 summit", "Davos forum", "Olympic Games", "Expo 2025"]
WORK = ["The Long Road", "Silent Harbor", "A Year of Rain", "Northern Lights", "The Glass City"]
LAW = ["Clean Air Act", "Digital Markets Act", "Data Protection Law", "Trade Facilitation Act"]
LANGUAGE = ["English", "Mandarin", "Swahili", "Portuguese", "Arabic", "Hindi"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
ORDINAL = ["first", "second", "third", "fourth", "fifth"]
ZH_PERSON = ["王毅", "李强", "张伟", "刘建超", "陈静", "赵敏"]
ZH_GPE = ["北京", "上海", "华盛顿", "柏林", "东京", "广州"]
ZH_ORG = ["外交部", "国务院", "商务部", "人民银行", "统计局"]
EMOJI = ["📈", "🌍", "👍", "💬", "🚢", "⚡", "🎉", "🔥"]


def _surfaces(rng: random.Random) -> dict:
    """A surface form for each entity label of the schema (generic for any label added later)."""
    r = rng.randint
    return {
        "PERSON": lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "NORP": lambda: rng.choice(NORP),
        "FAC": lambda: rng.choice(FAC),
        "ORG": lambda: f"{rng.choice(ORG_HEAD)} {rng.choice(ORG_TAIL)}",
        "GPE": lambda: rng.choice(GPE),
        "LOC": lambda: rng.choice(LOC),
        "PRODUCT": lambda: rng.choice(PRODUCT),
        "EVENT": lambda: rng.choice(EVENT),
        "WORK_OF_ART": lambda: rng.choice(WORK),
        "LAW": lambda: rng.choice(LAW),
        "LANGUAGE": lambda: rng.choice(LANGUAGE),
        "DATE": lambda: rng.choice(
            [f"{rng.choice(MONTHS)} {r(1, 28)}, {r(2015, 2025)}", rng.choice(WEEKDAYS), "last year"]
        ),
        "TIME": lambda: rng.choice([f"{r(1, 12)}:{r(0, 59):02d} pm", f"{r(1, 12)}:{r(0, 59):02d} am", "this morning"]),
        "PERCENT": lambda: rng.choice([f"{r(1, 99)} percent", f"{r(1, 30)}.{r(0, 9)}%"]),
        "MONEY": lambda: rng.choice([f"${r(2, 900)} million", f"€{r(1, 50)} billion"]),
        "QUANTITY": lambda: rng.choice([f"{r(2, 900)} tonnes", f"{r(2, 90)} kilometres"]),
        "ORDINAL": lambda: rng.choice(ORDINAL),
        "CARDINAL": lambda: str(r(2, 5000)),
        "ZH_PERSON": lambda: rng.choice(ZH_PERSON),
        "ZH_GPE": lambda: rng.choice(ZH_GPE),
        "ZH_ORG": lambda: rng.choice(ZH_ORG),
    }


# Mini-language of the templates: {LABEL} an entity mention ({LABEL:src} the claim's source),
# <<...>> the claim, [[...]] the attribution cue, ((...)) a source span that is no entity.
ENTITY_SENTENCES = [
    "{PERSON} met {PERSON} in {GPE} on {DATE}.",
    "{ORG} said its revenue rose {PERCENT} to {MONEY} in the {ORDINAL} quarter.",
    "The {NORP} delegation toured the {FAC} before flying to {GPE}.",
    "Shipments of {QUANTITY} crossed the {LOC} at {TIME}, according to {ORG}.",
    "At the {EVENT}, {PERSON} presented the {PRODUCT} to {CARDINAL} visitors.",
    "The novel {WORK_OF_ART} was translated into {LANGUAGE} under the {LAW}.",
    "{PERSON} of {ORG} visited {GPE} and {GPE} in {DATE}.",
    "{ZH_PERSON}周五在{ZH_GPE}会见了{ZH_ORG}的代表。",
]
CLAIM_SENTENCES = [
    ("source", "{PERSON:src} [[said]] that <<{ORG} would cut {CARDINAL} jobs by {DATE}>>."),
    ("source", "According to {PERSON:src}, <<exports to {GPE} grew {PERCENT} since {DATE}>>."),
    ("source", "((Officials)) [[warned]] that <<the {LOC} route could close for {QUANTITY} of cargo>>."),
    ("source", "{ZH_PERSON:src}[[表示]]，<<{ZH_GPE}的经济增长了{PERCENT}>>。"),
    ("journalist", "<<The {LAW} has cost {ORG} more than {MONEY} since {DATE}>>."),
    ("journalist", "<<{GPE} hosted the {EVENT} for the {ORDINAL} time>>."),
    ("unattributed", "Reportedly, <<{ORG} plans to open a plant near the {FAC}>>."),
]
FILLER = [
    "The talks lasted several hours and covered trade, security and climate policy.",
    "Analysts cautioned that the figures are preliminary and may be revised.",
    "Few details of the agreement were made public after the meeting.",
    "Residents said the changes had been discussed for a long time.",
    "Markets reacted quickly {EMOJI} as traders weighed the news.",
    "Readers shared the story widely online {EMOJI} within an hour of publication.",
    "The report did not say how the money would be spent.",
    "Both sides described the discussions as frank and constructive.",
]
ZH_FILLER = ["会议持续了数个小时，双方讨论了贸易和气候问题。", "分析人士认为，这些数据仍需进一步核实。"]
HEADINGS = ["Background", "What comes next", "Reactions", "The numbers", "背景"]
_TOKEN = re.compile(r"\{(\w+?)(:src)?\}|<<|>>|\[\[|\]\]|\(\(|\)\)")


class Doc:
    """Text being written with the spans that point into it (offsets in code points)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surface = _surfaces(rng)
        self.text = ""
        self.sections, self.entities, self.claims = [], [], []

    def _entity(self, label: str) -> dict:
        surface = self.surface[label]()
        start = len(self.text)
        self.text += surface
        real = label[3:] if label.startswith("ZH_") else label
        e = {"id": f"e{len(self.entities) + 1}", "label": real, "start": start, "end": len(self.text), "text": surface}
        if real in ("PERSON", "ORG"):
            # one cluster per name, and the name fixes the label, so clusters never mix labels
            e["cluster"] = hashlib.sha1(surface.encode()).hexdigest()[:12]
        self.entities.append(e)
        return e

    def sentence(self, template: str, attribution: str | None = None) -> int:
        """Append a sentence; returns the number of entity mentions it added."""
        marks, src = {}, None
        n = 0
        pos = 0
        template = template.replace("{EMOJI}", self.rng.choice(EMOJI))
        for m in _TOKEN.finditer(template):
            self.text += template[pos : m.start()]
            pos = m.end()
            tok = m.group()
            if m.group(1):
                e = self._entity(m.group(1))
                n += 1
                if m.group(2):
                    src = e["id"]
            else:
                marks[tok] = len(self.text)
        self.text += template[pos:]
        if attribution is not None:
            s, e = marks["<<"], marks[">>"]
            attr = {"type": attribution}
            if src:
                attr["source"] = src
            if "((" in marks:
                attr["source_span"] = self._bare(marks["(("], marks["))"])
            if "[[" in marks:
                attr["cue"] = self._bare(marks["[["], marks["]]"])
            self.claims.append(
                {
                    "id": f"c{len(self.claims) + 1}",
                    "start": s,
                    "end": e,
                    "text": self.text[s:e],
                    "attribution": attr,
                    "checkworthy": self.rng.random() < 0.6,
                }
            )
        return n

    def _bare(self, s: int, e: int) -> dict:
        return {"start": s, "end": e, "text": self.text[s:e]}

    def section(self, label: str, write) -> None:
        if self.text:
            self.text += "\n\n"
        start = len(self.text)
        write()
        self.sections.append(
            {
                "id": f"s{len(self.sections) + 1}",
                "label": label,
                "start": start,
                "end": len(self.text),
                "text": self.text[start:],
            }
        )


def make_document(index: int, seed: int) -> tuple[str, dict, dict]:
    """(text, meta, annotation) of document number index; a pure function of (index, seed)."""
    rng = random.Random(f"{seed}:{index}")
    doc_id = f"bench-{index:07d}"
    section_labels = set(schema.section_labels())
    for needed in ("headline", "byline", "dateline", "paragraph", "heading"):
        assert needed in section_labels, f"the schema has no section label {needed!r}"
    n_sections = rng.randint(13, 17)
    n_entities = rng.randint(34, 46)
    n_claims = rng.randint(8, 12)
    length = max(2500, int(rng.gauss(4000, 350)))

    d = Doc(rng)
    # the headline's names are annotated like any other (an unannotated one is a mention-missed warning);
    # the number has 7 digits, so it never reads as a CARDINAL of the body
    d.section("headline", lambda: d.sentence(f"{{ORG}} report {index:07d}: talks in {{GPE}} move ahead"))
    title = d.text
    d.section("byline", lambda: d.sentence("By {PERSON}"))
    d.section("dateline", lambda: d.sentence("Published: {DATE} at {TIME}"))

    # Sentences for the body: the claims, then enough entity sentences, then filler to length.
    body: list[tuple[str, str | None]] = [
        (t, kind) for kind, t in (rng.choice(CLAIM_SENTENCES) for _ in range(n_claims))
    ]
    planned = 2 + sum(t.count("{") for t, _ in body)
    while planned < n_entities:
        t = rng.choice(ENTITY_SENTENCES)
        body.append((t, None))
        planned += t.count("{")
    rng.shuffle(body)
    n_blocks = n_sections - 3
    headings = {i for i in range(2, n_blocks - 1) if rng.random() < 0.15}
    paragraphs = [i for i in range(n_blocks) if i not in headings]
    chunks = {i: [] for i in paragraphs}
    for k, s in enumerate(body):
        chunks[paragraphs[k % len(paragraphs)]].append(s)
    per_par = (length - len(d.text)) / len(paragraphs)
    for i in range(n_blocks):
        if i in headings:
            d.section("heading", lambda: setattr(d, "text", d.text + rng.choice(HEADINGS)))
            continue

        def write(sentences=chunks[i]):
            start = len(d.text)
            for t, kind in sentences:
                if len(d.text) > start:
                    d.text += " "
                d.sentence(t, kind)
            while len(d.text) - start < per_par - 40:
                if len(d.text) > start:
                    d.text += " "
                d.sentence(rng.choice(ZH_FILLER if rng.random() < 0.1 else FILLER))

        d.section("paragraph", write)
    text = d.text + "\n"
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = {
        "schema_version": schema.SCHEMA_VERSION,
        "id": doc_id,
        "language": "en",
        "date": f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "title": title,
        "authors": [next(e["text"] for e in d.entities if e["label"] == "PERSON")],
        "topic": rng.choice(["World", "Business", "China", "Science"]),
        "source": "newsspan synthetic benchmark",
        "url": "unknown",
        "license": "CC0-1.0",
        "text_sha256": sha,
        "source_sha256": sha,
    }
    ann = {
        "schema_version": schema.SCHEMA_VERSION,
        "document_id": doc_id,
        "text_sha256": sha,
        "annotators": ["bench"],
        "guidelines_version": "1.0.0",
        "status": rng.choice(["gold", "complete"]),
        "sections": d.sections,
        "entities": d.entities,
        "claims": d.claims,
    }
    return text, meta, ann


def dump(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_corpus(out: Path, docs: int, seed: int = 0) -> None:
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    (out / "annotations").mkdir(parents=True, exist_ok=True)
    for i in range(docs):
        text, meta, ann = make_document(i, seed)
        doc_id = meta["id"]
        (out / "corpus" / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        (out / "corpus" / f"{doc_id}.meta.json").write_bytes(dump(meta))
        (out / "annotations" / f"{doc_id}.json").write_bytes(dump(ann))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, required=True, metavar="N", help="number of documents")
    p.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="corpus root to write (must not hold a corpus yet)"
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    args = p.parse_args(argv)
    if args.docs < 1:
        p.error("--docs must be at least 1")
    for sub in ("corpus", "annotations"):
        if (args.out / sub).exists() and any(os.scandir(args.out / sub)):
            print(f"make_corpus: {args.out / sub} is not empty; choose a new folder", file=sys.stderr)
            return 1
    write_corpus(args.out, args.docs, args.seed)
    print(f"make_corpus: wrote {args.docs} documents to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
