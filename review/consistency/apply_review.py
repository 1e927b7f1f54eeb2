"""The consistency review of the released GUM layers (guidelines 1.1.0, section 6), as data.

Every change below was decided by hand, reading the candidate in its context; this file only
applies the decisions to annotations/<id>.json and writes the table of review/consistency/CHANGES.md.
Each change names its span by offsets and exact quote, and the script refuses (writing nothing)
when a quote is not at its offsets, when the "before" state is not found (the review was applied
already, or the layer changed since), or when the result does not round-trip through the model.

    python review/consistency/apply_review.py            # check every change, write nothing
    python review/consistency/apply_review.py --write    # apply, write the layers and the table of CHANGES.md

Layers are written in the canonical form (newsspan.model.Annotation.dumps()), entities and claims
renumbered in document order (claim sources follow their entities); the provenance note of each
changed layer gets "consistency review (guidelines 1.1.0)" appended, its steps are kept.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from newsspan.model import Annotation  # noqa: E402

NOTE = "consistency review (guidelines 1.1.0)"
GOLD = {
    "gum_news_homeopathic",
    "gum_news_iodine",
    "gum_news_nasa",
    "gum_news_sensitive",
    "gum_interview_cyclone",
    "gum_interview_gaming",
    "gum_interview_hill",
    "gum_interview_libertarian",
}

# A span is (start, quote). Entity ops: add, relabel, respan, split, merge, delete.
# Claim ops: respan, attr, add, delete, cue. Each change: doc, op, rule (guidelines 1.1.0), why.
J = {"type": "journalist"}
E = []


def ent(doc, op, rule, why, **kw):
    E.append(dict(doc=doc, layer="entities", op=op, rule=rule, why=why, **kw))


def clm(doc, op, rule, why, **kw):
    E.append(dict(doc=doc, layer="claims", op=op, rule=rule, why=why, **kw))


# ---------------------------------------------------------------- entities: numbers and dates
FREQ = "6.2.3 frequencies with a time unit are DATE"
ent(
    "gum_news_afghan",
    "add",
    FREQ,
    "plans to hold the contest in a different country every year",
    span=(4965, "every year"),
    label="DATE",
    cluster="every-year",
)
ent(
    "gum_news_crane",
    "add",
    FREQ,
    "the annual pilgrimage to Mecca",
    span=(1108, "annual"),
    label="DATE",
    cluster="annual",
)
ent(
    "gum_news_crane",
    "add",
    FREQ,
    "millions of pilgrims arrive in Mecca each year",
    span=(1313, "each year"),
    label="DATE",
    cluster="each-year",
)
ent(
    "gum_news_stampede",
    "add",
    FREQ,
    "during the annual Hajj pilgrimage",
    span=(209, "annual"),
    label="DATE",
    cluster="annual",
)
ent(
    "gum_news_defector",
    "add",
    FREQ,
    "significant time invested in work per day",
    span=(1199, "per day"),
    label="DATE",
    cluster="per-day",
)
ent(
    "gum_news_lanterns",
    "add",
    FREQ,
    "definitely avoid the weekends (every weekend)",
    span=(2635, "the weekends"),
    label="DATE",
    cluster="the-weekends",
)
ent("gum_interview_ants", "add", FREQ, "three times per day", span=(3550, "per day"), label="DATE", cluster="per-day")
ent(
    "gum_interview_cocktail",
    "add",
    FREQ,
    "we're now pouring around ten a night",
    span=(5425, "a night"),
    label="DATE",
    cluster="a-night",
)
ent(
    "gum_interview_herrick",
    "add",
    FREQ,
    "every month wikiHow gets noticeably better",
    span=(1011, "every month"),
    label="DATE",
    cluster="every-month",
)
ent(
    "gum_interview_herrick",
    "add",
    FREQ,
    "over 14 million unique visitors per month",
    span=(1473, "per month"),
    label="DATE",
    cluster="per-month-1",
)
ent(
    "gum_interview_herrick",
    "add",
    FREQ,
    "wikiHow now has millions of visitors per month (interviewer)",
    span=(6035, "per month"),
    label="DATE",
    cluster="per-month-2",
)

VAGUE = "6.2.7 vague periods and bare 'the past' are DATE"
ent(
    "gum_interview_herrick",
    "add",
    VAGUE,
    "this goal will take decades to achieve",
    span=(1311, "decades"),
    label="DATE",
    cluster="decades",
)
for s in (3219, 3267, 4418):
    ent(
        "gum_interview_peres",
        "add",
        VAGUE + " (adjudicator's pattern 8: cyclone)",
        {
            3219: "whoever dwells in the past",
            3267: "because the past is full of prejudices",
            4418: "wars which are an inertia from the past",
        }[s],
        span=(s, "the past"),
        label="DATE",
        cluster="the-past",
    )

TIME = "6.2.2 parts of a day and durations under a day are TIME"
ent(
    "gum_interview_ants",
    "add",
    TIME,
    "I could just look at them for hours",
    span=(1906, "hours"),
    label="TIME",
    cluster="hours",
)
ent(
    "gum_interview_licen",
    "add",
    TIME,
    "So daytime events will be shown live",
    span=(2840, "daytime"),
    label="TIME",
    cluster="daytime",
)
ent(
    "gum_interview_licen",
    "add",
    TIME,
    "and evening prime-time events will be shown",
    span=(2927, "evening prime-time"),
    label="TIME",
    cluster="evening-prime-time",
)

AGE = "6.2.1 ages are DATE over the whole age expression"
ent(
    "gum_news_imprisoned",
    "respan",
    AGE,
    "In 1995, at age seventeen: 'age' belongs to the expression (as 'age 80', chomsky)",
    at=(554, "seventeen"),
    to=(550, "age seventeen"),
    cluster="age-seventeen",
)

FOCUS = "6.2.4 focus adverbs ('only', 'just') outside numeric spans"
ent(
    "gum_news_flag",
    "respan",
    FOCUS,
    "a recent poll found only a quarter of citizens",
    at=(1869, "only a quarter"),
    to=(1874, "a quarter"),
    cluster="cardinal-a-quarter-5",
)
ent(
    "gum_news_soccer",
    "respan",
    FOCUS,
    "Just two minutes in the second half",
    at=(1901, "Just two minutes"),
    to=(1906, "two minutes"),
    cluster="two-minutes",
)

RANGE = "6.2.6 bounds joined by words (from/to, through, or) are separate mentions"
ent(
    "gum_news_afghan",
    "split",
    RANGE,
    "scored one or two points",
    at=(1743, "one or two"),
    parts=[(1743, "one", "cardinal-one-or-two-a"), (1750, "two", "cardinal-one-or-two-b")],
)
ent(
    "gum_news_taxes",
    "split",
    RANGE,
    "for the period from 2004 to 2009",
    at=(1258, "2004 to 2009"),
    parts=[(1258, "2004", "2004"), (1266, "2009", "2009")],
)
ent(
    "gum_news_taxes",
    "split",
    RANGE,
    "the taxes requested in arrears from 2006 to 2009",
    at=(1820, "2006 to 2009"),
    parts=[(1820, "2006", "2006"), (1828, "2009", "2009")],
)
ent(
    "gum_news_warhol",
    "split",
    RANGE,
    "is to run from January 23 through March 9 (the opening, January 23, 2014)",
    at=(1108, "January 23 through March 9"),
    parts=[(1108, "January 23", "january-23-2014"), (1127, "March 9", "march-9-2014")],
)
ent(
    "gum_news_warming",
    "split",
    RANGE,
    "surface ozone has declined ... from 1980 to 2012",
    at=(3121, "1980 to 2012"),
    parts=[(3121, "1980", "1980"), (3129, "2012", "2012")],
)
ent(
    "gum_interview_onion",
    "split",
    RANGE,
    "We read about six hundred to eight hundred headline ideas",
    at=(507, "about six hundred to eight hundred"),
    parts=[(507, "about six hundred", "cardinal-about-six-hundred"), (528, "eight hundred", "cardinal-eight-hundred")],
)
ent(
    "gum_interview_onion",
    "split",
    RANGE,
    "a list of 15 or 20 headline ideas",
    at=(1455, "15 or 20"),
    parts=[(1455, "15", "cardinal-15"), (1461, "20", "cardinal-20")],
)

ONE = "6.2.5 'one' counting members of a set is CARDINAL, the pronoun 'one' is none"
ent(
    "gum_interview_shalev",
    "add",
    ONE,
    "two different time scapes: one goes very slow and one goes very fast",
    span=(4943, "one"),
    label="CARDINAL",
    cluster="cardinal-one-time-scape-1",
)
ent(
    "gum_interview_shalev",
    "add",
    ONE,
    "... and one goes very fast",
    span=(4966, "one"),
    label="CARDINAL",
    cluster="cardinal-one-time-scape-2",
)
ent(
    "gum_interview_stardust",
    "add",
    ONE,
    "It is really two missions in one",
    span=(1027, "one"),
    label="CARDINAL",
    cluster="cardinal-one-mission",
)
ent(
    "gum_interview_stardust",
    "add",
    ONE,
    "One thing that I should say (numeral determiner, as 'One example' in onion)",
    span=(4419, "One"),
    label="CARDINAL",
    cluster="cardinal-one-thing",
)

# ---------------------------------------------------------------- entities: names
THE = "6.1.1 a capital 'The' is inside a name only for a publication's or work's own name"
ent(
    "gum_news_expo",
    "respan",
    THE,
    "Other charitable fan-based groups included The Ontario Ghostbusters (a fan group)",
    at=(2650, "The Ontario Ghostbusters"),
    to=(2654, "Ontario Ghostbusters"),
)
ent(
    "gum_news_expo",
    "respan",
    THE,
    "Epic Mickey by The Katherinator (a cosplayer's handle)",
    at=(3019, "The Katherinator"),
    to=(3023, "Katherinator"),
    cluster="katherinator",
)
ent(
    "gum_news_expo",
    "respan",
    THE,
    'a cosplayer going by the name "The Katherinator"',
    at=(3378, "The Katherinator"),
    to=(3382, "Katherinator"),
    cluster="katherinator",
)
ent(
    "gum_news_expo",
    "respan",
    THE,
    "Peekaboo Cosplay as The Fawn (a character)",
    at=(4029, "The Fawn"),
    to=(4033, "Fawn"),
)
ent(
    "gum_news_warhol",
    "respan",
    THE,
    "such bands as The Velvet Underground (a band, no publication or work)",
    at=(9322, "The Velvet Underground"),
    to=(9326, "Velvet Underground"),
    cluster="velvet-underground",
)

ent(
    "gum_interview_mckenzie",
    "merge",
    "6.1.2 editorial brackets inside a name are part of its span",
    "The competition from the [FIFA] World Cup: one EVENT, the bracketed word completes the name",
    parts=[(2499, "FIFA"), (2505, "World Cup")],
    to=(2498, "[FIFA] World Cup"),
    label="EVENT",
    kb_id="Q19317",
    cluster="fifa-world-cup",
)
ent(
    "gum_news_afghan",
    "respan",
    "6.1.3 a country is GPE in every reading, national teams included",
    "Team Estonia had to rebuild their robot: the country's name designating its team",
    at=(4080, "Team Estonia"),
    to=(4085, "Estonia"),
    label="GPE",
    cluster="estonia",
)
ent(
    "gum_news_taxes",
    "add",
    "6.1.4 a capitalised short form of a named organisation is ORG (adjudicator's pattern 11)",
    "The case on which the Court has ruled (the Supreme Court of Cassation named before)",
    span=(1106, "Court"),
    label="ORG",
    cluster="supreme-court-of-cassation",
)
MUSEUM = "6.1.6 museums and galleries are FAC in every reading (GUM decisions, gold nasa)"
for s, q in [
    (1259, "McCutchan Art Center / Pace Galleries"),
    (3167, "Tang Teaching Museum and Art Gallery"),
    (3308, "Mary & Leigh Block Museum of Art"),
    (3521, "Weatherspoon Art Museum"),
]:
    ent("gum_news_warhol", "relabel", MUSEUM, f"{q}: ORG -> FAC", at=(s, q), label="FAC")

# ---------------------------------------------------------------- claims
NOCLAIM = "6.4.1 reported opinion, directive, prediction, promise or hedged inference is no source claim"
clm(
    "gum_news_asylum",
    "attr",
    NOCLAIM,
    "'8000 migrants may be currently at sea': a hedged estimate; the sentence is "
    "the journalist's claim that the estimates say so",
    at=(1982, "8000 migrants may be currently at sea in the region"),
    to=(1964, "Estimates suggest 8000 migrants may be currently at sea in the region"),
    attribution=J,
)
clm(
    "gum_news_warming",
    "attr",
    NOCLAIM,
    "'some crops may have higher yields': a possibility; speech-act reading",
    at=(2356, "some crops may have higher yields with increased levels of carbon dioxide"),
    to=(
        2310,
        "The U.S. Environmental Protection Agency says some crops may have higher yields with increased levels of "
        "carbon dioxide",
    ),
    attribution=J,
)
clm(
    "gum_news_questionnaire",
    "attr",
    NOCLAIM,
    "the letter's warning ('may result in ... being withdrawn'); speech-act "
    "reading, the quotation marks inside the sentence span",
    at=(
        1195,
        "failure to return the questionnaire without reasonable explanation may result in an individual's asylum "
        "claim being withdrawn in line with the published policy",
    ),
    to=(
        1147,
        'A leaked internal letter seen by Sky News says "failure to return the questionnaire without reasonable '
        "explanation may result in an individual's asylum claim being withdrawn in line with the published "
        'policy"',
    ),
    attribution=J,
)
clm(
    "gum_news_questionnaire",
    "delete",
    NOCLAIM,
    "'no one will be refused ...' is an assurance (promise) the i reports; "
    "the speech act joins the journalist claim of the same sentence (next row)",
    at=(1537, 'no one will be refused "based solely on the response of the questionnaire"'),
)
clm(
    "gum_news_questionnaire",
    "respan",
    NOCLAIM,
    "one journalist claim over the sentence reporting both assurances; "
    "checkworthy true (it held the i's report, checkworthy true)",
    at=(1445, "Officials tell BBC News every claim will be assessed meritocratically"),
    to=(
        1445,
        "Officials tell BBC News every claim will be assessed meritocratically, with the i reporting no one will "
        'be refused "based solely on the response of the questionnaire"',
    ),
    checkworthy=True,
)
clm(
    "gum_interview_herrick",
    "delete",
    NOCLAIM + " (in an interview: no claim)",
    "'we are probably the most popular single subject wiki after Wikipedia': a hedged inference from traffic figures",
    at=(1331, "However, in terms of readership, we are probably the most popular single subject wiki after Wikipedia"),
)

CUT = "6.4.2 clauses that only evaluate, predict or give a motive are cut from a claim (adjudicator's pattern 1)"
clm(
    "gum_news_afghan",
    "respan",
    CUT,
    "'We were so interested because we hadn't long or enough time ...' is a feeling "
    "and its motive; the claim is the checkable clause (as annotator-a's notes say)",
    at=(
        2197,
        "We were so interested because we hadn't long or enough time to get ready for competition but we came to "
        "United States and now we are here because of Trump intervention",
    ),
    to=(2290, "we came to United States and now we are here because of Trump intervention"),
)
clm(
    "gum_news_clock",
    "respan",
    CUT,
    "'because international dignitaries wanted to meet with his son ...' gives the motive",
    at=(
        2001,
        "he was taking his entire family to the U.N. headquarters in New York, because international dignitaries "
        "wanted to meet with his son and express their support",
    ),
    to=(2001, "he was taking his entire family to the U.N. headquarters in New York"),
)
clm(
    "gum_news_imprisoned",
    "respan",
    CUT,
    "'so they could be closer to the church's headquarters' gives the motive",
    at=(
        357,
        "Paris was born in Switzerland but her parents moved her to the United Kingdom when she was six so they "
        "could be closer to the church's headquarters",
    ),
    to=(357, "Paris was born in Switzerland but her parents moved her to the United Kingdom when she was six"),
)
clm(
    "gum_news_lanterns",
    "respan",
    CUT,
    "'this year the city expects about 6 million visitors' is a prediction; the source claim is the attendance figure",
    at=(
        1012,
        "Last Year over 4 million visitors attended the event and this year the city expects about 6 million visitors",
    ),
    to=(1012, "Last Year over 4 million visitors attended the event"),
)
clm(
    "gum_news_questionnaire",
    "respan",
    CUT,
    "'we want a system whereby ...' states an intention; cut after the checkable part",
    at=(
        5295,
        "The Home Secretary and I are working intensely and as quickly as possible to bring forward that legislation "
        "[...] in the meantime our deals with Albania and France are already yielding benefits [...] we want a "
        "system whereby if someone arrives in our country illegally they will not be able to stay",
    ),
    to=(
        5295,
        "The Home Secretary and I are working intensely and as quickly as possible to bring forward that legislation "
        "[...] in the meantime our deals with Albania and France are already yielding benefits",
    ),
)
clm(
    "gum_news_soccer",
    "respan",
    CUT,
    "'but it felt like the first' is a feeling",
    at=(2691, "This is the fifth time I've been at a World Cup but it felt like the first"),
    to=(2691, "This is the fifth time I've been at a World Cup"),
)
clm(
    "gum_interview_chomsky",
    "respan",
    CUT,
    "'so Russia would at least have a kind of security zone' gives the motive",
    at=(
        2032,
        "Nevertheless he agreed, but there was a quid pro quo, namely that NATO should not expand to the east, so "
        "Russia would at least have a kind of security zone",
    ),
    to=(2032, "Nevertheless he agreed, but there was a quid pro quo, namely that NATO should not expand to the east"),
)
clm(
    "gum_interview_daly",
    "respan",
    CUT,
    "'in hopes that I could help with an identification' gives the motive",
    at=(
        156,
        "Frank Rack got in touch after they returned from Antarctica in hopes that I could help with an "
        "identification on the anemone",
    ),
    to=(156, "Frank Rack got in touch after they returned from Antarctica"),
)
clm(
    "gum_interview_stardust",
    "respan",
    CUT,
    "'This is a big challenge because ...': the main clause only evaluates; the "
    "claim is the checkable content of the because-clause",
    at=(
        2274,
        "This is a big challenge because they are very small (order of micron in size) and are somewhere (we don't "
        "know where) on a HUGE collector — at least on the scale of the particle size — about a tenth of a "
        "square meter",
    ),
    to=(
        2306,
        "they are very small (order of micron in size) and are somewhere (we don't know where) on a HUGE collector "
        "— at least on the scale of the particle size — about a tenth of a square meter",
    ),
)

UNNAMED = "6.3.2 a guest never named in the text: source_span on their own 'I' in the same answer turn"
clm(
    "gum_interview_dungeon",
    "respan",
    CUT,
    "'so that I have an idea' gives the purpose; the turn's two checkable "
    "statements are two claims (this row and the next)",
    at=(
        3297,
        "I also have a profile they fill out for me, a mini-MMPI that I developed, so that I have an idea -- "
        "Rebecca and I put it together",
    ),
    to=(3297, "I also have a profile they fill out for me, a mini-MMPI that I developed"),
    attribution={"type": "source", "source_span": (3379, "I")},
)
clm(
    "gum_interview_dungeon",
    "add",
    CUT + "; " + UNNAMED,
    "Bill's correction 'Rebecca and I put it together', source "
    "his 'I' of 'so that I have an idea' (outside both claims)",
    span=(3397, "Rebecca and I put it together"),
    attribution={"type": "source", "source_span": (3379, "I")},
    checkworthy=False,
)
clm(
    "gum_interview_dungeon",
    "attr",
    UNNAMED,
    "Bill (never named): 'the owners of a dungeon' (headline) -> his own 'I' of 'I'm not sure which one you gave him'",
    at=(4403, "there's a brief, brief, brief IQ test there"),
    attribution={"type": "source", "source_span": (4362, "I")},
)

FRAME = "6.3.3 the guest's own frames ('I think', 'I remember') are no cue"
clm(
    "gum_interview_ants",
    "cue",
    FRAME,
    "'This was in my third year of Biology study I think': a hedged recollection, "
    "kept as the guest's claim without cue",
    at=(1937, "This was in my third year of Biology study"),
    cue=None,
)
clm(
    "gum_interview_dungeon",
    "cue",
    FRAME,
    "'I remember one of our ads ... said': cue 'remember' removed",
    at=(776, 'one of our ads that I had put in said, "If you think nice girls don\'t do S&M,"'),
    cue=None,
)
clm(
    "gum_interview_dungeon",
    "cue",
    FRAME,
    "'And I think I remember, a bunch of guys called': cue 'think' removed",
    at=(1146, "a bunch of guys called because of that also"),
    cue=None,
)

CAPTION = "6.5.1 a caption without a finite verb is a picture label and no claim; with a finite verb it is a claim"
clm(
    "gum_interview_ants",
    "delete",
    CAPTION,
    "'Example of aerated concrete, which provided ...': the caption itself has no "
    "finite verb (the relative clause does not count, as 'File image of ... , which approaches ...' in gold nasa)",
    at=(3620, "Example of aerated concrete, which provided a home for the subjects"),
)
clm(
    "gum_interview_dungeon",
    "delete",
    CAPTION,
    "'Personality test questions given to prospective mistresses' has no finite verb",
    at=(2548, "Personality test questions given to prospective mistresses"),
)
clm(
    "gum_news_expo",
    "add",
    CAPTION,
    "finite verb 'pose'; checkworthy false (picture description)",
    span=(2734, "Brampton Spider-Gwen and Symbiote Spidey pose at the Comic Corps booth"),
    attribution=J,
    checkworthy=False,
)
clm(
    "gum_news_expo",
    "add",
    CAPTION,
    "finite verb 'share'; checkworthy false (picture description)",
    span=(2886, "Successful Stormtroopers share a high-five"),
    attribution=J,
    checkworthy=False,
)
clm(
    "gum_interview_cocktail",
    "add",
    CAPTION,
    "finite verb 'displays'; checkworthy false",
    span=(
        3079,
        "Pacific Standard owner, Jonathan M. Stan, displays the Santorum cocktail drink as a finished product at "
        "the bar",
    ),
    attribution=J,
    checkworthy=False,
)

clm(
    "gum_interview_onion",
    "add",
    "6.3.5 an interview headline naming its guest is a journalist claim",
    "'The Onion: An interview with America's Finest News Source' names the interviewee (as dungeon, daly, messina, "
    "gold gaming and cyclone); checkworthy false",
    span=(0, "The Onion: An interview with 'America's Finest News Source'"),
    attribution=J,
    checkworthy=False,
)

clm(
    "gum_news_nasa",
    "cue",
    "6.4.3 a quotation continuing in the next sentence or block keeps the opening cue "
    "(adjudicator's pattern 2) -- gold layer, listed",
    "the quote block continues Gregoire's statement; the other claim of the block (c25) has the cue, this one had none",
    at=(5471, "Visitors will not be allowed in the other shuttles"),
    cue=(4671, "said"),
)


# ---------------------------------------------------------------- applying
class Refused(Exception):
    pass


def _span(text, start, quote, what):
    if text[start : start + len(quote)] != quote:
        raise Refused(f"{what}: {quote!r} is not at {start} (found {text[start : start + len(quote)]!r})")
    return {"start": start, "end": start + len(quote), "text": quote}


def _find(items, at, what):
    hits = [x for x in items if x["start"] == at[0] and x["text"] == at[1]]
    if len(hits) != 1:
        raise Refused(f"{what}: {len(hits)} items at {at[0]} with quote {at[1]!r}")
    return hits[0]


def _attribution(text, d, entities, spec):
    out = {"type": spec["type"]}
    if "source" in spec:
        out["source"] = _find(entities, spec["source"], "source")["id"]
    if "source_span" in spec:
        out["source_span"] = _span(text, *spec["source_span"], "source_span")
    if spec.get("cue"):
        out["cue"] = _span(text, *spec["cue"], "cue")
    return out


def apply(doc, changes, rows):
    path = ROOT / "annotations" / f"{doc}.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    text = (ROOT / "corpus" / f"{doc}.txt").read_text(encoding="utf-8")
    ents, claims = d["entities"], d["claims"]
    fresh = iter(f"new{i}" for i in range(1000))
    touched = set()
    for ch in changes:
        touched.add(ch["layer"])
        op, what = ch["op"], f"{doc} {ch['layer']} {ch['op']}"
        if ch["layer"] == "entities":
            if op == "add":
                new = {"id": next(fresh), "label": ch["label"], **_span(text, *ch["span"], what)}
                if any(e["start"] < new["end"] and new["start"] < e["end"] for e in ents):
                    raise Refused(f"{what}: {new['text']!r} overlaps an entity")
                new["cluster"] = ch["cluster"]
                ents.append(new)
                before, after = "(none)", f"{ch['label']} `{new['text']}`"
            elif op in ("relabel", "respan"):
                e = _find(ents, ch["at"], what)
                before = f"{e['label']} `{e['text']}`"
                if op == "respan":
                    e.update(_span(text, *ch["to"], what))
                if "label" in ch:
                    e["label"] = ch["label"]
                if "cluster" in ch:
                    e["cluster"] = ch["cluster"]
                after = f"{e['label']} `{e['text']}`"
            elif op == "split":
                e = _find(ents, ch["at"], what)
                ents.remove(e)
                for s, q, cluster in ch["parts"]:
                    ents.append({"id": next(fresh), "label": e["label"], **_span(text, s, q, what), "cluster": cluster})
                before = f"{e['label']} `{e['text']}`"
                after = " + ".join(f"{e['label']} `{q}`" for _, q, _ in ch["parts"])
            elif op == "merge":
                olds = [_find(ents, p, what) for p in ch["parts"]]
                for o in olds:
                    ents.remove(o)
                new = {
                    "id": next(fresh),
                    "label": ch["label"],
                    **_span(text, *ch["to"], what),
                    "kb_id": ch["kb_id"],
                    "cluster": ch["cluster"],
                }
                ents.append(new)
                before = " + ".join(f"{o['label']} `{o['text']}`" for o in olds)
                after = f"{new['label']} `{new['text']}`"
            else:
                raise Refused(f"{what}: unknown op")
            span = ch.get("span") or ch.get("at") or ch.get("to")
        else:
            if op == "add":
                new = {
                    "id": next(fresh),
                    **_span(text, *ch["span"], what),
                    "checkworthy": ch["checkworthy"],
                    "attribution": _attribution(text, d, ents, ch["attribution"]),
                }
                claims.append(new)
                before, after = (
                    "(none)",
                    f"{new['attribution']['type']} claim, checkworthy {str(ch['checkworthy']).lower()}",
                )
                span = ch["span"]
            else:
                c = _find(claims, ch["at"], what)
                span = ch["at"]
                a = c["attribution"]

                def desc(c):
                    at = c["attribution"]
                    out = at["type"]
                    if "source" in at:
                        out += f"; source `{next(e['text'] for e in ents if e['id'] == at['source'])}`"
                    if "source_span" in at:
                        out += f"; source_span `{at['source_span']['text']}`@{at['source_span']['start']}"
                    if "cue" in at:
                        out += f"; cue `{at['cue']['text']}`"
                    return out

                before = desc(c)
                if op == "delete":
                    claims.remove(c)
                    before, after = f"claim ({desc(c)}, checkworthy {str(c['checkworthy']).lower()})", "(no claim)"
                elif op == "cue":
                    if ch["cue"] is None:
                        if "cue" not in a:
                            raise Refused(f"{what}: no cue to remove")
                        del a["cue"]
                    else:
                        if "cue" in a:
                            raise Refused(f"{what}: has a cue already")
                        a["cue"] = _span(text, *ch["cue"], what)
                    after = desc(c)
                elif op in ("respan", "attr"):
                    if "to" in ch:
                        c.update(_span(text, *ch["to"], what))
                        before = f"[{ch['at'][0]}, {ch['at'][0] + len(ch['at'][1])}) {desc(c)}"
                    if "attribution" in ch:
                        c["attribution"] = _attribution(text, d, ents, ch["attribution"])
                    if "checkworthy" in ch:
                        before += f", checkworthy {str(c['checkworthy']).lower()}"
                        c["checkworthy"] = ch["checkworthy"]
                    after = (
                        (f"[{c['start']}, {c['end']}) " if "to" in ch else "")
                        + desc(c)
                        + (f", checkworthy {str(c['checkworthy']).lower()}" if "checkworthy" in ch else "")
                    )
                    if "to" in ch and op == "respan":
                        after += f": `{c['text']}`"
                else:
                    raise Refused(f"{what}: unknown op")
        rows.append((doc, ch["layer"], f"`{span[1]}` @{span[0]}", before, after, ch["rule"], ch["why"]))
    # overlaps, canonical order, ids
    for layer, items in (("entities", ents), ("claims", claims)):
        order = sorted(items, key=lambda x: (x["start"], x["end"]))
        for x, y in itertools.pairwise(order):
            if y["start"] < x["end"]:
                raise Refused(f"{doc}: {layer} overlap {x['text']!r} / {y['text']!r}")
    order = sorted(ents, key=lambda x: (x["start"], x["end"]))
    ids = {e["id"]: f"e{i}" for i, e in enumerate(order, 1)}
    for e in order:
        e["id"] = ids[e["id"]]
    d["entities"] = order
    order = sorted(claims, key=lambda x: (x["start"], x["end"]))
    for i, c in enumerate(order, 1):
        c["id"] = f"c{i}"
        if "source" in c["attribution"]:
            c["attribution"]["source"] = ids[c["attribution"]["source"]]
    d["claims"] = order
    for layer in touched:
        prov = d["provenance"][layer]
        note = prov.get("note")
        prov["note"] = NOTE if not note else f"{note}{' ' if note.endswith('.') else '; '}{NOTE}"
    out = Annotation.from_json(d).dumps()
    if Annotation.loads(out).dumps() != out:
        raise Refused(f"{doc}: not canonical")
    for layer in ("entities", "claims"):
        for x in d[layer]:
            assert text[x["start"] : x["end"]] == x["text"]
    return path, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    by_doc = defaultdict(list)
    for ch in E:
        by_doc[ch["doc"]].append(ch)
    rows: list = []
    outs: list = []
    try:
        outs = [apply(doc, by_doc[doc], rows) for doc in sorted(by_doc)]
    except Refused as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    table = [
        "| document | layer | span | before | after | rule (guidelines 1.1.0) | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for doc, layer, span, before, after, rule, why in rows:
        cell = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
        gold = " (gold)" if doc in GOLD else ""
        table.append(
            f"| {doc}{gold} | {layer} | {cell(span)} | {cell(before)} | {cell(after)} | {cell(rule)} | {cell(why)} |"
        )
    print(f"{len(rows)} changes in {len(outs)} documents")
    if args.write:
        for path, out in outs:
            path.write_bytes(out)
        changes = ROOT / "review/consistency/CHANGES.md"
        doc = changes.read_text(encoding="utf-8")
        a, b = doc.index("<!-- changes:begin -->\n"), doc.index("<!-- changes:end -->")
        doc = doc[: a + len("<!-- changes:begin -->\n")] + "\n".join(table) + "\n" + doc[b:]
        changes.write_text(doc, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
