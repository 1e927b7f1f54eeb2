"""How the commands write: what they write validates, every file is written atomically (texts and metas
before annotations), a command killed at any moment leaves each file old or new and the next `validate`
names a document left half written, `recover` (and every writing command, on taking the lock) only
removes the temporary files a killed write left, and one command writes to a root at a time.

The kill tests (`@pytest.mark.slow`) run a real command in a subprocess and SIGKILL it before each
filesystem change it makes (see killharness.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsspan import store
from newsspan.validator import check_writes, validate_root

from conftest import FIXTURES, REPO, SEED, cli_env
from contrib_helpers import cli_ok, load, new_root, validate_ok
from killharness import CLI_MAIN, child_cmd, count_events, kill_points, run_killed_at, snapshot

sys.path.insert(0, str(FIXTURES))
import generate as fx

GOLD = "000_1afbb3b63b1bfa60"
# a scrape header, then a headline of 5,009 characters: longer than a title may be (2,000)
LONG_FIRST_LINE = " date 2024-01-12 en English\nBreaking " + "news " * 1000


# what is written validates, metadata included -------------------------------------------------------


def test_add_of_an_article_whose_first_line_is_5000_characters_writes_a_meta_that_validates(tmp_path):
    """A guess from the text that the schema would refuse (a 5,000-character title) is left out, with a note."""
    src = tmp_path / "long.txt"
    src.write_text(LONG_FIRST_LINE.rstrip() + "\n\nThe body of the article.\n", encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_ok("add", "--root", root, src, "--language", "en")
    assert "`title` is left out" in res.stderr and "longer than the maximum of 2000" in res.stderr
    meta = load(root / "corpus/long.meta.json")
    assert "title" not in meta and meta["language"] == "en"
    assert load(root / "annotations/long.json")["sections"][1]["label"] == "headline"  # the layout stays
    validate_ok(root)


def test_import_of_a_new_text_whose_first_line_is_5000_characters_writes_a_meta_that_validates(tmp_path):
    text = LONG_FIRST_LINE.rstrip() + "\n\nRome wins again.\n"
    start = text.index("Rome")
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": 1, "text": text, "label": [[start, start + 4, "GPE"]]}) + "\n", encoding="utf-8")
    root = new_root(tmp_path)
    res = cli_ok("import", "doccano", path, "--root", root, "--language", "en")
    assert "`title` is left out" in res.stderr
    (meta_path,) = (root / "corpus").glob("*.meta.json")
    assert "title" not in load(meta_path)
    validate_ok(root)


def test_check_writes_reports_what_validate_would_in_the_files_about_to_be_written(valid_root):
    root = store.Root(valid_root)
    meta = load(valid_root / "corpus/tiny.meta.json")
    ann = load(valid_root / "annotations/tiny.json")
    before = snapshot(valid_root)
    assert check_writes(root, [(root.meta_path("tiny"), json.dumps(meta).encode())]) == []
    bad_meta = {**meta, "title": "x" * 2001, "text_sha256": "0" * 64}
    bad_ann = {**ann, "entities": [{**ann["entities"][0], "start": ann["entities"][0]["start"] + 1}]}
    found = check_writes(
        root,
        [
            (root.meta_path("tiny"), json.dumps(bad_meta).encode()),
            (root.annotation_path("tiny", "bob"), json.dumps(bad_ann).encode()),
        ],
    )
    assert {(p.path, p.check) for p in found} == {
        ("corpus/tiny.meta.json", "schema"),
        ("corpus/tiny.meta.json", "meta-hash-mismatch"),
        ("annotations/annotators/bob/tiny.json", "span-text-mismatch"),
    }
    assert snapshot(valid_root) == before  # checked in memory: nothing written


# atomic writes, texts first ----------------------------------------------------------------------------


def new_document_files(root: Path) -> list[tuple[Path, bytes]]:
    """A second valid document (its own text, meta and layer) and a changed layer of the first one."""
    text = fx.TEXT.replace("Friday", "Monday")
    sha = hashlib.sha256(text.encode()).hexdigest()
    ann = json.loads(fx.dump(fx.ANN))
    ann.update(document_id="tiny2", text_sha256=sha, status="complete")
    for layer in ("sections", "entities", "claims"):
        for span in ann[layer]:
            span["text"] = span["text"].replace("Friday", "Monday")
    meta = dict(fx.META, id="tiny2", text_sha256=sha, source_sha256=sha)
    changed = dict(json.loads(fx.dump(fx.ANN)), status="complete")
    return [
        (root / "annotations" / "tiny2.json", fx.dump(ann).encode()),
        (root / "annotations" / "tiny.json", fx.dump(changed).encode()),
        (root / "corpus" / "tiny2.meta.json", fx.dump(meta).encode()),
        (root / "corpus" / "tiny2.txt", text.encode()),
    ]


def test_write_all_writes_each_file_atomically_texts_and_metas_before_annotations(valid_root, monkeypatch):
    order = []
    real = os.replace

    def spy(src, dst, *a, **k):
        assert Path(src).name.startswith(store.TMP_PREFIX)  # each file is renamed into place whole
        order.append(Path(dst).name)
        return real(src, dst, *a, **k)

    monkeypatch.setattr(store.os, "replace", spy)
    files = new_document_files(valid_root)
    store.Root(valid_root).write_all(files)
    assert order.index("tiny2.txt") < order.index("tiny2.json") and order.index("tiny2.meta.json") < order.index(
        "tiny2.json"
    )
    assert order.index("tiny2.txt") < order.index("tiny.json")
    for path, data in files:
        assert path.read_bytes() == data
    assert not list(valid_root.rglob(f"{store.TMP_PREFIX}*"))  # nothing left behind
    assert validate_root(valid_root).ok


def test_recover_removes_only_the_temporary_files_a_killed_write_left(valid_root):
    strays = [valid_root / "corpus" / ".newsspan-abc0.tmp", valid_root / "annotations" / ".newsspan-abc1.tmp"]
    for p in strays:
        p.write_bytes(b"half a file")
    keep = valid_root / "annotations" / ".newsspan-notes.md"  # ours by prefix only: no temporary file
    keep.write_text("x")
    before = {p: h for p, h in snapshot(valid_root).items() if ".tmp" not in p}
    assert validate_root(valid_root).ok  # the validator never reads temporary files
    cli_ok("recover", "--root", valid_root)
    assert not any(p.exists() for p in strays) and snapshot(valid_root) == before


# the lock ----------------------------------------------------------------------------------------------


def test_the_lock_is_a_git_ignored_file_at_the_root(tmp_path):
    root = new_root(tmp_path)
    src = tmp_path / "a.txt"
    src.write_text("Headline here\n\nBody text.\n", encoding="utf-8")
    cli_ok("add", "--root", root, src, "--language", "en")
    assert (root / ".newsspan.lock").is_file()
    assert ".newsspan.lock" in (REPO / ".gitignore").read_text(encoding="utf-8").split()


HOLDER = """
import sys, time
from pathlib import Path
from newsspan import store
with store.Root(sys.argv[1]).lock():
    Path(sys.argv[2]).touch()
    while not Path(sys.argv[3]).exists():
        time.sleep(0.01)
"""


def test_a_writing_command_waits_for_the_root_s_lock_saying_so(valid_root, tmp_path):
    ready, go = tmp_path / "ready", tmp_path / "go"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, valid_root, ready, go], env=cli_env(), text=True)
    writer = None
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert holder.poll() is None and time.monotonic() < deadline, "the holder never took the lock"
            time.sleep(0.02)
        writer = subprocess.Popen(
            [sys.executable, "-m", "newsspan", "add", "--root", valid_root, SEED],
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = writer.stderr.readline()  # said before it waits
        assert (
            first.strip()
            == "newsspan add: waiting for another newsspan command to finish writing (lock .newsspan.lock)"
        )
        assert writer.poll() is None and not (valid_root / f"corpus/{GOLD}.txt").exists()  # still waiting
    finally:
        go.touch()
        assert holder.wait(timeout=60) == 0
        _, err = writer.communicate(timeout=120) if writer else ("", "")
    assert writer.returncode == 0, err
    assert (valid_root / f"corpus/{GOLD}.txt").is_file()


COUNTER = """
import sys, time
from newsspan import store
root = store.Root(sys.argv[1])
path = root.corpus / "counter.txt"
for _ in range(int(sys.argv[2])):
    with root.lock():
        n = int(path.read_text()) if path.exists() else 0
        time.sleep(0.002)  # widen the window a lost update would need
        root.write_all([(path, str(n + 1).encode())])
"""


def test_the_lock_serialises_writers(valid_root):
    """Four processes increment one file ten times each under the lock: no update is lost."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTER, valid_root, "10"], env=cli_env(), stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    assert (valid_root / "corpus" / "counter.txt").read_text() == "40"


# killed at any moment ------------------------------------------------------------------------------------


def _tiny(root: Path) -> None:
    shutil.copytree(FIXTURES / "valid", root)


def _gold_edited(root: Path) -> None:
    """The gold document with an editor's note added on top: its spans need reanchoring."""
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(REPO / "annotations", root / "annotations")
    path = root / "corpus" / f"{GOLD}.txt"
    note = "Correction: an earlier version misstated the date of the talks.\n\n"
    path.write_text(note + path.read_text(encoding="utf-8"), encoding="utf-8")


def _not_canonical(root: Path) -> None:
    """The tiny document with CRLF line ends and a BOM: canonicalize rewrites text, meta and spans."""
    _tiny(root)
    text = root / "corpus" / "tiny.txt"
    text.write_bytes(b"\xef\xbb\xbf" + text.read_bytes().replace(b"\n", b"\r\n"))
    raw = text.read_bytes().decode("utf-8")  # the BOM and the CRs count as code points
    sha = hashlib.sha256(text.read_bytes()).hexdigest()
    ann = load(root / "annotations" / "tiny.json")
    ann["text_sha256"] = sha
    for layer in ("sections", "entities", "claims"):
        for sp in ann[layer]:
            for s in [sp] + [sp.get("attribution", {}).get(k) for k in ("source_span", "cue")]:
                if s:
                    s["start"] = raw.index(s["text"])
                    s["end"] = s["start"] + len(s["text"])
    (root / "annotations" / "tiny.json").write_text(json.dumps(ann, indent=2), encoding="utf-8")
    meta = load(root / "corpus" / "tiny.meta.json")
    (root / "corpus" / "tiny.meta.json").write_text(json.dumps({**meta, "text_sha256": sha}), encoding="utf-8")


def _built(root: Path) -> None:
    """A root with a build of an earlier state, then a corpus change: the next build differs."""
    _tiny(root)
    cli_ok("build", "--root", root)
    meta = root / "corpus" / "tiny.meta.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace("Liu Jianchao", "Liu"), encoding="utf-8")


BRAT = FIXTURES / "tools" / "brat"
KILLED = {  # command -> how to prepare its root, its arguments
    "add": (_tiny, lambda root: ["add", "--root", root, SEED]),
    "import": (
        _tiny,
        lambda root: [
            "import",
            "brat",
            BRAT,
            "--root",
            root,
            "--language",
            "en",
            "--label-map",
            "Person=PERSON,Organization=ORG,Money=MONEY",
        ],
    ),
    "canonicalize": (_not_canonical, lambda root: ["canonicalize", "--root", root]),
    "reanchor": (_gold_edited, lambda root: ["reanchor", "--root", root]),
    "build": (_built, lambda root: ["build", "--root", root]),
}


def _stem(rel: str) -> str:
    return Path(rel).name.split(".")[0]


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(KILLED))
def test_a_command_killed_at_any_moment_leaves_each_file_old_or_new(command, tmp_path):
    prepare, args = KILLED[command]
    pristine, root = tmp_path / "pristine", tmp_path / "root"
    prepare(pristine)
    old = snapshot(pristine)
    shutil.copytree(pristine, root)
    n_events, _, res = count_events(CLI_MAIN, args(root), [root])
    assert res.returncode == 0, res.stdout + res.stderr
    new = snapshot(root)
    assert new != old and n_events >= 3
    seen = set()
    # before a change, and (jitter) a moment inside or after one, which the command may outlive
    points = [(at, 0.0) for at in kill_points(n_events, 15, seed=len(command))]
    points += [(at, 0.002) for at in kill_points(n_events, 3, seed=len(command) + 1)]
    for at, jitter in points:
        shutil.rmtree(root)
        shutil.copytree(pristine, root)
        killed = run_killed_at(CLI_MAIN, args(root), [root], at, jitter=jitter).returncode == -9
        assert killed or jitter, f"not killed at change {at}"
        if command == "build":  # a folder replaced whole: killed between its two renames, recover puts the old back
            cli_ok("recover", "--root", root)
        state = snapshot(root)
        temporary = {p for p in state if any(part.startswith(store.TMP_PREFIX) for part in Path(p).parts)}
        for path in set(old) | set(new) | set(state) - temporary:
            assert state.get(path) in (old.get(path), new.get(path)), (
                f"{command} killed at {at}: {path} is neither old nor new"
            )
        done = {p: h for p, h in state.items() if p not in temporary}
        seen.add("old" if done == old else "new" if done == new else "mixed")
        if done not in (old, new) and command != "build":  # a document half written is named by the next validate
            named = {p.document_id or _stem(p.path) for p in validate_root(root).problems}
            half = {_stem(p) for p in set(old) | set(new) if done.get(p) != new.get(p)}
            half &= {_stem(p) for p in set(old) | set(new) if done.get(p) != old.get(p)}
            assert half <= named, (command, at, half, named)
        cli_ok("recover", "--root", root)
        assert snapshot(root) == done, "recover changed more than the temporary files"
        if done == old:  # the interrupted command, run again, completes
            cli_ok(*args(root))
            assert snapshot(root) == new
    assert "old" in seen and ("new" in seen or "mixed" in seen), seen


@pytest.mark.slow
def test_concurrent_writing_commands_neither_interleave_nor_lose_a_file(tmp_path):
    """add, import and a second add on one root at the same time: all three land, and the root validates."""
    other = tmp_path / "other-article.txt"
    other.write_text("Council approves budget\n\nThe council approved the budget on Monday.\n", encoding="utf-8")
    root = tmp_path / "root"
    _tiny(root)
    commands = [KILLED["add"][1](root), KILLED["import"][1](root), ["add", "--root", root, other, "--language", "en"]]
    env = cli_env(NEWSSPAN_KILL_AT=json.dumps({"at": 0, "watch": []}))
    procs = [
        subprocess.Popen(child_cmd(CLI_MAIN, a), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for a in commands
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, out + err
    names = sorted(n for n in os.listdir(root / "corpus") if n.endswith(".txt"))
    assert names == [f"{GOLD}.txt", "news.txt", "other-article.txt", "tiny.txt"], names
    assert validate_root(root).ok
    assert not [n for d in ("corpus", "annotations") for n in os.listdir(root / d) if n.startswith(store.TMP_PREFIX)]


# a whole folder (the build) ---------------------------------------------------------------------------

REPLACE = """
from pathlib import Path
from newsspan import store
dest = Path(_sys.argv[1])
store.recover_folder(dest)
new = store.staging_folder(dest)
for i in range(5):
    (new / "sub").mkdir(exist_ok=True)
    (new / "sub" / f"part-{i}.bin").write_bytes(bytes([i]) * 5000)
(new / "README.md").write_text("new build\\n")
store.replace_folder(new, dest)
"""


def make_old_build(dest: Path):
    (dest / "old").mkdir(parents=True)
    for i in range(3):
        (dest / "old" / f"part-{i}.bin").write_bytes(b"old" * 1000)
    (dest / "README.md").write_text("old build\n")


@pytest.mark.slow
@pytest.mark.parametrize("first_build", [False, True])
def test_kill_at_every_step_of_a_folder_replacement(tmp_path, first_build):
    work = tmp_path / "work"
    dest = work / "build" / "hf"
    ref = tmp_path / "ref" / "build" / "hf"
    ref.parent.mkdir(parents=True)
    if not first_build:
        make_old_build(ref)
    n, _, res = count_events(REPLACE, [ref], [ref.parent])
    assert res.returncode == 0, res.stderr
    new = snapshot(ref)
    old_dir = tmp_path / "old"
    if not first_build:
        make_old_build(old_dir)
    old = snapshot(old_dir)
    seen = set()
    for at in range(1, n + 1):
        shutil.rmtree(work, ignore_errors=True)
        dest.parent.mkdir(parents=True)
        if not first_build:
            make_old_build(dest)
        assert run_killed_at(REPLACE, [dest], [dest.parent], at).returncode == -9, at
        store.recover_folder(dest)
        state = snapshot(dest)
        assert state in (old, new), f"killed before change {at} of {n}"
        assert sorted(os.listdir(dest.parent)) == (["hf"] if dest.exists() else [])  # no leftovers
        seen.add("new" if state == new else "old")
    # a first build's last change is the rename itself, so no kill can see its new state
    assert seen == ({"old"} if first_build else {"old", "new"})


def test_replace_folder_from_a_work_folder_and_recover(tmp_path):
    """As the builder does it: the new folder staged inside a work folder beside dest."""
    dest = tmp_path / "build" / "hf"
    make_old_build(dest)
    work = store.staging_folder(dest)
    (work / "hf").mkdir()
    (work / "hf" / "README.md").write_text("new\n")
    store.replace_folder(work / "hf", dest)
    assert (dest / "README.md").read_text() == "new\n" and not (dest / "old").exists()
    assert store.recover_folder(dest) == [f"removed {work}"]  # the emptied work folder is a leftover
    assert sorted(os.listdir(dest.parent)) == ["hf"]
