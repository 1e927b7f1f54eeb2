"""--jobs gives the serial report exactly; the cache reuses unchanged documents and nothing else."""

import json
import os
import shutil
import signal

import pytest

from newsspan import cache, checks
from newsspan import validator as validate
from newsspan.checks import register
from newsspan.findings import Finding
from newsspan.validator import validate_root

from conftest import run_cli
from synthetic import age, make_root

DOCS = 48  # above validate.MIN_PARALLEL, so jobs=2 really uses a pool


def ann_path(root, i):
    return root / "annotations" / f"bench-{i:07d}.json"


def text_path(root, i):
    return root / "corpus" / f"bench-{i:07d}.txt"


def meta_path(root, i):
    return root / "corpus" / f"bench-{i:07d}.meta.json"


def edit_json(path, fn):
    d = json.loads(path.read_text(encoding="utf-8"))
    fn(d)
    path.write_text(json.dumps(d, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def broken_root(tmp_path_factory):
    """A generated root with problems of many kinds spread over its documents."""
    root = make_root(tmp_path_factory.mktemp("broken") / "root", DOCS)
    edit_json(ann_path(root, 3), lambda a: a["entities"][0].update(start=a["entities"][0]["start"] + 1))
    meta_path(root, 7).unlink()
    ann_path(root, 11).write_text('{"schema_version": "1.0.0",,}', encoding="utf-8")
    shutil.copyfile(text_path(root, 16), text_path(root, 15))
    edit_json(
        meta_path(root, 15), lambda m: m.update(text_sha256=json.loads(meta_path(root, 16).read_text())["text_sha256"])
    )
    edit_json(ann_path(root, 19), lambda a: a["entities"][2].update(label="CITY", start=1.0))
    ann_path(root, 23).unlink()
    (root / "annotations" / "annotators" / "ann-b").mkdir(parents=True)
    shutil.copyfile(ann_path(root, 30), root / "annotations" / "annotators" / "ann-b" / "bench-0000030.json")
    (root / "annotations" / "annotators" / "ann-b" / "bench-0000031.json").write_text("[]", encoding="utf-8")
    (root / "annotations" / "ghost.json").write_text(ann_path(root, 40).read_text(), encoding="utf-8")
    (root / "corpus" / "notes.md").write_text("notes\n", encoding="utf-8")
    return root


def as_rows(report):
    return [p.to_dict() for p in report.problems]


def test_jobs_give_the_serial_report_in_the_same_order(broken_root):
    serial = validate_root(broken_root, jobs=1)
    parallel = validate_root(broken_root, jobs=2)
    assert as_rows(parallel) == as_rows(serial)
    assert parallel.summary() == serial.summary()
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


def test_jobs_really_use_worker_processes(broken_root):
    """A check that reports the process it ran in: with jobs=2 documents are checked elsewhere."""

    def where(ctx):
        yield Finding("zz-test-pid", str(os.getpid()))

    register("zz-test-pid", "warning", checks.DOCUMENT, "reports the checking process (test only)")(where)
    try:
        report = validate_root(broken_root, jobs=2)
    finally:
        del checks.REGISTRY["zz-test-pid"]
    pids = {p.message for p in report.problems if p.check == "zz-test-pid"}
    assert pids and str(os.getpid()) not in pids


def test_cli_jobs_output_is_identical(broken_root):
    one = run_cli("validate", "--root", broken_root, "--jobs", "1", "--no-cache", "--format", "json")
    two = run_cli("validate", "--root", broken_root, "--jobs", "2", "--no-cache", "--format", "json")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and json.loads(one.stdout)["problems"]
    assert not (broken_root / ".newsspan-cache").exists()  # --no-cache writes nothing


@pytest.fixture
def root(tmp_path):
    r = make_root(tmp_path / "root", 12)
    age(r)
    return r


@pytest.fixture
def checked(monkeypatch):
    """The ids of the documents actually checked (not taken from the cache) by in-process runs."""
    seen = []
    real = validate.check_document

    def spy(root, stem, *a, **k):
        seen.append(stem)
        return real(root, stem, *a, **k)

    monkeypatch.setattr(validate, "check_document", spy)
    return seen


def run(root, checked):
    checked.clear()
    return validate_root(root, cache=True)


def cache_files(root):
    return [p for p in [root / cache.FOLDER / cache.FILE] if p.exists()]


def edit_entries(root, fn):
    """Apply fn to the cache's entries, as a hand (or a bug) might have."""
    for path in cache_files(root):
        doc = json.loads(path.read_text())
        fn(doc["entries"])
        path.write_text(json.dumps(doc))


def test_unchanged_documents_come_from_the_cache(root, checked):
    first = run(root, checked)
    assert len(checked) == 12 and cache_files(root)
    second = run(root, checked)
    assert checked == []
    assert as_rows(second) == as_rows(first) and second.summary() == first.summary()


def test_a_changed_file_is_checked_again(root, checked):
    run(root, checked)
    edit_json(ann_path(root, 5), lambda a: a["entities"][0].update(start=a["entities"][0]["start"] + 1))
    report = run(root, checked)
    assert checked == ["bench-0000005"]
    assert [p.check for p in report.problems] == ["span-text-mismatch"]
    # the old content written back: the key changed (mtime, ctime), so it is checked, and passes
    edit_json(ann_path(root, 5), lambda a: a["entities"][0].update(start=a["entities"][0]["start"] - 1))
    report = run(root, checked)
    assert checked == ["bench-0000005"] and report.problems == []


def test_cached_problems_are_reported_again(root, checked):
    edit_json(ann_path(root, 2), lambda a: a["claims"][0].update(checkworthy="yes"))
    age(root)
    first = run(root, checked)
    again = run(root, checked)
    assert checked == [] and as_rows(again) == as_rows(first)
    assert [p.check for p in again.problems] == ["schema"] and again.problems[0].line is not None


def test_cross_file_checks_are_recomputed(root, checked):
    run(root, checked)
    # a new document whose text duplicates a cached one: only it is checked, the duplicate is found
    for suffix in (".txt", ".meta.json"):
        shutil.copyfile(root / "corpus" / f"bench-0000004{suffix}", root / "corpus" / f"copy{suffix}")
    edit_json(root / "corpus" / "copy.meta.json", lambda m: m.update(id="copy"))
    report = run(root, checked)
    assert checked == ["copy"]
    assert {p.check for p in report.problems} == {"text-duplicate", "annotation-missing"}
    # and when the original goes, the cached duplicate report goes with it
    for p in (text_path(root, 4), meta_path(root, 4), ann_path(root, 4)):
        p.unlink()
    report = run(root, checked)
    assert checked == ["copy"]  # written seconds ago, so not stored yet; the others come from the cache
    assert {p.check for p in report.problems} == {"annotation-missing"}
    assert report.documents == 12


def test_new_annotator_layer_changes_the_key(root, checked):
    run(root, checked)
    d = root / "annotations" / "annotators" / "ann-a"
    d.mkdir(parents=True)
    (d / "bench-0000006.json").write_text("{}", encoding="utf-8")
    report = run(root, checked)
    assert checked == ["bench-0000006"] and "schema" in {p.check for p in report.problems}
    assert {p.path for p in report.problems} == {"annotations/annotators/ann-a/bench-0000006.json"}


def test_fresh_files_are_not_stored(tmp_path, checked):
    """A file written in the last seconds could change again within the same timestamp tick."""
    r = make_root(tmp_path / "fresh", 3)
    run(r, checked)
    run(r, checked)
    assert len(checked) == 3


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b"\xff\xfe", b"[]", b'{"format": 3}', b'{"format": 3, "fingerprint": "x", "entries": {}}'],
)
def test_corrupt_cache_is_ignored(root, checked, content):
    first = run(root, checked)
    for path in cache_files(root):
        path.write_bytes(content)
    again = run(root, checked)
    assert len(checked) == 12 and as_rows(again) == as_rows(first)
    run(root, checked)
    assert checked == []  # and it was rewritten whole


def test_mis_shaped_entries_are_not_trusted(root, checked):
    run(root, checked)

    def spoil(entries):
        for stem, e in list(
            entries.items()
        ):  # [key, files checked, problems, text_sha256, has_text, has_meta, has_annotation]
            if stem == "bench-0000001":
                e[2] = [["x"] * 9]  # a problem that is no problem
            elif stem == "bench-0000002":
                e[3:7] = ["sha", "yes", True, True]  # a summary of the wrong types
            elif stem == "bench-0000003":
                entries[stem] = {"key": e[0]}  # an entry of the wrong shape
            elif stem == "bench-0000004":
                e[0] = e[0][::-1]  # a stale key
            elif stem == "bench-0000006":
                e[1] = "3"  # a count that is no number
            elif stem == "bench-0000007":
                e[3] = "z" * 65  # a text digest that is no digest
            elif stem == "bench-0000008":
                e[3] = "z" * 64  # one of the right length, but not hexadecimal

    edit_entries(root, spoil)
    report = run(root, checked)
    assert sorted(checked) == [
        "bench-0000001",
        "bench-0000002",
        "bench-0000003",
        "bench-0000004",
        "bench-0000006",
        "bench-0000007",
        "bench-0000008",
    ]
    assert report.problems == []
    run(root, checked)
    assert checked == []  # the spoilt entries were written afresh


@pytest.mark.parametrize("old", ["format 1", "format 2"])
def test_a_cache_of_an_old_format_is_replaced(root, checked, old):
    (root / cache.FOLDER / cache.LEGACY).mkdir(parents=True)
    if old == "format 1":  # one file, as now, of another shape
        (root / cache.FOLDER / cache.FILE).write_text('{"format": 1, "entries": {}}')
    else:  # 64 bucket files
        (root / cache.FOLDER / cache.LEGACY / "00.json").write_text('{"format": 2, "entries": {}}')
    run(root, checked)
    assert len(checked) == 12 and not (root / cache.FOLDER / cache.LEGACY).exists()
    assert json.loads((root / cache.FOLDER / cache.FILE).read_text())["format"] == cache.FORMAT


def test_a_new_check_invalidates_the_cache(root, checked):
    run(root, checked)

    def always(ann, ctx):
        yield Finding("zz-test-new", "found by a check added after the cache was written")

    register("zz-test-new", "error", checks.ANNOTATION, "a new check (test only)")(always)
    try:
        report = run(root, checked)
    finally:
        del checks.REGISTRY["zz-test-new"]
    assert len(checked) == 12 and sum(p.check == "zz-test-new" for p in report.problems) == 12


def test_other_limits_do_not_reuse_results(root, checked):
    run(root, checked)
    checked.clear()
    report = validate_root(root, limits=validate.Limits(max_bytes=1000), cache=True)
    assert len(checked) == 12 and "file-too-large" in {p.check for p in report.problems}


def test_cli_uses_the_cache_by_default(root):
    first = run_cli("validate", "--root", root)
    assert first.returncode == 0 and cache_files(root)
    second = run_cli("validate", "--root", root)
    assert second.stdout == first.stdout
    for path in cache_files(root):
        path.write_text("{}", encoding="utf-8")
    third = run_cli("validate", "--root", root, "--no-cache")
    assert third.stdout == first.stdout
    assert {p.read_text(encoding="utf-8") for p in cache_files(root)} == {"{}"}  # untouched


def test_cache_folder_that_is_a_link_is_not_used(root, tmp_path, checked):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, root / cache.FOLDER)
    run(root, checked)
    run(root, checked)
    assert len(checked) == 12 and list(elsewhere.iterdir()) == []


def test_a_worker_that_dies_does_not_lose_documents(broken_root):
    """A worker killed mid-run (out of memory, a signal): the rest is checked in-process, nothing lost."""

    def die_in_worker(ctx):
        if os.getpid() != parent and ctx.stem == "bench-0000030":
            os._exit(9)
        return
        yield

    parent = os.getpid()
    register("zz-test-die", "warning", checks.DOCUMENT, "kills a worker process (test only)")(die_in_worker)
    try:
        report = validate_root(broken_root, jobs=2)
    finally:
        del checks.REGISTRY["zz-test-die"]
    assert as_rows(report) == as_rows(validate_root(broken_root, jobs=1))


def test_a_worker_that_dies_loses_no_document(broken_root):
    """A worker killed mid-run (out of memory, say): what it held is checked in-process instead."""
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
    assert "bench-0000020" in here  # the pool broke, and the document was checked here
    serial = validate_root(broken_root, jobs=1)
    assert as_rows(parallel) == as_rows(serial) and parallel.summary() == serial.summary()


def test_every_copy_of_a_text_is_reported_against_the_first(tmp_path):
    r = make_root(tmp_path / "dups", 6)
    for i in (4, 2):  # copies of document 5's text under two other ids
        for suffix in (".txt", ".meta.json"):
            shutil.copyfile(r / "corpus" / f"bench-0000005{suffix}", r / "corpus" / f"bench-000000{i}{suffix}")
        edit_json(meta_path(r, i), lambda m, i=i: m.update(id=f"bench-000000{i}"))
    dups = [p for p in validate_root(r, jobs=1).problems if p.check == "text-duplicate"]
    assert sorted((p.path, p.message) for p in dups) == [
        ("corpus/bench-0000004.txt", 'the text is identical to that of document "bench-0000002"'),
        ("corpus/bench-0000005.txt", 'the text is identical to that of document "bench-0000002"'),
    ]
