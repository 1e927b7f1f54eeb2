"""The root's lock and transactions.

- A transaction may stage one path twice: the last write wins (the temporary name collided).
- The lock is `.newsspan.lock` at the root (git-ignored), not inside the disposable cache folder.
- `newsspan validate` waits, saying so, while another command writes, instead of reporting the
  writer's half-done transaction as `write-interrupted`.
"""

import json
import shutil
import subprocess
import sys
import time

from newsspan import store

from conftest import REPO, cli_env
from contrib_helpers import cli_ok, load, new_root


def test_a_transaction_may_stage_one_path_twice_and_the_last_write_wins(valid_root):
    root = store.Root(valid_root)
    a, b = valid_root / "corpus/a.txt", valid_root / "corpus/b.txt"
    with root.transaction() as tx:
        tx.write(a, b"first")
        tx.write(b, b"other")
        tx.write(a, b"second")
        tx.write(a, b"third")
    assert a.read_bytes() == b"third" and b.read_bytes() == b"other"
    assert not [p.name for p in (valid_root / "corpus").iterdir() if p.name.startswith(store.TMP_PREFIX)]
    root.write_all([(a, b"x"), (a, b"y")])
    assert a.read_bytes() == b"y"


def test_the_lock_is_a_git_ignored_file_at_the_root(tmp_path):
    root = new_root(tmp_path)
    src = tmp_path / "a.txt"
    src.write_text("Headline here\n\nBody text.\n", encoding="utf-8")
    cli_ok("add", "--root", root, src, "--language", "en")
    assert (root / ".newsspan.lock").is_file()
    assert not (root / ".newsspan-cache" / "write.lock").exists()
    assert ".newsspan.lock" in (REPO / ".gitignore").read_text(encoding="utf-8").split()


# A real writer, paused inside its transaction: the journal written, no file renamed yet. It
# holds the root's lock until the test creates the file `go`.
PAUSED_WRITER = r"""
import hashlib, json, sys, time
from pathlib import Path
from newsspan import store

root = store.Root(sys.argv[1])
ready, go = Path(sys.argv[2]), Path(sys.argv[3])
journal = root.path / store.JOURNAL
paused = []


def pause_at_the_first_rename_after_the_journal(event, args):
    if event == "os.rename" and journal.exists() and not paused:
        paused.append(1)
        ready.touch()
        while not go.exists():
            time.sleep(0.01)


text = b"Rome wins again.\n"
sha = hashlib.sha256(text).hexdigest()
meta = {"schema_version": "1.0.0", "id": "rome", "language": "en", "source": "unknown", "url": "unknown",
        "license": "unknown", "text_sha256": sha, "source_sha256": sha}
sys.addaudithook(pause_at_the_first_rename_after_the_journal)
with root.writing():
    root.write_all([(root.text_path("rome"), text), (root.meta_path("rome"), json.dumps(meta).encode())])
"""


def test_validate_waits_for_a_writer_holding_the_lock_then_validates(valid_root, tmp_path):
    ready, go = tmp_path / "ready", tmp_path / "go"
    writer = subprocess.Popen(
        [sys.executable, "-c", PAUSED_WRITER, str(valid_root), str(ready), str(go)],
        env=cli_env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    validate = None
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert writer.poll() is None, writer.stderr.read()
            assert time.monotonic() < deadline, "the writer never reached its renames"
            time.sleep(0.02)
        assert (valid_root / store.JOURNAL).exists()  # its transaction is half done
        shutil.rmtree(
            valid_root / ".newsspan-cache", ignore_errors=True
        )  # the cache is disposable; the lock is not in it
        validate = subprocess.Popen(
            [sys.executable, "-m", "newsspan", "validate", "--root", str(valid_root), "--format", "json"],
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first = validate.stderr.readline()  # printed before it waits; at the end of its output if it does not wait
        assert (
            first.strip()
            == "newsspan validate: waiting for another newsspan command to finish writing (lock .newsspan.lock)"
        )
        assert validate.poll() is None  # still waiting: the writer holds the lock until `go`
    finally:
        go.touch()
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
        if validate is not None:
            out, err = validate.communicate(timeout=300)
    assert validate.returncode == 0, err
    report = json.loads(out)
    assert not [p for p in report["problems"] if p["severity"] == "error"], report["problems"]
    assert report["summary"]["documents"] == 2  # it validated after the writer's transaction completed
    assert not (valid_root / store.JOURNAL).exists()
    assert load(valid_root / "corpus/rome.meta.json")["id"] == "rome"
