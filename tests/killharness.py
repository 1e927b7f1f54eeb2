"""Kill a process with SIGKILL at chosen moments, to test that what it writes survives any crash.

Two ways to choose the moment, both real SIGKILLs of a real subprocess:

- at a filesystem event: the child runs with an audit hook (`sys.addaudithook`, no hook in
  newsspan itself) that counts the operations that change files under the watched folders
  (opening for writing, rename/replace, remove, mkdir, rmdir, rmtree) and kills itself just
  before the K-th. Counting them first (a run with no kill) gives every crash point between
  two filesystem changes; a seeded sample of them is used when there are many;
- a seeded random time (up to a few milliseconds) after the K-th change started, which
  lands inside a write or a rename's aftermath.

`snapshot()` hashes a folder's files, so a test can assert "old state or new state".
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

from conftest import cli_env

PRELUDE = r"""
import json as _json, os as _os, signal as _signal, sys as _sys
_cfg = _json.loads(_os.environ["NEWSSPAN_KILL_AT"])
_watch = tuple(_os.path.realpath(p) + _os.sep for p in _cfg["watch"])
_n = 0
_W = _os.O_WRONLY | _os.O_RDWR | _os.O_CREAT | _os.O_TRUNC | _os.O_APPEND

def _watched(p):
    try:
        p = _os.fsdecode(p)
    except TypeError:
        return False
    p = _os.path.realpath(_os.path.join(_os.getcwd(), p))
    return (p + _os.sep).startswith(_watch)

def _hook(event, args):
    global _n
    if event == "open":
        path, mode, flags = args
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _W)
        hit = writing and _watched(path)
    elif event in ("os.rename", "os.remove", "os.rmdir", "os.mkdir", "shutil.rmtree", "os.symlink", "os.truncate"):
        hit = _watched(args[0]) or (event == "os.rename" and _watched(args[1]))
    else:
        return
    if hit:
        _n += 1
        if _n == _cfg["at"]:
            if _cfg.get("jitter"):  # a moment inside or after the operation, not just before it
                import threading as _t
                _k = _t.Timer(_cfg["jitter"], _os.kill, (_os.getpid(), _signal.SIGKILL))
                _k.daemon = True
                _k.start()
            else:
                _os.kill(_os.getpid(), _signal.SIGKILL)

def _report():
    if _cfg.get("count_file"):
        with open(_cfg["count_file"], "w") as f:
            f.write(str(_n))

import atexit as _atexit
_atexit.register(_report)
_sys.addaudithook(_hook)
"""

CLI_MAIN = "\nfrom newsspan.cli import main as _main\n_sys.exit(_main(_sys.argv[1:]))\n"


def snapshot(folder: Path, skip=(".newsspan-cache", ".newsspan.lock")) -> dict[str, str]:
    """{relative path: sha256} of every file (and link) below folder; the cache folder and the root's lock file left out."""
    folder = Path(folder)
    out = {}
    if not folder.exists():
        return out
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in filenames:
            if name in skip:
                continue
            p = Path(dirpath) / name
            rel = p.relative_to(folder).as_posix()
            out[rel] = ("link:" + os.readlink(p)) if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def child_cmd(code: str, args=()) -> list[str]:
    return [sys.executable, "-c", PRELUDE + code, *map(str, args)]


def run_killed_at(
    code: str, args, watch, at: int, cwd=None, timeout=300, jitter: float = 0.0
) -> subprocess.CompletedProcess:
    """Run code with argv args; SIGKILL just before the at-th watched filesystem change (0: never),
    or `jitter` seconds after it starts (the process may then finish first)."""
    env = cli_env(NEWSSPAN_KILL_AT=json.dumps({"at": at, "watch": [str(w) for w in watch], "jitter": jitter}))
    return subprocess.run(
        child_cmd(code, args),
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def count_events(code: str, args, watch, cwd=None) -> tuple[int, float, subprocess.CompletedProcess]:
    """(watched filesystem changes, seconds) of a complete run."""
    with tempfile.NamedTemporaryFile("r", suffix=".count", delete=False) as f:
        count_file = f.name
    try:
        env = cli_env(
            NEWSSPAN_KILL_AT=json.dumps({"at": 0, "watch": [str(w) for w in watch], "count_file": count_file})
        )
        t = time.monotonic()
        res = subprocess.run(
            child_cmd(code, args),
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        seconds = time.monotonic() - t
        return int(Path(count_file).read_text() or 0), seconds, res
    finally:
        os.unlink(count_file)


def kill_points(n_events: int, want: int, seed: int) -> list[int]:
    """Event indices to kill at: all of them when few, else `want` spread over the run (seeded)."""
    if n_events <= want:
        return list(range(1, n_events + 1))
    rng = random.Random(seed)
    # one per stratum, so the points cover the beginning, middle and end of the run
    edges = [1 + round(i * n_events / want) for i in range(want + 1)]
    return sorted({rng.randint(lo, max(lo, hi - 1)) for lo, hi in pairwise(edges)})
