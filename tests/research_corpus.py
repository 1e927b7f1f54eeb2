"""A corpus of small news documents written out as a research project would hand it over: WebAnno TSV 3.3
files, CoNLL-U files with CorefUD `Entity=` brackets, UIMA CAS JSON files (one per document).

Each document is a list of sentences; each sentence a list of (form, space_after, entity) tokens, where
entity is None or (entity id, label, "B"/"I"). The writers follow each format's specification (see
docs/formats.md); `expected()` is what an import must find: (label, text) per document.
"""

import json

PEOPLE = [
    "Angela Merkel",
    "Olaf Scholz",
    "Anne Hidalgo",
    "Joe Biden",
    "Ursula von der Leyen",
    "Pedro Sanchez",
    "Giorgia Meloni",
    "Mark Rutte",
    "Donald Tusk",
    "Viktor Orban",
    "Emmanuel Macron",
]
PLACES = ["Berlin", "Paris", "Madrid", "Rome", "Warsaw", "Brussels", "Vienna", "Lisbon", "Athens", "Prague", "Dublin"]
ORGS = ["NATO", "the European Commission", "the Bundestag", "Reuters", "the United Nations"]
LABELS = {"PER": "PERSON", "LOC": "GPE", "ORG": "ORG"}


def _tokens(phrase, eid, label):
    words = phrase.split(" ")
    return [(w, True, (eid, label, "B" if k == 0 else "I")) for k, w in enumerate(words)]


def documents(n=22):
    """n documents: {name: [sentence, ...]}; every one with mentions of people, places and organisations."""
    docs = {}
    for i in range(n):
        person, place, org = PEOPLE[i % len(PEOPLE)], PLACES[(i * 3) % len(PLACES)], ORGS[i % len(ORGS)]
        other = PEOPLE[(i + 4) % len(PEOPLE)]
        s1 = _tokens(person, "e1", "PER") + [("visits", True, None)] + _tokens(place, "e2", "LOC")
        s1[-1] = (s1[-1][0], True, s1[-1][2])
        s2 = (
            [("On", True, None), ("day", True, None), (str(i + 1), False, None), (",", True, None)]
            + _tokens(person, "e1", "PER")
            + [("met", True, None)]
            + _tokens(other, "e3", "PER")
            + [("and", True, None), ("spoke", True, None), ("to", True, None)]
            + _tokens(org, "e4", "ORG")
        )
        s2[-1] = (s2[-1][0], False, s2[-1][2])
        s2.append((".", False, None))
        s3 = [("Talks", True, None), ("continue", True, None), ("in", True, None)] + _tokens(place, "e2", "LOC")
        s3[-1] = (s3[-1][0], False, s3[-1][2])
        s3.append((".", False, None))
        docs[f"Report {i + 1:02d}"] = [s1, s2, s3]
    return docs


def sentence_text(sent):
    return "".join(form + (" " if space and k < len(sent) - 1 else "") for k, (form, space, _) in enumerate(sent))


def expected(docs):
    """(label, text) of every mention per document, sorted."""
    out = {}
    for name, sents in docs.items():
        text, spans = _spans(sents)
        out[name] = sorted((LABELS[label], text[a:b]) for label, _, a, b in spans)
    return out


def _spans(sents, join="\n"):
    """Document text (sentences joined by a line break, one at the end) and (label, start, end) of its mentions."""
    text, spans = "", []
    for sent in sents:
        base = len(text)
        stext, pos, cur = sentence_text(sent), 0, None
        for form, _, ent in sent:
            start = stext.index(form, pos)
            pos = start + len(form)
            if ent and ent[2] == "B":
                cur = [ent[1], ent[0], base + start, base + pos]
                spans.append(cur)
            elif ent:
                cur[3] = base + pos
        text += stext + join
    return text, spans


def _lengths(sent):
    """For each token that begins a mention: the number of tokens of that mention."""
    out = {}
    for k, (_, _, ent) in enumerate(sent):
        if ent and ent[2] == "B":
            n = 1
            while k + n < len(sent) and sent[k + n][2] == (ent[0], ent[1], "I"):
                n += 1
            out[k] = n
    return out


def write_webanno(docs, folder):
    """Single-token mentions without an id, multi-token ones joined by [N]; offsets in UTF-16 units (all BMP here)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, sents in docs.items():
        lines = [
            "#FORMAT=WebAnno TSV 3.3",
            "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|identifier|value",
            "",
            "",
        ]
        base, next_id = 0, 1
        for s_no, sent in enumerate(sents, 1):
            stext = sentence_text(sent)
            lines.append(f"#Text={stext}")
            pos, current = 0, ""
            lengths = _lengths(sent)
            for k, (form, _, ent) in enumerate(sent):
                start = stext.index(form, pos)
                pos = start + len(form)
                if k in lengths:
                    current = f"[{next_id}]" if lengths[k] > 1 else ""
                    next_id += lengths[k] > 1
                value, ident = (ent[1] + current, "*" + current) if ent else ("_", "_")
                lines.append(f"{s_no}-{k + 1}\t{base + start}-{base + pos}\t{form}\t{ident}\t{value}\t")
            lines.append("")
            base += len(stext) + 1
        (folder / f"{name}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_conllu(docs, folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, sents in docs.items():
        lines = ["# newdoc", f"# meta::title = {name}"]
        for s_no, sent in enumerate(sents, 1):
            if s_no > 1:
                lines.append("")
            lines += [f"# sent_id = {s_no}", f"# text = {sentence_text(sent)}"]
            for t_no, (form, space, ent) in enumerate(sent, 1):
                misc = []
                if ent:
                    nxt = sent[t_no][2] if t_no < len(sent) else None
                    last = not (nxt and nxt[0] == ent[0] and nxt[2] == "I")
                    label = {"PER": "person", "LOC": "place", "ORG": "organization"}[ent[1]]
                    if ent[2] == "B":
                        misc.append(f"Entity=({ent[0]}-{label}-1" + (")" if last else ""))
                    elif last:
                        misc.append(f"Entity={ent[0]})")
                if not space and t_no < len(sent):
                    misc.append("SpaceAfter=No")
                lines.append("\t".join([str(t_no), form, "_", "_", "_", "_", "_", "_", "_", "|".join(misc) or "_"]))
        (folder / f"{name}.conllu").write_text("\n".join(lines) + "\n\n", encoding="utf-8")


def write_uima(docs, folder):
    folder.mkdir(parents=True, exist_ok=True)
    ne = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
    types = {
        ne: {
            "%NAME": ne,
            "%SUPER_TYPE": "uima.tcas.Annotation",
            "value": {"%NAME": "value", "%RANGE": "uima.cas.String"},
        }
    }
    for name, sents in docs.items():
        text, spans = _spans(sents)
        fs = [
            {
                "%ID": 1,
                "%TYPE": "uima.cas.Sofa",
                "sofaNum": 1,
                "sofaID": "_InitialView",
                "mimeType": "text",
                "sofaString": text,
            }
        ]
        for k, (label, _, a, b) in enumerate(spans, 2):
            fs.append({"%ID": k, "%TYPE": ne, "@sofa": 1, "begin": a, "end": b, "value": label})
        data = {
            "%TYPES": types,
            "%FEATURE_STRUCTURES": fs,
            "%VIEWS": {"_InitialView": {"%SOFA": 1, "%MEMBERS": list(range(2, len(fs) + 1))}},
        }
        (folder / f"{name}.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


WRITERS = {"webanno": write_webanno, "conllu": write_conllu, "uima": write_uima}
LABEL_MAPS = {
    "webanno": "PER=PERSON,LOC=GPE,ORG=ORG",
    "uima": "PER=PERSON,LOC=GPE,ORG=ORG",
    "conllu": "person=PERSON,place=GPE,organization=ORG",
}
