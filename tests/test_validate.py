"""The validator: every check through it (one failing fixture per check), every problem at once,
fail-closed, the same report in any number of processes, PATHs checked across documents, and
bounded memory."""

import hashlib
import json
import os
import resource
import shutil
import signal
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsspan
from newsspan import checks, files, model
from newsspan.checks import annotation, register
from newsspan.validator import validate_root

from conftest import FIXTURES, REPO, in_fork, run_cli, run_json
from synthetic import make_root

CHECK_IDS = sorted(checks.REGISTRY)


def edit(path, fn):
    """Change a JSON file in place with fn(value)."""
    value = json.loads(path.read_text(encoding="utf-8"))
    fn(value)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")


def problems(root, *paths):
    return [(p.check, p.pointer) for p in validate_root(root, list(paths) or None).problems]


# one fixture per check -------------------------------------------------------------------------


def test_the_valid_fixture_has_no_problems(valid_root):
    code, out = run_json("--root", valid_root)
    assert code == 0 and out["problems"] == [] and out["summary"]["documents"] == 1


def test_every_check_has_exactly_one_fixture_folder():
    assert {p.name for p in (FIXTURES / "invalid").iterdir()} == set(CHECK_IDS)


@pytest.mark.parametrize("check_id", [c for c in CHECK_IDS if c != "internal-error"])
def test_each_fixture_fails_its_check(check_id, fixture_root):
    root, spec = fixture_root(check_id)
    code, out = run_json("--root", root, *spec.get("args", []))
    found = [p for p in out["problems"] if p["check"] == check_id]
    assert found, f"{check_id} not reported; got {[p['check'] for p in out['problems']]}"
    severity = checks.get(check_id).severity
    assert all(p["severity"] == severity for p in found)
    assert code == (1 if severity == "error" else 0)
    for p in found:
        assert p["path"] and not p["path"].startswith("/") and p["message"], p
        assert set(p) >= {"path", "line", "column", "pointer", "check", "severity", "document_id", "message", "hint"}


# fail closed -----------------------------------------------------------------------------------


def test_a_check_that_crashes_is_an_internal_error_never_a_pass(fixture_root):
    root, spec = fixture_root("internal-error")
    assert spec["inject_failing_check"]

    def boom(ann, ctx):
        raise ZeroDivisionError("injected")
        yield  # pragma: no cover

    register("zz-test-crash", "error", checks.ANNOTATION, "a check that crashes (test only)")(boom)
    try:
        report = validate_root(root)
    finally:
        del checks.REGISTRY["zz-test-crash"]
    (err,) = [p for p in report.problems if p.check == "internal-error"]
    assert err.path == "annotations/tiny.json" and not report.ok
    assert "zz-test-crash" in err.message and "ZeroDivisionError" in err.message


def test_an_error_outside_any_check_is_an_internal_error_of_the_document(valid_root, monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("injected")

    monkeypatch.setattr(files, "parse", broken)  # the reader, not a registered check
    report = validate_root(valid_root)
    (err,) = [p for p in report.problems if p.check == "internal-error"]
    assert not report.ok and (err.path, err.document_id) == ("corpus/tiny.txt", "tiny")
    assert "validating document 'tiny' failed: MemoryError: injected" in err.message


# every problem at once -------------------------------------------------------------------------


def test_independent_errors_of_one_file_are_all_reported(valid_root):
    def change(a):
        a["entities"][0]["start"] += 1  # span-text-mismatch
        a["entities"][1]["id"] = "e3"  # id-duplicate
        a["entities"][2]["label"] = "CITY"  # schema (enum)
        a["claims"][1]["attribution"] = {"type": "source", "source": "s1"}  # reference-unresolved

    edit(valid_root / "annotations/tiny.json", change)
    found = {c for c, _ in problems(valid_root)}
    assert {"span-text-mismatch", "id-duplicate", "schema", "reference-unresolved"} <= found


def test_a_malformed_item_does_not_hide_a_shifted_span_of_another(valid_root):
    def change(a):
        a["entities"][0]["start"] = "0"  # the schema's finding
        a["entities"][2]["start"] += 1  # Washington, DC shifted by one: the third item of the file
        a["claims"][0]["start"] = 0.0  # a float offset: the schema's finding
        a["claims"][1]["attribution"]["cue"]["start"] = 71  # " said" instead of "said"

    edit(valid_root / "annotations/tiny.json", change)
    report = newsspan.validate(valid_root)
    got = [(p.check, p.pointer) for p in report.problems]
    assert {("schema", "/entities/0/start"), ("schema", "/claims/0/start")} <= set(got)
    assert {
        ("span-text-mismatch", "/entities/2/text"),
        ("span-text-mismatch", "/claims/1/attribution/cue/text"),
    } <= set(got)
    p = next(p for p in report.problems if p.pointer == "/entities/2/text")
    assert p.line is not None and "Washington, DC" in p.message and "(shift -1)" in p.message
    assert "internal-error" not in {c for c, _ in got}


def test_pointers_name_the_place_in_the_file_after_left_out_items(valid_root):
    def change(a):
        a["entities"].insert(0, {"id": "e0", "label": "PERSON", "start": "x", "end": 1, "text": "A"})
        a["entities"].insert(0, 17)
        a["entities"].append({**a["entities"][3], "id": "e9"})  # Liu Jianchao again: entities overlap
        a["claims"][1]["attribution"] = {"type": "source", "source": "s1"}  # a section's id

    edit(valid_root / "annotations/tiny.json", change)
    report = validate_root(valid_root)
    got = {(p.check, p.pointer) for p in report.problems}
    assert {("entity-overlap", "/entities/6"), ("reference-unresolved", "/claims/1/attribution/source")} <= got
    assert "overlaps /entities/3 " in next(p.message for p in report.problems if p.check == "entity-overlap")
    assert ("label-inconsistent", "/entities/6/label") not in got  # same label: nothing to say


def test_the_label_checks_pass_over_a_mention_without_a_string_label(valid_root):
    def change(a):
        a["entities"][0].update(label=["PERSON"], end=15, text="Antony Blinken ")  # schema; ends with a space
        a["entities"][1]["cluster"] = "antony-blinken"  # another label in Blinken's cluster

    edit(valid_root / "annotations/tiny.json", change)
    got = problems(valid_root)
    assert {("schema", "/entities/0/label"), ("span-whitespace", "/entities/0")} <= set(got)
    assert not {c for c, _ in got} & {"cluster-label-mixed", "label-inconsistent"}


def test_an_item_the_model_cannot_hold_is_the_schema_s_finding_alone(valid_root):
    """An id repeated on an item without integer offsets is not in the model: one schema problem."""
    edit(
        valid_root / "annotations/tiny.json",
        lambda a: a["entities"].append({"id": "e1", "label": "PERSON", "start": None, "end": 14, "text": "x"}),
    )
    assert problems(valid_root) == [("schema", "/entities/4/start")]


def test_a_section_without_a_string_id_is_named_by_its_place(valid_root):
    def change(a):
        s = a["sections"][0]
        s["id"] = 7  # the schema's finding
        s["end"], s["text"] = 49, s["text"][:49]  # ends inside the first claim

    edit(valid_root / "annotations/tiny.json", change)
    report = validate_root(valid_root)
    (crossing,) = [p for p in report.problems if p.check == "span-outside-section" and p.pointer == "/claims/0"]
    assert "crosses the end of section at /sections/0 [0, 49)" in crossing.message


def test_missing_properties_give_no_follow_on_warnings(valid_root):
    (valid_root / "annotations/tiny.json").write_text('{"a": 1}', encoding="utf-8")
    assert {c for c, _ in problems(valid_root)} == {"schema"}  # no section-gap for a layer that is not there


def test_a_shifted_span_says_where_its_quote_is(valid_root):
    edit(valid_root / "annotations/tiny.json", lambda a: a["entities"][1].update(start=16, end=28))
    (p,) = validate_root(valid_root).problems
    assert (p.check, p.pointer) == ("span-text-mismatch", "/entities/1/text") and p.line is not None
    assert "Liu Jianchao" in p.message and "occurs at [19, 31) (shift +3)" in p.message


# names that are no ids -------------------------------------------------------------------------


def test_a_path_like_document_id_never_builds_a_path(valid_root, tmp_path):
    edit(valid_root / "annotations/tiny.json", lambda a: a.update(document_id="../../../outside"))
    before = sorted(tmp_path.iterdir())
    assert {"schema", "document-id-mismatch"} <= {c for c, _ in problems(valid_root)}
    assert sorted(tmp_path.iterdir()) == before


def test_a_file_name_that_is_no_id_is_reported_with_a_valid_one(valid_root):
    (valid_root / "annotations" / "..evil.json").write_text("{}", encoding="utf-8")
    for name in ("tiny.txt", "tiny.meta.json", "tiny.json"):
        folder = valid_root / ("annotations" if name == "tiny.json" else "corpus")
        (folder / name).rename(folder / name.replace("tiny", "Tiny News"))
    report = validate_root(valid_root)
    found = [p for p in report.problems if p.check == "id-invalid"]
    assert "annotations/..evil.json" in {p.path for p in found}
    named = [p for p in found if "Tiny News" in p.path]
    assert named and all("'tiny-news'" in p.message and "a-z, 0-9" in p.message for p in named)


# a text that is not canonical: one error, no follow-ons -----------------------------------------


def noncanonical(text: str, how: str) -> bytes:
    if how == "crlf":
        return text.replace("\n", "\r\n").encode()
    if how == "bom":
        return ("\ufeff" + text).encode()
    return unicodedata.normalize("NFD", text).encode()


@pytest.mark.parametrize("how", ["crlf", "bom", "nfd"])
def test_a_text_that_is_not_canonical_is_one_error_naming_canonicalize(how, valid_root):
    # a character that NFD decomposes, in the text and in the quotes (one code point in NFC: offsets stay)
    text = (valid_root / "corpus/tiny.txt").read_text(encoding="utf-8").replace("Friday", "Frïday")
    (valid_root / "corpus/tiny.txt").write_text(text, encoding="utf-8")
    sha = hashlib.sha256(text.encode()).hexdigest()
    for rel in ("corpus/tiny.meta.json", "annotations/tiny.json"):
        path = valid_root / rel
        path.write_text(path.read_text(encoding="utf-8").replace("Friday", "Frïday"), encoding="utf-8")
        edit(path, lambda v: v.update(text_sha256=sha))
    assert validate_root(valid_root).ok
    (valid_root / "corpus/tiny.txt").write_bytes(noncanonical(text, how))  # e.g. a checkout with autocrlf
    (p,) = validate_root(valid_root).problems
    assert (p.check, p.severity) == ("text-not-canonical", "error")
    assert "`newsspan canonicalize tiny`" in p.hint
    # 2 sections, 4 entity mentions and 2 claims: none is checked against a text about to change
    assert "the checks of 8 spans in annotations/tiny.json wait for the canonical text" in p.message
    res = run_cli("canonicalize", "--root", valid_root, "tiny")  # the fix named leads to a valid root
    assert res.returncode == 0, res.stderr
    assert validate_root(valid_root).ok


def test_an_annotation_made_on_a_third_text_is_still_reported(valid_root):
    edit(valid_root / "annotations/tiny.json", lambda a: a.update(text_sha256="0" * 64))
    text = (valid_root / "corpus/tiny.txt").read_text(encoding="utf-8")
    (valid_root / "corpus/tiny.txt").write_bytes(noncanonical(text, "crlf"))
    assert sorted(c for c, _ in problems(valid_root)) == ["text-hash-mismatch", "text-not-canonical"]


def test_a_word_changed_in_the_text_is_one_error_per_file_naming_reanchor(valid_root):
    # a corrected word inside an entity shifts every span after it: the spans were made on another
    # text, so each file says so once instead of an error at every span
    path = valid_root / "corpus/tiny.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Liu Jianchao", "Liu Jian-chao"), encoding="utf-8")
    edit(
        valid_root / "corpus/tiny.meta.json",
        lambda m: m.update(text_sha256=hashlib.sha256(path.read_bytes()).hexdigest()),
    )
    (p,) = validate_root(valid_root).problems
    assert (p.path, p.check, p.pointer) == ("annotations/tiny.json", "text-hash-mismatch", "/text_sha256")
    assert "the checks of its 8 spans wait" in p.message and "`newsspan reanchor tiny`" in p.hint
    assert "--drop-unplaced" in p.hint


# PATHs: the named documents, checked against all others -----------------------------------------


def test_paths_select_documents_and_run_the_checks_across_documents(fixture_root):
    root, _ = fixture_root("text-duplicate")
    (root / "annotations" / "ghost.json").write_bytes((root / "annotations" / "tiny.json").read_bytes())
    whole = validate_root(root)
    assert {"text-duplicate", "document-missing"} <= {p.check for p in whole.problems}
    # the copy named alone is still a duplicate of a document that was not named
    copy = validate_root(root, ["corpus/tiny-copy.txt"])
    assert [(p.check, p.path) for p in copy.problems] == [("text-duplicate", "corpus/tiny-copy.txt")]
    assert copy.documents == 1 and copy.files_checked == 3
    # by id, as a file of the root, or relative to the working directory: the same document
    ghost = {p.check for p in validate_root(root, ["ghost"]).problems}
    assert ghost == {"document-missing", "document-id-mismatch"}  # a copy of tiny's layer, with its id
    assert validate_root(root, [str(root / "annotations" / "tiny.json")]).problems == []
    assert newsspan.validate(root, ["annotations/ghost.json"]).errors[0].check == "document-missing"


# processes ------------------------------------------------------------------------------------

DOCS = 40  # above validator.MIN_PARALLEL, so jobs=2 really uses a pool


@pytest.fixture(scope="module")
def broken_root(tmp_path_factory):
    """A generated root with problems of many kinds spread over its documents."""
    root = make_root(tmp_path_factory.mktemp("broken") / "root", DOCS)

    def doc(i, kind):
        return root / ("annotations" if kind == "ann" else "corpus") / f"bench-{i:07d}{kind_suffix[kind]}"

    kind_suffix = {"ann": ".json", "txt": ".txt", "meta": ".meta.json"}
    edit(doc(3, "ann"), lambda a: a["entities"][0].update(start=a["entities"][0]["start"] + 1))
    doc(7, "meta").unlink()
    doc(11, "ann").write_text('{"schema_version": "1.0.0",,}', encoding="utf-8")
    shutil.copyfile(doc(16, "txt"), doc(15, "txt"))
    sha = json.loads(doc(16, "meta").read_text())["text_sha256"]
    edit(doc(15, "meta"), lambda m: m.update(text_sha256=sha))
    edit(doc(19, "ann"), lambda a: a["entities"][2].update(label="CITY", start=1.0))
    doc(23, "ann").unlink()
    (root / "annotations" / "annotators" / "ann-b").mkdir(parents=True)
    shutil.copyfile(doc(30, "ann"), root / "annotations" / "annotators" / "ann-b" / "bench-0000030.json")
    (root / "annotations" / "annotators" / "ann-b" / "bench-0000031.json").write_text("[]", encoding="utf-8")
    (root / "annotations" / "ghost.json").write_text(doc(33, "ann").read_text(), encoding="utf-8")
    (root / "corpus" / "notes.md").write_text("notes\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def serial(broken_root):
    return validate_root(broken_root, jobs=1)


def rows(report):
    return [p.to_dict() for p in report.problems]


def test_jobs_give_the_serial_report_in_the_same_order(broken_root, serial):
    parallel = validate_root(broken_root, jobs=2)
    assert rows(parallel) == rows(serial) and parallel.summary() == serial.summary()
    found = {p.check for p in serial.problems}
    assert {
        "span-text-mismatch",
        "meta-missing",
        "json-syntax",
        "text-duplicate",
        "schema",
        "annotation-missing",
        "document-missing",
        "file-unexpected",
    } <= found
    assert serial.files_checked == parallel.files_checked > 3 * (DOCS - 2)
    one, two = (run_cli("validate", "--root", broken_root, "--jobs", n, "--format", "json") for n in ("1", "2"))
    assert one.returncode == two.returncode == 1 and one.stdout == two.stdout


def test_a_worker_that_dies_loses_no_document(broken_root, serial):
    """Documents are checked in worker processes; one killed mid-run (out of memory, a signal):
    what it held is checked in this process instead, and the report is the same."""
    main, here = os.getpid(), []

    def die_in_worker(ctx):
        if os.getpid() != main and ctx.stem == "bench-0000020":
            os.kill(os.getpid(), signal.SIGKILL)
        if os.getpid() == main:
            here.append(ctx.stem)
        return ()

    register("zz-test-die", "warning", checks.DOCUMENT, "kills the worker process (test only)")(die_in_worker)
    try:
        parallel = validate_root(broken_root, jobs=2)
    finally:
        del checks.REGISTRY["zz-test-die"]
    assert "bench-0000020" in here and "bench-0000000" not in here  # workers ran first; the pool broke
    assert rows(parallel) == rows(serial) and parallel.summary() == serial.summary()


def test_every_copy_of_a_text_is_reported_against_the_first(tmp_path):
    root = make_root(tmp_path / "dups", 6)
    for i in (4, 2):  # copies of document 5's text under two other ids
        for suffix in (".txt", ".meta.json"):
            shutil.copyfile(root / "corpus" / f"bench-0000005{suffix}", root / "corpus" / f"bench-000000{i}{suffix}")
        edit(root / "corpus" / f"bench-000000{i}.meta.json", lambda m, i=i: m.update(id=f"bench-000000{i}"))
    dups = [p for p in validate_root(root).problems if p.check == "text-duplicate"]
    assert sorted((p.path, p.message) for p in dups) == [
        ("corpus/bench-0000004.txt", 'the text is identical to that of document "bench-0000002"'),
        ("corpus/bench-0000005.txt", 'the text is identical to that of document "bench-0000002"'),
    ]


# resources -------------------------------------------------------------------------------------


def test_the_size_limit_names_the_file_and_the_option(valid_root):
    size = (valid_root / "annotations/tiny.json").stat().st_size
    res = run_cli("validate", "--root", valid_root, "--max-bytes", size - 1)
    assert res.returncode == 1
    assert (
        f"annotations/tiny.json: error[file-too-large] the file is {size} bytes, over the limit of {size - 1} bytes"
        in res.stdout
    )
    assert "--max-bytes" in res.stdout
    assert run_cli("validate", "--root", valid_root, "--max-bytes", size).returncode == 0


def _peak_growth(root):
    """(report ok, growth of peak memory in bytes) of validating root, in a fresh child of this process."""
    with open("/proc/self/statm") as f:
        before = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    report = validate_root(root, jobs=1)
    return report.ok, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before


def test_100k_spans_validate_in_bounded_memory(tmp_path):
    """Peak memory may grow by at most 30 times the annotation file's size (a 10 MB file parses into
    about 50 MB of Python objects): a bound on the failure that matters, memory blowing up with the input."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("synth", REPO / "bench" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    synth.make_root(tmp_path / "big", 100_000)
    path = tmp_path / "big" / "annotations" / "synthetic.json"
    n = sum(len(v) for k, v in json.loads(path.read_bytes()).items() if k in ("sections", "entities", "claims"))
    assert abs(n - 100_000) < 100
    ok, growth = in_fork(_peak_growth, tmp_path / "big", timeout=600)
    assert ok and growth < 30 * path.stat().st_size, f"{n} spans took {growth / 2**20:.0f} MiB"


# the per-document shortcuts change the speed, never a report -------------------------------------

LAYERS = ("sections", "entities", "claims")


@pytest.fixture(scope="module")
def roots(tmp_path_factory):
    """One single-document root per valid source document: the tiny fixture, the seed, a generated one."""
    base = tmp_path_factory.mktemp("shortcuts")
    gen = make_root(base / "gen", 2, seed=7)
    sources = [(FIXTURES / "valid", "tiny"), (REPO, "000_1afbb3b63b1bfa60")]
    sources += [(gen, p.stem) for p in sorted((gen / "annotations").glob("*.json"))]
    out = []
    for i, (src, stem) in enumerate(sources):
        root = base / f"r{i}"
        for rel in (f"corpus/{stem}.txt", f"corpus/{stem}.meta.json", f"annotations/{stem}.json"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / rel, root / rel)
        out.append((root, stem))
    return out


def both_reports(root):
    """(problems with every shortcut, problems of the careful path), the mention-missed warnings left
    out: a file that passed its schema is its model as it is (well_formed(valid=True)), and one whose
    every span holds its quote skips the per-span comparisons (Context.quoted)."""
    fast = validate_root(root)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(checks.run, "well_formed", lambda value, valid=False: model.well_formed(value))
        m.setattr(annotation, "all_quoted", lambda ann, text: False)
        careful = validate_root(root)
    assert "mention-missed" not in {p.check for p in careful.problems}
    return [p for p in fast.problems if p.check != "mention-missed"], careful.problems


# Mutations of a valid annotation that keep it schema-valid (so the shortcuts are taken) but give
# each annotation check something to find.
def mutate(ann: dict, text: str, kind: str, k: int, d: int) -> None:
    def pick(layer):
        return ann[layer][k % len(ann[layer])] if ann[layer] else None

    if kind == "shift":
        for layer in LAYERS:
            if s := pick(layer):
                s["start"], s["end"] = max(0, s["start"] + d), max(0, s["end"] + d)
    elif kind in ("end", "start", "widen"):
        s = pick("entities") or pick("sections")
        if kind == "end":
            s["end"] = max(0, s["end"] + d)
        else:
            s["start"] = max(0, s["start"] + (d if kind == "start" else -1))
        s["text"] = text[s["start"] : s["end"]] or "x"
    elif kind == "past-end":
        pick("sections")["end"] = len(text) + abs(d)
    elif kind == "empty":
        s = pick("entities") or pick("sections")
        s["end"] = s["start"]
    elif kind == "quote":
        s = pick("claims") or pick("sections")
        s["text"] = " " + s["text"] if d % 2 else s["text"] + "!"
    elif kind == "duplicate-id":
        a, b = pick("entities"), pick("sections")
        if a and b:
            a["id"] = b["id"]
    elif kind == "source":
        c, s = pick("claims"), pick("sections")
        if c and s:
            c["attribution"] = {"type": "source", "source": s["id"] if d % 2 else "nobody"}
    elif kind == "source-span":
        if c := pick("claims"):
            c["attribution"] = {
                "type": "source",
                "source_span": {"start": c["start"] + d, "end": c["end"], "text": c["text"]},
            }
    elif kind == "overlap":
        for layer in LAYERS:
            if len(ann[layer]) > 1:
                a, b = ann[layer][k % len(ann[layer])], ann[layer][(k + 1) % len(ann[layer])]
                b["start"], b["end"], b["text"] = a["start"], a["end"], a["text"]
    elif kind == "drop-section":
        if ann["sections"]:
            del ann["sections"][k % len(ann["sections"])]
    elif kind == "reorder":
        ann["sections"].reverse()
    elif kind == "cluster":
        for e, label in zip(ann["entities"][:2], ("ORG", "PERSON"), strict=False):
            e.update(cluster="c1", label=label)
    elif kind == "id-clash":
        for layer in LAYERS:
            if ann[layer]:
                ann[layer][0]["id"] = "same"


KINDS = [
    "shift",
    "end",
    "start",
    "past-end",
    "empty",
    "quote",
    "widen",
    "duplicate-id",
    "source",
    "source-span",
    "overlap",
    "drop-section",
    "reorder",
    "cluster",
    "id-clash",
]


def mutated_reports(root, stem, kinds, k, d):
    path = root / "annotations" / f"{stem}.json"
    original = path.read_bytes()
    text = (root / "corpus" / f"{stem}.txt").read_text(encoding="utf-8")
    ann = json.loads(original)
    for kind in kinds:
        mutate(ann, text, kind, k, d)
    valid = files.explain("annotation", ann) == []
    try:
        path.write_text(json.dumps(ann, ensure_ascii=False, indent=1), encoding="utf-8")
        return (*both_reports(root), valid)
    finally:
        path.write_bytes(original)


@given(
    which=st.integers(0, 100),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
    k=st.integers(0, 50),
    d=st.integers(-4, 4),
)
def test_the_shortcuts_give_the_careful_path_s_report(roots, which, kinds, k, d):
    root, stem = roots[which % len(roots)]
    fast, careful, _ = mutated_reports(root, stem, kinds, k, d)
    assert fast == careful


def test_the_shortcuts_meet_every_annotation_check(roots):
    """Not vacuous: each mutation keeps the file schema-valid, and the checks find what they made."""
    root, stem = roots[0]
    seen = set()
    for kind in KINDS:
        fast, careful, valid = mutated_reports(root, stem, [kind], 1, 2)
        assert valid and fast == careful, kind  # schema-valid: the shortcuts are taken
        seen |= {p.check for p in fast}
    assert {
        "span-offsets",
        "span-text-mismatch",
        "span-whitespace",
        "id-duplicate",
        "reference-unresolved",
        "entity-overlap",
        "section-order",
        "cluster-label-mixed",
    } <= seen, seen


def test_only_a_file_that_passed_its_schema_is_taken_as_it_is(valid_root, monkeypatch):
    seen = []
    real = model.well_formed
    monkeypatch.setattr(checks.run, "well_formed", lambda value, valid=False: seen.append(valid) or real(value, valid))
    validate_root(valid_root)
    edit(valid_root / "annotations/tiny.json", lambda a: a["entities"][0].update(start=1.0))  # rs would pass 1.0
    edit(valid_root / "annotations/tiny.json", lambda a: a["entities"].append("not a span"))
    fast, careful = both_reports(valid_root)
    assert fast == careful and {p.check for p in fast} == {"schema"}
    assert seen[:2] == [True, False]
