"""Every command that writes survives SIGKILL at any moment: the root is the old state or the new one.

For each of add, import, canonicalize, reanchor and build: a complete run on a small root
gives the new state (file tree hashed) and the number of filesystem changes it makes; then
the command is killed at least 50 times: before changes drawn from all of its run, a few
milliseconds after random changes, and after random delays over its measured duration (all
seeded). After each kill, `newsspan recover` (what
the next writing command does first) runs, and the root must hash to exactly the old or the
new state: the new one validates; the old one validates as it did before (canonicalize and
reanchor start from a root that needs them). Every fifth kill that left the old state is
followed by a complete run, which must reach the new state. The built folder is the old
build or the new one, and both load with `datasets.load_dataset`.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsspan import store
from newsspan.validator import validate_root

from conftest import FIXTURES, REPO, SEED, cli_env, run_cli
from killharness import (
    CLI_MAIN,
    child_cmd,
    count_events,
    delays,
    kill_points,
    run_killed_after,
    run_killed_at,
    snapshot,
)

GOLD = "000_1afbb3b63b1bfa60"
MIN_KILLS = 50
EVENT_KILLS = 45
TIMED_KILLS = 10


def _tiny(root: Path, tmp: Path) -> None:
    shutil.copytree(FIXTURES / "valid", root)


def _gold(root: Path, tmp: Path) -> None:
    shutil.copytree(REPO / "corpus", root / "corpus")
    shutil.copytree(REPO / "annotations", root / "annotations")


def _gold_edited(root: Path, tmp: Path) -> None:
    """The gold document with an editor's note added on top: its spans need reanchoring."""
    _gold(root, tmp)
    path = root / "corpus" / f"{GOLD}.txt"
    path.write_text(
        "Correction: an earlier version misstated the date of the talks.\n\n" + path.read_text(encoding="utf-8"),
        encoding="utf-8",
    )


def _not_canonical(root: Path, tmp: Path) -> None:
    """The tiny document with CRLF line ends and a BOM: canonicalize must rewrite text, meta and spans."""
    _tiny(root, tmp)
    text = root / "corpus" / "tiny.txt"
    text.write_bytes(b"\xef\xbb\xbf" + text.read_bytes().replace(b"\n", b"\r\n"))
    raw = text.read_bytes().decode("utf-8")  # the BOM and the CRs count as code points
    ann = json.loads((root / "annotations" / "tiny.json").read_text(encoding="utf-8"))
    import hashlib

    sha = hashlib.sha256(text.read_bytes()).hexdigest()
    ann["text_sha256"] = sha
    for layer in ("sections", "entities", "claims"):
        for sp in ann[layer]:
            for s in [sp] + [sp.get("attribution", {}).get(k) for k in ("source_span", "cue")]:
                if s:
                    s["start"] = raw.index(s["text"])
                    s["end"] = s["start"] + len(s["text"])
    (root / "annotations" / "tiny.json").write_text(json.dumps(ann, indent=2), encoding="utf-8")
    meta = json.loads((root / "corpus" / "tiny.meta.json").read_text(encoding="utf-8"))
    meta["text_sha256"] = sha
    (root / "corpus" / "tiny.meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def _built(root: Path, tmp: Path) -> None:
    """A root with a build of an earlier state, then a corpus change: the next build differs."""
    _tiny(root, tmp)
    res = run_cli("build", "--root", root)
    assert res.returncode == 0, res.stderr
    meta = root / "corpus" / "tiny.meta.json"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("Antony Blinken met Liu Jianchao", "Blinken meets Liu"),
        encoding="utf-8",
    )


@dataclass
class Case:
    prepare: Callable[[Path, Path], None]
    args: Callable[[Path], list]
    old_validates: bool = True


CASES = {
    "add": Case(_tiny, lambda root: ["add", "--root", root, SEED]),
    "import": Case(
        _tiny,
        lambda root: [
            "import",
            "brat",
            FIXTURES / "tools" / "brat",
            "--root",
            root,
            "--language",
            "en",
            "--label-map",
            "Person=PERSON,Organization=ORG,Money=MONEY",
        ],
    ),
    "canonicalize": Case(_not_canonical, lambda root: ["canonicalize", "--root", root], old_validates=False),
    "reanchor": Case(_gold_edited, lambda root: ["reanchor", "--root", root], old_validates=False),
    "build": Case(_built, lambda root: ["build", "--root", root]),
}


def problems(root: Path) -> tuple[int, list]:
    """`newsspan validate`'s exit code and errors, from the library in this process (fast, the same code)."""
    report = validate_root(root)
    return (0 if report.ok else 1), sorted(
        (p.path, p.check, p.pointer) for p in report.problems if p.severity == "error"
    )


def recover(root: Path) -> None:
    """What `newsspan recover` and every writing command do first."""
    r = store.Root(root)
    with r.lock():
        r.recover(folders=(root / "build" / "hf",))


def restore(pristine: Path, root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(pristine, root, symlinks=True)


def complete_run(case: Case, root: Path) -> None:
    res = subprocess.run(
        child_cmd(CLI_MAIN, case.args(root)),
        capture_output=True,
        text=True,
        env=cli_env(NEWSSPAN_KILL_AT=json.dumps({"at": 0, "watch": []})),
        stdin=subprocess.DEVNULL,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def load_build(folder: Path) -> dict:
    """Row counts of every config of a built folder, loaded with plain datasets.load_dataset."""
    code = (
        "import json, sys, datasets\n"
        "folder = sys.argv[1]\n"
        "names = datasets.get_dataset_config_names(folder)\n"
        "print(json.dumps({n: {s: d.num_rows for s, d in datasets.load_dataset(folder, n).items()} for n in names}))\n"
    )
    env = cli_env(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_DATASETS_CACHE=str(folder.parent / ".hf-cache"))
    res = subprocess.run([os.sys.executable, "-c", code, str(folder)], capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(CASES))
def test_sigkill_leaves_the_old_or_the_new_state(command, tmp_path):
    case = CASES[command]
    pristine, root = tmp_path / "pristine", tmp_path / "root"
    case.prepare(pristine, tmp_path)
    old = snapshot(pristine)
    old_code, old_problems = problems(pristine)
    assert (old_code == 0) == case.old_validates, old_problems

    # the new state, the number of filesystem changes and the duration of a complete run
    restore(pristine, root)
    n_events, seconds, res = count_events(CLI_MAIN, case.args(root), [root])
    assert res.returncode == 0, res.stdout + res.stderr
    new = snapshot(root)
    assert new != old and n_events >= 3
    assert problems(root)[0] == 0
    if command == "build":
        shutil.copytree(root / "build" / "hf", tmp_path / "new-build")
        shutil.copytree(pristine / "build" / "hf", tmp_path / "old-build")

    seen, kills, retried = {"old": 0, "new": 0}, 0, 0
    rng = random.Random(command)
    points = [("event", at, 0.0) for at in kill_points(n_events, EVENT_KILLS, seed=len(command))] + [
        ("delay", d, 0.0) for d in delays(seconds, TIMED_KILLS, seed=len(command))
    ]
    extra = 0
    while points:
        kind, point, jitter = points.pop(0)
        restore(pristine, root)
        if kind == "event":
            res = run_killed_at(CLI_MAIN, case.args(root), [root], point, jitter=jitter)
            assert jitter or res.returncode == -9, (
                f"{command}: not killed at change {point} of {n_events}: {res.stderr}"
            )
            killed = res.returncode == -9
        else:
            killed = run_killed_after(CLI_MAIN, case.args(root), point) == -9
        kills += killed
        if not points and kills < MIN_KILLS and extra < 4 * MIN_KILLS:
            # a short command has few changes: more moments, a random time after a random change
            points.append(("event", rng.randint(1, n_events), rng.uniform(0, 0.003)))
            extra += 1
        if kills == 1:  # the command line once, the library after (the same code, much faster)
            rec = run_cli("recover", "--root", root)
            assert rec.returncode == 0 and "Traceback" not in rec.stderr, rec.stderr
        else:
            recover(root)
        state = snapshot(root)
        where = f"{command} killed at {kind} {point} +{jitter * 1000:.2f} ms (of {n_events} changes, {seconds:.2f}s)"
        assert state in (old, new), f"{where}: the root is neither the old nor the new state: " + str(
            sorted(set(state.items()) ^ set(new.items()))[:6]
        )
        if state == new:
            seen["new"] += 1
            assert problems(root)[0] == 0, where
        else:
            seen["old"] += 1
            assert problems(root) == (old_code, old_problems), where
            if seen["old"] % 5 == 1:  # the interrupted command, run again, completes
                complete_run(case, root)
                assert snapshot(root) == new, where
                retried += 1
    assert kills >= MIN_KILLS, f"{command}: only {kills} kill points"
    assert seen["old"] and seen["new"], seen
    assert retried >= 1
    if command == "build":
        assert load_build(tmp_path / "old-build") == load_build(tmp_path / "new-build")  # same rows, other metadata
        assert snapshot(tmp_path / "old-build") != snapshot(tmp_path / "new-build")


# --- two writers at once ------------------------------------------------------------------------
def test_concurrent_writing_commands_neither_interleave_nor_lose_a_file(tmp_path):
    """add, import and a second add on one root at the same time: all three land, and the root validates."""
    other = tmp_path / "other-article.txt"
    other.write_text("Council approves budget\n\nThe council approved the budget on Monday.\n", encoding="utf-8")
    for trial in range(3):
        root = tmp_path / f"root{trial}"
        _tiny(root, tmp_path)
        commands = [
            CASES["add"].args(root),
            CASES["import"].args(root),
            ["add", "--root", root, other, "--language", "en"],
        ]
        env = cli_env(NEWSSPAN_KILL_AT=json.dumps({"at": 0, "watch": []}))
        procs = [
            subprocess.Popen(
                child_cmd(CLI_MAIN, args),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                stdin=subprocess.DEVNULL,
            )
            for args in commands
        ]
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, out + err
        names = sorted(n for n in os.listdir(root / "corpus") if n.endswith(".txt"))
        assert names == [f"{GOLD}.txt", "news.txt", "other-article.txt", "tiny.txt"], names
        for stem in (GOLD, "news", "other-article"):
            assert (root / "corpus" / f"{stem}.meta.json").is_file() and (
                root / "annotations" / f"{stem}.json"
            ).is_file()
        assert problems(root)[0] == 0
        assert not [n for d in ("corpus", "annotations") for n in os.listdir(root / d) if n.startswith(".newsspan-")]
