"""The store's crash-safe writes: transactions, whole-folder replacement, recovery and the lock.

The kill tests run the primitives in a subprocess and SIGKILL it before every filesystem
change it makes (see killharness.py), then recover as the next command would and assert
that the root is exactly the old state or the new one, and still validates.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsspan import store
from newsspan.validator import validate_root

from conftest import FIXTURES, cli_env, run_cli, run_json
from killharness import count_events, delays, run_killed_after, run_killed_at, snapshot

sys.path.insert(0, str(FIXTURES))
import generate as fx


def new_document_files(root: Path) -> list[tuple[Path, bytes]]:
    """A second valid document (its own text) and a changed annotation of the first one."""
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


TRANSACTION = """
import json
from pathlib import Path
from newsspan import store
root = store.Root(_sys.argv[1])
files = [(Path(p), bytes.fromhex(h)) for p, h in json.loads(Path(_sys.argv[2]).read_text())]
with root.writing():
    root.write_all(files)
"""


def recover(root: Path) -> list[str]:
    r = store.Root(root)
    with r.lock():
        return r.recover()


# --- transactions -----------------------------------------------------------------------------
def test_transaction_writes_every_file_and_leaves_nothing_behind(valid_root):
    root = store.Root(valid_root)
    files = new_document_files(valid_root)
    with root.writing():
        root.write_all(files)
    for path, data in files:
        assert path.read_bytes() == data
    assert root.pending() == []
    assert not (valid_root / store.JOURNAL).exists()
    assert validate_root(valid_root).ok


def test_transaction_renames_texts_and_metas_before_annotations(valid_root, monkeypatch):
    order = []
    real = os.replace

    def spy(src, dst, *a, **k):
        order.append(Path(dst).name)
        return real(src, dst, *a, **k)

    monkeypatch.setattr(store.os, "replace", spy)
    store.Root(valid_root).write_all(new_document_files(valid_root))
    moves = [n for n in order if n != store.JOURNAL]
    assert moves.index("tiny2.txt") < moves.index("tiny2.json")
    assert moves.index("tiny2.meta.json") < moves.index("tiny2.json")
    assert moves.index("tiny2.txt") < moves.index("tiny.json")


def test_failed_transaction_changes_nothing(valid_root):
    before = snapshot(valid_root)
    root = store.Root(valid_root)
    with pytest.raises(ZeroDivisionError), root.transaction() as tx:
        for path, data in new_document_files(valid_root):
            tx.write(path, data)
        raise ZeroDivisionError("a failure inside the transaction")
    assert snapshot(valid_root) == before


def _plan(tmp_path, root: Path, files, name="plan.json") -> Path:
    """The transaction's files, rebased onto root, as a JSON file for the child."""
    plan = tmp_path / name
    plan.write_text(json.dumps([[str(root / p.relative_to(files[0][0].parents[1])), d.hex()] for p, d in files]))
    return plan


def test_kill_at_every_filesystem_change_of_a_transaction(valid_root, tmp_path):
    """SIGKILL before each write, rename and removal: after recovery the root is old or new, and valid."""
    files = new_document_files(valid_root)
    pristine = tmp_path / "pristine"
    shutil.copytree(valid_root, pristine)
    old = snapshot(pristine)
    ref = tmp_path / "ref"
    shutil.copytree(pristine, ref)
    n, _, res = count_events(TRANSACTION, [ref, _plan(tmp_path, ref, files, "ref.json")], [ref])
    assert res.returncode == 0, res.stderr
    new = snapshot(ref)
    assert new != old and n >= 8
    plan = _plan(tmp_path, valid_root, files)
    seen = set()
    for at in range(1, n + 1):
        shutil.rmtree(valid_root)
        shutil.copytree(pristine, valid_root)
        res = run_killed_at(TRANSACTION, [valid_root, plan], [valid_root], at)
        assert res.returncode == -9, (at, res.stderr)
        recover(valid_root)
        state = snapshot(valid_root)
        assert state in (old, new), f"killed before change {at} of {n}: neither the old nor the new state"
        seen.add("new" if state == new else "old")
        assert validate_root(valid_root).ok, at
    assert seen == {"old", "new"}  # the kills landed on both sides of the commit point


def test_kill_after_random_delays(valid_root, tmp_path):
    files = new_document_files(valid_root)
    plan = _plan(tmp_path, valid_root, files)
    pristine = tmp_path / "pristine"
    shutil.copytree(valid_root, pristine)
    old = snapshot(valid_root)
    _, seconds, _ = count_events(TRANSACTION, [valid_root, plan], [valid_root])
    new = snapshot(valid_root)
    for delay in delays(seconds, 20, seed=7):
        shutil.rmtree(valid_root)
        shutil.copytree(pristine, valid_root)
        run_killed_after(TRANSACTION, [valid_root, plan], delay)
        recover(valid_root)
        assert snapshot(valid_root) in (old, new), f"delay {delay:.3f}s"
        assert validate_root(valid_root).ok


def test_a_half_done_transaction_fails_validation_until_recovered(valid_root, tmp_path):
    files = new_document_files(valid_root)
    plan = _plan(tmp_path, valid_root, files)
    n, _, _ = count_events(TRANSACTION, [valid_root, plan], [valid_root])
    # kill just before the journal is removed: every file renamed, the journal still there
    for at in range(n, 0, -1):
        shutil.rmtree(valid_root)
        shutil.copytree(FIXTURES / "valid", valid_root)
        run_killed_at(TRANSACTION, [valid_root, plan], [valid_root], at)
        if (valid_root / store.JOURNAL).exists():
            break
    assert (valid_root / store.JOURNAL).exists()
    code, out = run_json("--root", valid_root)
    assert code == 1 and any(p["check"] == "write-interrupted" for p in out["problems"])
    res = run_cli("recover", "--root", valid_root)
    assert res.returncode == 0 and "newsspan recover:" in res.stdout
    assert run_json("--root", valid_root)[0] == 0
    assert (
        run_cli("recover", "--root", valid_root).stdout.strip()
        == f"newsspan recover: nothing to recover in {valid_root}"
    )


def test_recovery_removes_stray_temporary_files(valid_root):
    strays = [valid_root / "corpus" / ".newsspan-abc-0.tmp", valid_root / "annotations" / ".newsspan-abc-1.tmp"]
    for p in strays:
        p.write_bytes(b"half a file")
    keep = valid_root / "annotations" / ".newsspan-notes.md"  # ours by prefix only; not a temporary file
    keep.write_text("x")
    assert run_json("--root", valid_root)[0] == 0  # the validator never reads temporary files
    done = recover(valid_root)
    assert len(done) == 2 and not any(p.exists() for p in strays) and keep.exists()


@pytest.mark.parametrize(
    "entry",
    [
        ["annotations/.newsspan-x-0.tmp", "../outside.json"],
        ["annotations/.newsspan-x-0.tmp", "corpus/tiny.txt"],
        ["annotations/notes.md", "annotations/tiny.json"],
        ["annotations/.newsspan-x-0.tmp", "/etc/passwd"],
        "not a pair",
    ],
)
def test_recovery_refuses_a_journal_it_did_not_write(valid_root, entry):
    """A journal is data like any other: a hostile or broken one is refused, never obeyed."""
    (valid_root / "annotations" / ".newsspan-x-0.tmp").write_text("evil")
    (valid_root / store.JOURNAL).write_text(json.dumps({"renames": [entry]}))
    before = snapshot(valid_root)
    res = run_cli("recover", "--root", valid_root)
    assert res.returncode == 2 and "is not a journal newsspan wrote" in res.stderr, res.stderr
    assert snapshot(valid_root) == before


# --- whole folders ----------------------------------------------------------------------------
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
        res = run_killed_at(REPLACE, [dest], [dest.parent], at)
        assert res.returncode == -9, (at, res.stderr)
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


# --- the lock ---------------------------------------------------------------------------------
COUNTER = """
import time
from pathlib import Path
from newsspan import store
root = store.Root(_sys.argv[1])
path = root.corpus / "counter.txt"
for _ in range(int(_sys.argv[2])):
    with root.writing():
        n = int(path.read_text()) if path.exists() else 0
        time.sleep(0.002)  # widen the window a lost update would need
        root.write_atomic(path, str(n + 1).encode())
"""


def test_lock_serialises_writers(valid_root):
    """Four processes increment one file 25 times each under the lock: no update is lost."""
    from killharness import child_cmd

    env = cli_env(NEWSSPAN_KILL_AT=json.dumps({"at": 0, "watch": []}))
    procs = [
        subprocess.Popen(child_cmd(COUNTER, [valid_root, 25]), env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    assert (valid_root / "corpus" / "counter.txt").read_text() == "100"
