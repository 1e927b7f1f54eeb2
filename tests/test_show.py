"""`newsspan show`: one self-contained page, every mention a highlighted element, everything escaped."""

import json
from html import escape
from html.parser import HTMLParser

import jsonschema
import jsonschema_rs

from newsspan import Corpus, schema

from conftest import REPO
from layers import ALICE, BOB, TAIWAN, TINY, dump, layer, make_root, meta, newsspan

SEED = "000_1afbb3b63b1bfa60"
# An article written to break a page that does not escape: markup, an event handler, a javascript: URL
HOSTILE = (
    'Officials said <script>window.__pwned = 1; alert("pwned")</script> the talks were useful.\n\n'
    '<img src=x onerror="window.__pwned = 2"> Beijing replied at javascript:window.__pwned=3 today.\n'
)


class Page(HTMLParser):
    """The elements of a page: tags with their attributes, and the text inside each <mark>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.marks, self._open = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "mark":
            self._open.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == "mark":
            self.marks.append(tuple(self._open.pop()))

    def handle_data(self, data):
        for m in self._open:
            m[1] += data


def show(*args) -> str:
    code, out, err = newsspan("show", *args)
    assert code == 0, err
    return out


def test_every_label_has_a_colour_and_the_schema_stays_valid():
    colors = schema.entity_colors()
    assert list(colors) == list(schema.entity_labels())
    assert all(len(c) == 7 and c.startswith("#") and int(c[1:], 16) >= 0 for c in colors.values())
    raw = schema.load("annotation")
    assert set(raw["$defs"]["entityLabel"]["x-colors"]) - {"$comment"} == set(schema.entity_labels())
    jsonschema.Draft202012Validator.check_schema(raw)
    gold = json.loads((REPO / "annotations" / f"{SEED}.json").read_text(encoding="utf-8"))
    assert jsonschema_rs.validator_for(raw).is_valid(gold)
    bad = dict(gold, status="finished")
    assert not jsonschema_rs.validator_for(raw).is_valid(bad)


def test_seed_page(tmp_path):
    out = tmp_path / "seed.html"
    assert (
        show(SEED, "--root", REPO, "--out", out) == f"newsspan show: wrote {out} ({SEED}, released layer) from {REPO}\n"
    )
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    doc = Corpus(REPO)[SEED]
    # every mention is a <mark> with its id, label, colour class and hover title, holding its exact text
    marks = {attrs["id"]: (attrs, text) for attrs, text in page.marks if "id" in attrs}
    assert len(marks) == len(doc.entities)
    for e in doc.entities:
        attrs, text = marks[e.id]
        assert text == e.text
        assert f"l-{e.label}" in attrs["class"].split() and attrs["data-label"] == e.label
        assert attrs["title"].startswith(f"{e.id} {e.label} [{e.start}, {e.end})")
    # every label's colour comes from the schema
    for label, color in schema.entity_colors().items():
        assert f".l-{label} {{ background: {color}; }}" in html
    # claims: underlined elements with a hover title; the metadata on top; section labels in the margin
    claims = [attrs for tag, attrs in page.tags if "claim" in attrs.get("class", "").split() and "id" in attrs]
    assert {a["id"] for a in claims} == {c.id for c in doc.claims}
    assert next(a for a in claims if a["id"] == "c1")["title"].startswith("c1 claim [")
    assert html.index('<dl class="meta">') < html.index("<article>")
    labels = html.split('<div class="sec-label"')[1:]
    assert len(labels) == len(doc.sections)
    # self-contained: no script, no external resource, a policy that forbids fetching anything
    assert "<script" not in html and "http://" not in html.split("<main>")[0] and "@import" not in html
    assert all(not v or v.startswith("#") for _, attrs in page.tags for k, v in attrs.items() if k in ("href", "src"))
    assert "default-src 'none'" in html


def test_claims_link_to_their_source_mention(tmp_path):
    ann = layer(
        "tiny",
        TINY,
        sections=[
            ("paragraph", "Antony Blinken met Liu Jianchao in Washington, DC on Friday."),
            ("paragraph", "Officials said the talks were useful."),
        ],
        # the order of the entities in the file carries no meaning: each is shown where it stands
        entities=[("ORG", "talks"), ("NORP", "Officials"), ("PERSON", "Antony Blinken")],
        claims=[("Officials said the talks were useful", "source", True, {"source": "e2"})],
    )
    root = make_root(tmp_path, {"tiny": TINY}, {(None, "tiny"): ann})
    out = tmp_path / "p.html"
    show("tiny", "--root", root, "--out", out)
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    assert [(a["id"], text) for a, text in page.marks if "id" in a] == [
        ("e3", "Antony Blinken"),
        ("e2", "Officials"),
        ("e1", "talks"),
    ]
    [link] = [attrs for tag, attrs in page.tags if tag == "a"]
    assert link["href"] == "#e2" and link["class"] == "claim" and "source e2" in link["title"]
    # the claim holds the mentions inside it, whole
    claim = html[html.index('<a href="#e2"') : html.index("</a>")]
    assert 'id="e1"' in claim and 'id="e2"' in claim and claim.endswith(" were useful")


def hostile_root(tmp_path):
    m = meta(
        "hostile",
        HOSTILE,
        title='<script>window.__pwned = 4</script> "Talks"',
        url="javascript:window.__pwned=5",
        source="<img src=x onerror=alert(1)>",
        authors=["A. <b>Bold</b>"],
    )
    ann = layer(
        "hostile",
        HOSTILE,
        status="gold",
        sections=[("paragraph", HOSTILE.split("\n\n")[0]), ("paragraph", HOSTILE.split("\n\n")[1].rstrip("\n"))],
        entities=[("NORP", "Officials"), ("GPE", "Beijing")],
        claims=[("the talks were useful", "journalist", True)],
    )
    return make_root(tmp_path, {"hostile": HOSTILE}, {(None, "hostile"): ann}, {"hostile": m})


def test_a_hostile_article_is_text(tmp_path):
    root = hostile_root(tmp_path)
    out = tmp_path / "hostile.html"
    show("hostile", "--root", root, "--out", out)
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    assert not [t for t, _ in page.tags if t in ("script", "img", "iframe", "object", "embed", "b")]
    assert "&lt;script&gt;window.__pwned = 1; alert(&quot;pwned&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;" in html
    assert "javascript:window.__pwned=5" in html and 'href="javascript' not in html
    assert all(not v or v.startswith("#") for _, attrs in page.tags for k, v in attrs.items() if k in ("href", "src"))
    assert [text for _, text in page.marks if _.get("id")] == ["Officials", "Beijing"]


def test_one_annotators_layer_and_the_diff(tmp_path):
    layers = {("alice", d): v for d, v in ALICE.items()}
    layers.update({("bob", d): v for d, v in BOB.items()})
    root = make_root(tmp_path, {"tiny": TINY, "taiwan": TAIWAN}, layers)
    out = tmp_path / "bob.html"
    show("tiny", "--root", root, "--annotator", "bob", "--out", out)
    page = Page(out.read_text(encoding="utf-8"))
    assert [t for _, t in page.marks if _.get("id")] == [
        "Antony Blinken",
        "Jianchao",
        "Washington",
        "on Friday",
        "Officials",
    ]
    out = tmp_path / "diff.html"
    show("tiny", "--root", root, "--diff", "alice", "bob", "--out", out)
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    marks = {a["id"]: (a["class"].split(), t) for a, t in page.marks if "id" in a}
    # Antony Blinken is the only mention both gave with the same span and label
    assert {i: t for i, (c, t) in marks.items() if "agree" in c} == {"a-e1": "Antony Blinken", "b-e1": "Antony Blinken"}
    assert {t for i, (c, t) in marks.items() if "only" in c and i.startswith("a-")} == {
        "Liu Jianchao",
        "Washington, DC",
        "Friday",
    }
    assert {t for i, (c, t) in marks.items() if "only" in c and i.startswith("b-")} == {
        "Jianchao",
        "Washington",
        "on Friday",
        "Officials",
    }
    assert html.count("<tr><td>") == 4  # boundary, label, boundary, extra


def test_what_cannot_be_shown(tmp_path):
    root = hostile_root(tmp_path)
    (root / "annotations" / "annotators" / "alice").mkdir(parents=True)
    out = tmp_path / "x.html"
    for args, says in [
        (("nothing",), "'nothing' names no document"),
        (("hostile", "--annotator", "nobody"), "'nobody' is neither an annotator"),
        (
            ("hostile", "--annotator", "alice"),
            "alice has no layer for hostile (no annotations/annotators/alice/hostile.json)",
        ),
        (
            ("hostile", "--diff", "alice", "alice", "--annotator", "alice"),
            "--annotator and --diff show different things",
        ),
        (("hostile", "--out", tmp_path / "no" / "x.html"), "--out"),
    ]:
        code, _, err = newsspan("show", *args, "--root", root, *(() if "--out" in args else ("--out", out)))
        assert code == 2 and says in err, (args, err)
    assert newsspan("show", "hostile", "--root", root)[0] == 2  # --out is required
    bad = json.loads((root / "annotations" / "hostile.json").read_text(encoding="utf-8"))
    bad["entities"][0]["end"] += 1
    (root / "annotations" / "hostile.json").write_text(dump(bad), encoding="utf-8")
    code, _, err = newsspan("show", "hostile", "--root", root, "--out", out)
    assert code == 1 and "annotations/hostile.json:" in err and "error[span-text-mismatch]" in err
    assert err.rstrip().endswith(f"newsspan show: 1 error in what would be shown; nothing was written (root {root})")
    assert not out.exists()


def test_a_text_without_a_released_layer_is_shown_as_text(tmp_path):
    root = make_root(tmp_path, {"tiny": TINY}, {})
    out = tmp_path / "tiny.html"
    show("tiny", "--root", root, "--out", out)
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    assert not page.marks and "<dt>status</dt>" not in html
    assert html.count('<div class="sec gap">') == 1 and f"text in no section [0, {len(TINY.rstrip())})" in html
    assert escape(TINY.strip()) in html


def test_a_text_that_cannot_be_read_is_reported_as_the_validator_reports_it(tmp_path):
    root = hostile_root(tmp_path)
    text = root / "corpus" / "hostile.txt"
    for data, says in [
        (b"Abc \xff def\n", "corpus/hostile.txt:1:5: error[text-encoding] byte 0xff (byte offset 4) is not UTF-8"),
        (b"", "corpus/hostile.txt: error[file-empty] the file is empty"),
    ]:
        text.write_bytes(data)
        code, _, err = newsspan("show", "hostile", "--root", root, "--out", tmp_path / "x.html")
        assert code == 1 and says in err and not (tmp_path / "x.html").exists()
        assert "\n    fix: " in err


def test_help_ends_with_examples():
    code, out, _ = newsspan("show", "--help")
    assert code == 0 and out.rstrip().splitlines()[-1].strip().startswith("newsspan show")
