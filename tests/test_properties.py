"""Property tests: whatever a contributor sends, the validator reports problems and never raises.

Three families of input, each bounded by the `ci` Hypothesis profile (see conftest.py):
arbitrary bytes, arbitrary JSON values (free-form and shaped like an annotation), and
mutations of a valid annotation, each of which must be reported by the check meant for it.
An independent oracle (plain `json` + `jsonschema` + the span rules, no newsspan code) guards
the other direction: whatever the validator passes must really be valid. Every input the
coverage-guided fuzzer (fuzz/fuzz_annotation.py, atheris) kept is replayed as well.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import shutil
import unicodedata
from itertools import pairwise

import jsonschema
import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from newsspan import schema
from newsspan.validator import validate_root

from conftest import FIXTURES, REPO

LAYERS = ("sections", "entities", "claims")
GOLD = "000_1afbb3b63b1bfa60"


# --- the roots under test -------------------------------------------------------------------
class Doc:
    def __init__(self, root, stem):
        self.root, self.stem = root, stem
        self.path = root / "annotations" / f"{stem}.json"
        self.text_bytes = (root / "corpus" / f"{stem}.txt").read_bytes()
        self.text = self.text_bytes.decode("utf-8")
        self.original = self.path.read_bytes()
        self.ann = json.loads(self.original)

    def validate(self, data: bytes):
        """Validate the root with data as the annotation file; the report, checked for sanity."""
        self.path.write_bytes(data)
        try:
            report = validate_root(self.root)
        finally:
            self.path.write_bytes(self.original)
        for p in report.problems:
            assert p.check != "internal-error", p  # a crash inside a check is a bug to fix
            assert p.path and not p.path.startswith("/"), p
            assert p.message
        return report


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    tiny = tmp_path_factory.mktemp("tiny") / "root"
    shutil.copytree(FIXTURES / "valid", tiny)
    gold = tmp_path_factory.mktemp("gold") / "root"
    for rel in (f"corpus/{GOLD}.txt", f"corpus/{GOLD}.meta.json", f"annotations/{GOLD}.json"):
        (gold / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / rel, gold / rel)
    out = {"tiny": Doc(tiny, "tiny"), "gold": Doc(gold, GOLD)}
    for d in out.values():
        assert validate_root(d.root).ok
    return out


# --- an independent oracle ------------------------------------------------------------------
def _strict_int(checker, v):
    return isinstance(v, int) and not isinstance(v, bool)


_ORACLE_VALIDATOR = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_int),
)(json.loads((REPO / "schema" / "annotation.schema.json").read_text(encoding="utf-8")))


def _no_dupes(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def _reject(name):
    raise ValueError(name)


def _depth(v, d=1):
    if isinstance(v, dict):
        return max([d] + [_depth(x, d + 1) for x in v.values()])
    if isinstance(v, list):
        return max([d] + [_depth(x, d + 1) for x in v])
    return d


def _all_strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from _all_strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from _all_strings(x)


def oracle_errors(data: bytes, doc: Doc) -> list[str]:
    """Why data is not a valid annotation of doc's text (empty when it is valid)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return ["BOM"]
    try:
        s = data.decode("utf-8")
        a = json.loads(s, object_pairs_hook=_no_dupes, parse_constant=_reject)
    except (ValueError, RecursionError) as e:
        return [f"not strict JSON: {e}"]
    if "\x00" in s or _depth(a) > 64:
        return ["NUL or too deep"]
    try:
        for x in _all_strings(a):
            x.encode("utf-8")
    except UnicodeEncodeError:
        return ["lone surrogate"]
    errs = [e.message for e in _ORACLE_VALIDATOR.iter_errors(a)]
    if errs:
        return errs
    text = doc.text
    if a["document_id"] != doc.stem:
        errs.append("document_id")
    if a["text_sha256"] != hashlib.sha256(doc.text_bytes).hexdigest():
        errs.append("text_sha256")
    spans = []
    for name in LAYERS:
        for item in a[name]:
            spans.append(item)
            attr = item.get("attribution", {})
            spans += [attr[k] for k in ("source_span", "cue") if k in attr]
    for sp in spans:
        if not (0 <= sp["start"] < sp["end"] <= len(text)) or text[sp["start"] : sp["end"]] != sp["text"]:
            errs.append(f"span {sp}")
        elif sp["text"][0].isspace() or sp["text"][-1].isspace():
            errs.append(f"whitespace {sp}")
    ids = [x["id"] for name in LAYERS for x in a[name]]
    if len(ids) != len(set(ids)):
        errs.append("duplicate ids")
    entity_ids = {e["id"] for e in a["entities"]}
    errs += [
        "unresolved source"
        for c in a["claims"]
        if "source" in c["attribution"] and c["attribution"]["source"] not in entity_ids
    ]
    for name in LAYERS:
        pos = sorted((x["start"], x["end"]) for x in a[name])
        if any(b[0] < p[1] for p, b in pairwise(pos)):
            errs.append(f"{name} overlap")
    sec = [(x["start"], x["end"]) for x in a["sections"]]
    if sec != sorted(sec):
        errs.append("section order")
    return errs


def assert_no_slip_through(report, data, doc):
    if report.ok:
        assert oracle_errors(data, doc) == [], "the validator passed a file the oracle rejects"


# --- 1. arbitrary bytes -----------------------------------------------------------------------
@given(data=st.binary(max_size=3000), which=st.sampled_from(["tiny", "gold"]))
def test_arbitrary_bytes(docs, data, which):
    doc = docs[which]
    report = doc.validate(data)
    assert_no_slip_through(report, data, doc)


@st.composite
def byte_edits(draw, original: bytes):
    """The valid file with a few bytes inserted, deleted or replaced."""
    b = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(b)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(
            st.binary(min_size=1, max_size=4)
            | st.sampled_from(
                [
                    b'"',
                    b",",
                    b"{",
                    b"}",
                    b"[",
                    b"]",
                    b"\\",
                    b"\\u",
                    b"\\ud800",
                    b"0",
                    b"-1",
                    b"NaN",
                    b"\x00",
                    b"\xff",
                    b"\xc3",
                ]
            )
        )
        if op == "insert":
            b[i:i] = chunk
        elif op == "delete":
            del b[i : i + len(chunk)]
        else:
            b[i : i + len(chunk)] = chunk
    return bytes(b)


@given(st.data(), st.sampled_from(["tiny", "gold"]))
def test_byte_edits_of_a_valid_file(docs, data, which):
    doc = docs[which]
    edited = data.draw(byte_edits(doc.original))
    report = doc.validate(edited)
    assert_no_slip_through(report, edited, doc)


# --- 2. arbitrary JSON values ----------------------------------------------------------------
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars, lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=10), c, max_size=5), max_leaves=40
)


@given(json_values)
def test_arbitrary_json_values(docs, value):
    doc = docs["tiny"]
    data = json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")
    report = doc.validate(data)
    assert not report.ok


def _anything():
    return json_values


@st.composite
def shaped_annotations(draw):
    """Objects with the annotation's keys and span-like items whose values are anything at all."""
    doc_len = 100
    offset = st.integers(-3, doc_len + 3) | _anything()
    span = st.fixed_dictionaries(
        {
            "id": st.sampled_from(["s1", "e1", "c1", "e2"]) | _anything(),
            "start": offset,
            "end": offset,
            "text": st.text(max_size=12) | _anything(),
        },
        optional={
            "label": st.sampled_from(list(schema.entity_labels()) + list(schema.section_labels())) | _anything(),
            "cluster": st.sampled_from(["a", "b"]) | _anything(),
            "kb_id": st.just("Q1") | _anything(),
            "attribution": st.fixed_dictionaries(
                {"type": st.sampled_from(list(schema.attribution_types())) | _anything()},
                optional={
                    "source": st.sampled_from(["e1", "s1", "zz"]) | _anything(),
                    "source_span": st.fixed_dictionaries({"start": offset, "end": offset, "text": st.text(max_size=8)})
                    | _anything(),
                    "cue": st.fixed_dictionaries({"start": offset, "end": offset, "text": st.text(max_size=8)})
                    | _anything(),
                },
            )
            | _anything(),
            "checkworthy": st.booleans() | _anything(),
        },
    )
    layer = st.lists(span | _anything(), max_size=6) | _anything()
    base = {
        k: st.just(v) | _anything()
        for k, v in json.loads((FIXTURES / "valid/annotations/tiny.json").read_text()).items()
        if k not in LAYERS
    }
    return draw(st.fixed_dictionaries({**base, "sections": layer, "entities": layer, "claims": layer}))


@given(shaped_annotations())
def test_annotation_shaped_values(docs, value):
    doc = docs["tiny"]
    data = json.dumps(value, allow_nan=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
    report = doc.validate(data)
    assert_no_slip_through(report, data, doc)


# --- 3. mutations of a valid annotation, each with the check meant to catch it -------------
def _span_refs(a):
    """(path, span) for every span of the annotation, attribution spans included."""
    out = []
    for name in LAYERS:
        for i, item in enumerate(a[name]):
            out.append(((name, i), item))
            out += [
                ((name, i, "attribution", k), item["attribution"][k])
                for k in ("source_span", "cue")
                if k in item.get("attribution", {})
            ]
    return out


def _required_fields(a):
    """(container, key) of every required field present, read from the schema."""
    ann_schema = schema.load("annotation")
    defs = ann_schema["$defs"]
    out = [(a, k) for k in ann_schema["required"]]
    for name, d in (("sections", "section"), ("entities", "entity"), ("claims", "claim")):
        for item in a[name]:
            out += [(item, k) for k in defs[d]["required"]]
            if name == "claims":
                out += [(item["attribution"], k) for k in defs["claim"]["properties"]["attribution"]["required"]]
    return out


@st.composite
def mutations(draw, doc: Doc):
    """(mutated annotation, description, expected check ids: at least one of them must be reported)."""
    a = copy.deepcopy(doc.ann)
    text = doc.text
    kind = draw(
        st.sampled_from(
            [
                "shift",
                "swap-label",
                "remove-field",
                "duplicate-id",
                "change-quote",
                "reorder-sections",
                "text-hash",
                "document-id",
                "overlap-entity",
            ]
        )
    )
    if kind == "shift":
        path, sp = draw(st.sampled_from(_span_refs(a)))
        k = draw(st.integers(-len(text), len(text)).filter(lambda k: k != 0))
        sp["start"] += k
        sp["end"] += k
        if sp["start"] < 0:
            want = {"schema"}
        elif sp["end"] > len(text):
            want = {"span-offsets"}
        else:
            assume(text[sp["start"] : sp["end"]] != sp["text"])
            want = {"span-text-mismatch"}
        return a, f"shift {path} by {k}", want
    if kind == "swap-label":
        # a label moved to the layer it does not belong to, or a tool's spelling of it
        e = draw(st.sampled_from(a["entities"]))
        s = draw(st.sampled_from(a["sections"]))
        how = draw(st.sampled_from(["swap", "lower", "tool"]))
        if how == "swap":
            e["label"], s["label"] = s["label"], e["label"]
        elif how == "lower":
            e["label"] = e["label"].lower()
        else:
            e["label"] = {"PERSON": "PER", "ORG": "ORGANIZATION", "GPE": "LOCATION"}.get(e["label"], "MISC")
        return a, f"label {how}", {"schema"}
    if kind == "remove-field":
        container, key = draw(st.sampled_from(_required_fields(a)))
        del container[key]
        return a, f"remove {key}", {"schema"}
    if kind == "duplicate-id":
        items = [x for name in LAYERS for x in a[name]]
        i, j = draw(
            st.tuples(st.integers(0, len(items) - 1), st.integers(0, len(items) - 1)).filter(lambda t: t[0] != t[1])
        )
        items[j]["id"] = items[i]["id"]
        return a, f"duplicate id {items[i]['id']}", {"id-duplicate"}
    if kind == "change-quote":
        path, sp = draw(st.sampled_from(_span_refs(a)))
        new = draw(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20))
        how = draw(st.sampled_from(["replace", "append", "case", "nfd"]))
        q = {
            "replace": new,
            "append": sp["text"] + new,
            "case": sp["text"].swapcase(),
            "nfd": unicodedata.normalize("NFD", sp["text"]) + "\u0301",
        }[how]
        assume(q != sp["text"])
        sp["text"] = q
        return a, f"quote {how} at {path}", {"span-text-mismatch"}
    if kind == "reorder-sections":
        order = draw(st.permutations(range(len(a["sections"]))))
        assume(list(order) != sorted(order))
        a["sections"] = [a["sections"][i] for i in order]
        return a, "reorder sections", {"section-order"}
    if kind == "text-hash":
        a["text_sha256"] = draw(
            st.text(alphabet="0123456789abcdef", min_size=64, max_size=64).filter(lambda h: h != doc.ann["text_sha256"])
        )
        return a, "text hash", {"text-hash-mismatch"}
    if kind == "document-id":
        a["document_id"] = draw(
            st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True).filter(lambda x: x != doc.stem)
        )
        return a, "document id", {"document-id-mismatch"}
    # overlap-entity: a copy of a mention, moved inside itself or onto its neighbour
    e = dict(draw(st.sampled_from(a["entities"])))
    cut = draw(st.integers(1, e["end"] - e["start"]))
    e.update(id="zz-new", start=e["start"] + cut - 1, end=e["end"] + draw(st.integers(0, 3)))
    e["end"] = min(e["end"], len(text))
    e["text"] = text[e["start"] : e["end"]]
    assume(e["text"].strip() == e["text"])
    a["entities"].append(e)
    return a, "overlapping mention", {"entity-overlap"}


@given(st.data(), st.sampled_from(["tiny", "gold"]))
def test_each_mutation_is_reported_by_its_check(docs, data, which):
    doc = docs[which]
    a, what, want = data.draw(mutations(doc))
    note(what)
    raw = json.dumps(a, ensure_ascii=False, indent=2).encode("utf-8", "surrogatepass")
    report = doc.validate(raw)
    got = {p.check for p in report.problems if p.path == f"annotations/{doc.stem}.json"}
    assert not report.ok, what
    assert want & got, f"{what}: expected {want}, got {got}"
    assert_no_slip_through(report, raw, doc)


# --- 4. the coverage-guided fuzzer's corpus --------------------------------------------------
def test_the_fuzz_corpus_replays_without_failure(capsys):
    """fuzz/corpus/ holds every input the fuzzer kept; its harness replays them without atheris,
    and its own oracle (strict json + jsonschema) accepts the valid file and rejects near misses."""
    spec = importlib.util.spec_from_file_location("fuzz_annotation", REPO / "fuzz" / "fuzz_annotation.py")
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    corpus = REPO / "fuzz" / "corpus"
    n = sum(1 for p in corpus.iterdir() if p.is_file())
    assert n >= 20
    assert harness.replay(corpus) == 0
    assert f"replayed {n} inputs" in capsys.readouterr().out
    target = harness.Target()
    try:
        good = (FIXTURES / "valid" / "annotations" / "tiny.json").read_bytes()
        assert target.oracle_accepts(good)
        target(good)  # passes, and the oracle agrees
        for bad in (
            good.replace(b'"status": "gold",', b'"status": "gold", "status": "gold",'),
            good.replace(b'"document_id": "tiny"', b'"document_id": "other"'),
            good.replace(b'"start": 0,', b'"start": NaN,', 1),
            b"\xef\xbb\xbf" + good,
            b"null",
            b"[]",
        ):
            assert not target.oracle_accepts(bad), bad[:60]
    finally:
        target.close()
