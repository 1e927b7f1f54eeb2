"""Benchmarks of newsspan against the code before the redesign and against baselines, written to
bench/RESULTS.md (and the raw runs to bench/RESULTS.json).

    python bench/run.py --docs 10000 --repeat 3   # the run of bench/RESULTS.md (see there how long)
    python bench/run.py --docs 200 --quick        # a smoke run (about a minute)

Every figure is a ratio measured in this run on the same generated corpus: this checkout's code
("new") against the code at --old-rev ("old", 9cbe97c: before the redesign; cloned into --work
and run with PYTHONPATH pointing at the clone), and both against a baseline (the floor of reading
and parsing every file with the json module, or datasets' JSON loader). The runs of a figure, its
old counterpart and its baseline alternate, each is repeated (--repeat, the order rotating every
round) and medians are compared, so a machine that is busy with something else slows all sides
alike. Commands run as subprocesses, timed by wall clock from start to exit (interpreter start
included on every side); peak memory is the largest total proportional set size (PSS: shared
pages counted once) of the process and its workers, sampled from /proc every 20 ms in runs of
their own.

Synthetic corpora (bench/make_corpus.py) are written under --work and kept for the next run.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import newsspan  # noqa: E402 - after the sys.path entry above (a script run from anywhere)
from bench import make_corpus  # noqa: E402 - likewise

PY = sys.executable
OLD_REV = "9cbe97c"  # the last commit before the redesign
BOUND = 1.25  # new/old: the redesign may cost at most this much of any figure

# The floor: what merely reading the corpus costs. Every text is read and decoded, and every
# metadata and annotation file is read and parsed with the standard json module.
FLOOR = r"""
import json, os, sys
root = sys.argv[1]
for sub in ("corpus", "annotations"):
    folder = os.path.join(root, sub)
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        if name.endswith(".json"):
            json.loads(data)
        else:
            data.decode("utf-8")
"""

# The naive way: a fresh jsonschema.validate call per file (it checks the schema and builds a
# validator each time, as a first script would), on a sample of documents; prints s/document.
NAIVE = r"""
import json, os, sys, time
import jsonschema
root, repo, sample = sys.argv[1], sys.argv[2], int(sys.argv[3])
schemas = {n: json.load(open(os.path.join(repo, "schema", n + ".schema.json"), encoding="utf-8"))
           for n in ("annotation", "document")}
stems = sorted(n[:-4] for n in os.listdir(os.path.join(root, "corpus")) if n.endswith(".txt"))
step = max(1, len(stems) // sample)
picked = stems[::step][:sample]
start = time.perf_counter()
for stem in picked:
    with open(os.path.join(root, "corpus", stem + ".txt"), "rb") as f:
        f.read().decode("utf-8")
    with open(os.path.join(root, "corpus", stem + ".meta.json"), "rb") as f:
        jsonschema.validate(json.loads(f.read()), schemas["document"])
    with open(os.path.join(root, "annotations", stem + ".json"), "rb") as f:
        jsonschema.validate(json.loads(f.read()), schemas["annotation"])
print((time.perf_counter() - start) / len(picked))
"""

# The baseline of the build: datasets' own JSON loader on the same documents, pre-joined into one
# JSON Lines file (one row per document, as the `documents` config has them), into a fresh cache.
LOAD_JSON = r"""
import shutil, sys, tempfile
import datasets
datasets.disable_progress_bars()
cache = tempfile.mkdtemp(dir=sys.argv[2])
try:
    ds = datasets.load_dataset("json", data_files=sys.argv[1], cache_dir=cache)
    assert ds["train"].num_rows > 0
finally:
    shutil.rmtree(cache, ignore_errors=True)
"""

# Loading the built folder: the first call prepares datasets' cache, the second (timed) reuses it.
LOAD_FOLDER = r"""
import sys
import datasets
datasets.disable_progress_bars()
ds = datasets.load_dataset(sys.argv[1], "documents", cache_dir=sys.argv[2])
print(sum(d.num_rows for d in ds.values()))
"""

# Where serial validation spends its time: cProfile over reading and checking a sample of
# documents, self time grouped by what the code does (proportions; cProfile slows Python code
# more than C).
PROFILE = r"""
import cProfile, json, pstats, sys
from newsspan import checks, store
from newsspan.validator import check_document, read_document
root = store.Root(sys.argv[1])
stems = root.listing().stems[: int(sys.argv[2])]
check_document(read_document(root, stems[0]))  # imports and compiled schemas out of the way
prof = cProfile.Profile()
prof.enable()
for stem in stems:
    check_document(read_document(root, stem))
prof.disable()
by_func = {c.func.__name__: c.id for c in checks.REGISTRY.values() if c.func}


def group(key):
    path, line, name = key
    path = path.replace(chr(92), "/")
    if name in by_func and "/checks/" in path:
        return "check " + by_func[name]
    if "/checks/" in path:
        return "span lists and runner shared by the checks"
    if path.endswith("/model.py"):
        return "the model of each annotation file (model.py)"
    if path.endswith("tokenize.py"):
        return "tokenizer (token-boundary)"
    if "json/" in path or name in ("pairs_hook", "constant", "fraction") or "raw_decode" in name:
        return "JSON parsing (json module)"
    if path.endswith("files.py") or "jsonschema_rs" in path or name in ("is_valid", "validate"):
        return "strict reader and schema check (files.py, jsonschema-rs)"
    if path.endswith(("store.py", "posixpath.py", "genericpath.py")) or any(
        k in name for k in ("exists", "_read", "open", "read", "lstat", "stat", "islink")
    ):
        return "reading files (open, read, lstat, link checks)"
    if path.endswith("text.py") or any(k in name for k in ("sha256", "decode", "normalized")):
        return "text: decode, NFC check, SHA-256"
    return "other (validator bookkeeping, dataclasses, problems)"


groups = {}
for key, (cc, nc, tt, ct, callers) in pstats.Stats(prof).stats.items():
    if key[0] == "~" and callers:  # a builtin (len, dict.get, ...): its time goes to who called it
        for caller, (_, _, t_from, _) in callers.items():
            groups[group(caller)] = groups.get(group(caller), 0.0) + t_from
    else:
        groups[group(key)] = groups.get(group(key), 0.0) + tt
print(json.dumps({"docs": len(stems), "groups": groups}))
"""


@dataclass(frozen=True)
class Cmd:
    """A command and the newsspan checkout it runs (its PYTHONPATH and working directory: a working
    directory holding another newsspan/ would shadow it)."""

    argv: tuple[str, ...]
    code: Path = REPO


def script(source: str, *args) -> Cmd:
    return Cmd((PY, "-c", source, *map(str, args)))


def env(code: Path) -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(code)
    e["HF_HUB_OFFLINE"] = e["HF_DATASETS_OFFLINE"] = "1"
    return e


def run(cmd: Cmd) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    res = subprocess.run(
        cmd.argv, capture_output=True, text=True, env=env(cmd.code), cwd=cmd.code, stdin=subprocess.DEVNULL
    )
    elapsed = time.perf_counter() - start
    if res.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(cmd.argv)} failed ({res.returncode}):\n{res.stdout[-2000:]}{res.stderr[-2000:]}"
        )
    return elapsed, res


def pss(pid: int, rss: int) -> int:
    """Proportional set size: a page shared by n processes (a forked worker's inherited memory)
    counts 1/n in each, so the sum over a process tree is its real footprint. RSS where unknown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss


def tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants (Linux /proc): the sum of their PSS."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d))
            rss[int(d)] = int(fields[21]) * page
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        if p in rss:
            total += pss(p, rss[p])
        stack.extend(children.get(p, []))
    return total


def peak_memory(cmd: Cmd) -> int | None:
    """Peak total memory (bytes) of a command and its worker processes, or None off Linux."""
    if not os.path.isdir("/proc/self"):
        return None
    proc = subprocess.Popen(
        cmd.argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env(cmd.code),
        cwd=cmd.code,
        stdin=subprocess.DEVNULL,
    )
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_memory(proc.pid))
            time.sleep(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    done.set()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd.argv)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return peak


Step = Cmd | Callable[[int], Cmd]  # a command, or what makes it in round r (changing a file first)


def alternate(commands: dict[str, Step], repeat: int) -> dict[str, list[float]]:
    """Wall times of each command, run in turn (the order rotating every round)."""
    times: dict[str, list[float]] = {k: [] for k in commands}
    names = list(commands)
    for r in range(repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            step = commands[name]
            times[name].append(run(step if isinstance(step, Cmd) else step(r))[0])
    return times


def memories(commands: dict[str, Cmd]) -> dict[str, int | None]:
    return {name: peak_memory(cmd) for name, cmd in commands.items()}


def corpus(work: Path, docs: int, seed: int) -> Path:
    """A synthetic root of `docs` documents, written once and reused while the generator is unchanged."""
    root = work / f"corpus-{docs}-{seed}"
    stamp = {
        "docs": docs,
        "seed": seed,
        "generator": hashlib.sha256(Path(make_corpus.__file__).read_bytes()).hexdigest(),
    }
    marker = root / "bench-corpus.json"
    if not marker.is_file() or json.loads(marker.read_text()) != stamp:
        shutil.rmtree(root, ignore_errors=True)
        t = time.perf_counter()
        make_corpus.write_corpus(root, docs, seed)
        marker.write_text(json.dumps(stamp))
        print(f"  wrote {docs} documents in {time.perf_counter() - t:.0f} s: {root}", flush=True)
    run(script(FLOOR, root))  # warm the page cache: every figure reads warm files
    return root


def old_checkout(work: Path, rev: str) -> Path:
    """A clone of this repository at rev under work (made once), its bytecode compiled."""
    dest = work / f"old-{rev}"
    head = subprocess.run(["git", "-C", str(dest), "rev-parse", "HEAD"], capture_output=True, text=True)
    want = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", rev + "^{commit}"], capture_output=True, text=True
    )
    if want.returncode != 0:
        raise SystemExit(f"bench: {rev} is no commit of {REPO} (a shallow clone?): {want.stderr.strip()}")
    if not (dest / ".git").exists() or head.stdout.strip() != want.stdout.strip():
        shutil.rmtree(dest, ignore_errors=True)
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(dest)], check=True)
        subprocess.run(["git", "-C", str(dest), "checkout", "--quiet", "--detach", want.stdout.strip()], check=True)
    compileall.compile_dir(str(dest / "newsspan"), quiet=1)
    return dest


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def machine(old: Path) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else None
    versions = {"python": platform.python_version(), "newsspan": newsspan.__version__}
    for mod in ("jsonschema", "jsonschema-rs", "datasets", "pyarrow"):
        try:
            versions[mod] = metadata.version(mod)
        except metadata.PackageNotFoundError:
            versions[mod] = "not installed"

    def rev(path: Path) -> str:
        return subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()

    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "newsspan"], capture_output=True, text=True
    )
    return {
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "os": platform.platform(),
        "versions": versions,
        "commit": rev(REPO) + (" with uncommitted changes to newsspan/" if dirty.stdout.strip() else ""),
        "old_commit": rev(old),
    }


def gib(b) -> str:
    return "n/a" if b is None else f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


def loadavg() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


# ---------------------------------------------------------------------------------------------


def validate(code: Path, root: Path, *extra: str, cache: bool = False) -> Cmd:
    """`newsspan validate` of root by the checkout at code; the old one without its cache unless cache
    (--no-cache, a hidden no-op in the new code, is left off there)."""
    no_cache = ("--no-cache",) if code != REPO and not cache else ()
    return Cmd((PY, "-m", "newsspan", "validate", "--root", str(root), *extra, *no_cache), code)


def build(code: Path, root: Path, dest: Path, configs: tuple[str, ...], *extra) -> Cmd:
    cfg = [a for c in configs for a in ("--config", c)]
    return Cmd((PY, "-m", "newsspan", "build", "--root", str(root), "--out", str(dest), *cfg, "--quiet", *extra), code)


def populate_cache(old: Path, root: Path) -> None:
    """A warm validation cache of the old code, as after a contributor's `newsspan validate`. The
    old cache stores no file changed in the last 2 s: that is waited out first."""
    newest = max(p.stat().st_mtime for p in (root / "annotations").iterdir())
    time.sleep(max(0.0, newest + 2.5 - time.time()))
    run(validate(old, root, cache=True))


def bench_validation(args, old: Path, out: dict) -> None:
    root = corpus(args.work, args.docs, args.seed)
    for code in (old, REPO):
        res = run(validate(code, root))[1]
        if "0 errors" not in res.stdout:
            raise SystemExit(f"bench: the synthetic corpus does not validate:\n{res.stdout[-3000:]}")
    print("  validation: floor; full (all cores) and serial, old and new", flush=True)
    out["load"]["validation"] = loadavg()
    t = alternate(
        {
            "floor": script(FLOOR, root),
            "old full": validate(old, root),
            "new full": validate(REPO, root),
            "old serial": validate(old, root, "--jobs", "1"),
            "new serial": validate(REPO, root, "--jobs", "1"),
        },
        args.repeat,
    )
    mem = memories({"old full": validate(old, root), "new full": validate(REPO, root)})
    sample = min(args.naive_sample, args.docs)
    print(f"  naive: jsonschema.validate per file on {sample} documents", flush=True)
    naive = [float(run(script(NAIVE, root, REPO, sample))[1].stdout) for _ in range(max(1, args.repeat // 2))]
    out["validation"] = {"docs": args.docs, "times": t, "memory": mem, "naive_per_doc": naive, "naive_sample": sample}


def bench_one_document(args, old: Path, out: dict) -> None:
    """`newsspan validate PATH` of one changed document against a full validation of its root (and
    the old code's figures beside them: the same PATH without its cache, and the whole root with
    its cache after one change, the re-validation figure the redesign dropped)."""
    small, large = args.scale
    root = corpus(args.work, small, args.seed)
    big = corpus(args.work, large, args.seed)
    populate_cache(old, root)
    victims = sorted((root / "annotations").glob("*.json"))

    def change(salt: int) -> Path:
        """A different annotation file each call, rewritten with other indentation (still valid)."""
        p = victims[(salt * 7919) % len(victims)]
        doc = json.loads(p.read_text(encoding="utf-8"))
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=1 + (salt % 2)) + "\n", encoding="utf-8")
        return p.relative_to(root)

    def one(code: Path, salt: int) -> Callable[[int], Cmd]:
        return lambda r: validate(code, root, str(change(3 * r + salt)))

    def cached(r: int) -> Cmd:
        change(3 * r + 2)
        return validate(old, root, cache=True)

    print(f"  one document: validate PATH vs full validation of {small} documents; full of {large}", flush=True)
    out["load"]["one document"] = loadavg()
    t = alternate(
        {
            "new full": validate(REPO, root),
            "new one": one(REPO, 0),
            f"new full {large}": validate(REPO, big),
            "old full": validate(old, root),
            "old one": one(old, 1),
            "old cached": cached,
        },
        args.repeat,
    )
    mem = memories({"new full": validate(REPO, root), f"new full {large}": validate(REPO, big)})
    out["one_document"] = {"sizes": [small, large], "times": t, "memory": mem}


def joined_jsonl(root: Path) -> Path:
    """The documents of root as one JSON Lines file (written once per corpus)."""
    path = root.with_suffix(".jsonl")
    if path.is_file() and path.stat().st_mtime > (root / "bench-corpus.json").stat().st_mtime:
        return path
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for name in sorted(os.listdir(root / "corpus")):
            if not name.endswith(".txt"):
                continue
            stem = name[:-4]
            meta = json.loads((root / "corpus" / f"{stem}.meta.json").read_text(encoding="utf-8"))
            ann = json.loads((root / "annotations" / f"{stem}.json").read_text(encoding="utf-8"))
            row = {"id": stem, "text": (root / "corpus" / name).read_text(encoding="utf-8")}
            row.update({k: v for k, v in meta.items() if k not in ("id", "schema_version", "split")})
            row.update(
                {k: ann[k] for k in ("status", "annotators", "guidelines_version", "sections", "entities", "claims")}
            )
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def bench_build(args, old: Path, out: dict) -> None:
    """newsspan build (--config documents, and all configs), old (with its warm validation cache and
    without it) and new, against datasets.load_dataset("json") on the same documents."""
    root = corpus(args.work, args.docs, args.seed)
    jsonl = joined_jsonl(root)
    builds = args.work / "builds"
    scratch = args.work / "scratch"
    scratch.mkdir(exist_ok=True)
    populate_cache(old, root)
    docs, every = ("documents",), ()
    commands = {
        "json": script(LOAD_JSON, jsonl, scratch),
        "old documents cached": build(old, root, builds / "old-documents-cached", docs),
        "old documents": build(old, root, builds / "old-documents", docs, "--no-cache"),
        "new documents": build(REPO, root, builds / "new-documents", docs),
        "old all cached": build(old, root, builds / "old-all-cached", every),
        "old all": build(old, root, builds / "old-all", every, "--no-cache"),
        "new all": build(REPO, root, builds / "new-all", every),
    }
    print('  build: old and new, --config documents and all configs, vs load_dataset("json")', flush=True)
    out["load"]["build"] = loadavg()
    t = alternate(commands, args.repeat)
    mem = memories(commands)
    large = args.scale[1]
    if large != args.docs:
        mem[f"new documents {large}"] = peak_memory(
            build(REPO, corpus(args.work, large, args.seed), builds / "new-large", docs)
        )
        shutil.rmtree(builds / "new-large", ignore_errors=True)
    # the built folder, loaded with plain datasets: once to prepare its cache, then cached
    dest = builds / "new-documents"
    hf_cache = args.work / f"hf-cache-{args.docs}"
    shutil.rmtree(hf_cache, ignore_errors=True)
    first = run(script(LOAD_FOLDER, dest, hf_cache))[0]
    cached = [run(script(LOAD_FOLDER, dest, hf_cache))[0] for _ in range(args.repeat)]
    cached_mem = peak_memory(script(LOAD_FOLDER, dest, hf_cache))
    shards = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.parquet"))
    out["build"] = {
        "docs": args.docs,
        "times": t,
        "memory": mem,
        "load_first": first,
        "load_cached": cached,
        "load_cached_memory": cached_mem,
        "shards": shards,
        "parquet_bytes": sum((dest / s).stat().st_size for s in shards),
        "jsonl_bytes": jsonl.stat().st_size,
    }


def bench_profile(args, out: dict) -> None:
    root = corpus(args.work, args.docs, args.seed)
    n = min(args.docs, 2000)
    print(f"  profile: serial validation of {n} documents under cProfile", flush=True)
    out["profile"] = json.loads(run(script(PROFILE, root, n))[1].stdout)


# ---------------------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def ratio(a, b, fmt: str = "{:.2f}x") -> str:
    return "n/a" if not a or not b else fmt.format(a / b)


def report(args, out: dict, m: dict) -> str:
    v, o, b = out["validation"], out["one_document"], out["build"]
    vt, ot, bt = ({k: med(x) for k, x in s["times"].items()} for s in (v, o, b))
    floor, json_loader = vt["floor"], bt["json"]
    n, small, large = v["docs"], *o["sizes"]
    cpus = m["cpus"]

    # (figure, old, new, bound on new/old, baseline name, baseline value) ; seconds or bytes
    compared = [
        (f"full validation of {n} documents ({cpus} processes)", vt["old full"], vt["new full"], "floor", floor),
        (f"serial validation of {n} documents (`--jobs 1`)", vt["old serial"], vt["new serial"], "floor", floor),
        # how a contributor ran the old code: `newsspan validate` after an edit, its cache warm; the new
        # code has no cache, so it pays a full validation there (its answer is `validate PATH`, below)
        (
            f"`newsspan validate` of {small} documents after one change, old with its warm cache",
            ot["old cached"],
            ot["new full"],
            None,
            None,
        ),
        (
            f"`build --config documents` of {n} documents, old without its cache",
            bt["old documents"],
            bt["new documents"],
            "json loader",
            json_loader,
        ),
        (
            f"`build --config documents` of {n} documents, old with a warm cache",
            bt["old documents cached"],
            bt["new documents"],
            "json loader",
            json_loader,
        ),
        (
            f"`build` (all configs) of {n} documents, old without its cache",
            bt["old all"],
            bt["new all"],
            "json loader",
            json_loader,
        ),
        (
            f"`build` (all configs) of {n} documents, old with a warm cache",
            bt["old all cached"],
            bt["new all"],
            "json loader",
            json_loader,
        ),
    ]
    rows = []
    for name, old_t, new_t, base, base_t in compared:
        rows.append(
            (
                name,
                f"{old_t:.2f} s",
                f"{new_t:.2f} s",
                f"**{new_t / old_t:.2f}x**",
                f"<= {BOUND}x",
                verdict(new_t / old_t <= BOUND),
                f"{base} {base_t:.2f} s" if base else "",
                f"{old_t / base_t:.2f}x" if base else "",
                f"{new_t / base_t:.2f}x" if base else "",
            )
        )
    bm = b["memory"]
    mems = [
        (f"peak memory, full validation of {n} documents", v["memory"]["old full"], v["memory"]["new full"]),
        ("peak memory, `build --config documents`, old without its cache", bm["old documents"], bm["new documents"]),
        (
            "peak memory, `build --config documents`, old with a warm cache",
            bm["old documents cached"],
            bm["new documents"],
        ),
        ("peak memory, `build` (all configs), old without its cache", bm["old all"], bm["new all"]),
        ("peak memory, `build` (all configs), old with a warm cache", bm["old all cached"], bm["new all"]),
    ]
    for name, old_b, new_b in mems:
        ok = None if not old_b or not new_b else new_b / old_b <= BOUND
        rows.append(
            (name, gib(old_b), gib(new_b), f"**{ratio(new_b, old_b)}**", f"<= {BOUND}x", verdict(ok), "", "", "")
        )
    rows.append(
        (
            f"peak memory, the json loader on the same {n} documents",
            "",
            "",
            "",
            "",
            "",
            gib(b["memory"]["json"]),
            ratio(b["memory"]["old documents"], b["memory"]["json"]),
            ratio(b["memory"]["new documents"], b["memory"]["json"]),
        )
    )

    one, full = ot["new one"], ot["new full"]
    old_one, old_full, old_cached = ot["old one"], ot["old full"], ot["old cached"]
    big = ot[f"new full {large}"]
    per = (big / large) / (full / small)
    naive = med(v["naive_per_doc"]) * n
    mem_small, mem_big = o["memory"]["new full"], o["memory"][f"new full {large}"]
    mem_large_build = b["memory"].get(f"new documents {large}")
    goals = [
        (
            f"`validate PATH` of one changed document of {small} vs a full validation of them",
            f"{one:.2f} s",
            f"{full:.2f} s",
            f"**{one / full:.1%}**",
            "<= 10%",
            verdict(one / full <= 0.10),
        ),
        (
            f"old: `validate PATH --no-cache` of one document of {small} vs its full validation",
            f"{old_one:.2f} s",
            f"{old_full:.2f} s",
            f"{old_one / old_full:.1%}",
            "(reported)",
            "",
        ),
        (
            f"old: re-validation of all {small} with its cache after one change vs its full validation",
            f"{old_cached:.2f} s",
            f"{old_full:.2f} s",
            f"{old_cached / old_full:.1%}",
            "(reported; the figure the redesign dropped)",
            "",
        ),
        (
            f"new: `validate PATH` of one changed document of {small} vs old's cached re-validation",
            f"{one:.2f} s",
            f"{old_cached:.2f} s",
            f"{one / old_cached:.2f}x",
            "(reported: the new way to check an edit against the old one)",
            "",
        ),
        (
            f"new: full validation of {small} documents vs old",
            f"{full:.2f} s",
            f"{old_full:.2f} s",
            f"{full / old_full:.2f}x",
            f"<= {BOUND}x",
            verdict(full / old_full <= BOUND),
        ),
        (
            f"new: cost per document at {large} vs {small} documents",
            f"{big / large * 1000:.3f} ms",
            f"{full / small * 1000:.3f} ms",
            f"{per:.2f}x",
            "<= 1.2x",
            verdict(per <= 1.2),
        ),
        (
            f"new: peak memory of validation at {large} vs {small} documents",
            gib(mem_big),
            gib(mem_small),
            ratio(mem_big, mem_small),
            "<= 1.2x",
            verdict(None if not mem_big or not mem_small else mem_big / mem_small <= 1.2),
        ),
        (
            f"new: full validation vs the floor ({n} documents)",
            f"{vt['new full']:.2f} s",
            f"{floor:.2f} s",
            f"{vt['new full'] / floor:.2f}x",
            "<= 2.0x (issue 13)",
            verdict(vt["new full"] / floor <= 2.0),
        ),
        (
            f"new: the naive way (`jsonschema.validate` per file; {v['naive_sample']} documents, scaled) vs validation",
            f"{naive:.0f} s",
            f"{vt['new full']:.2f} s",
            f"{naive / vt['new full']:.0f}x slower",
            ">= 50x",
            verdict(naive / vt["new full"] >= 50),
        ),
        (
            f"new: `build --config documents` vs the json loader ({n} documents)",
            f"{bt['new documents']:.2f} s",
            f"{json_loader:.2f} s",
            f"{bt['new documents'] / json_loader:.2f}x",
            "<= 1.5x (issue 13)",
            verdict(bt["new documents"] / json_loader <= 1.5),
        ),
    ]
    if mem_large_build:
        goals.append(
            (
                f"new: peak memory of `build --config documents` at {large} documents",
                gib(mem_large_build),
                "",
                "",
                "<= 2 GB",
                verdict(mem_large_build <= 2 * 10**9),
            )
        )
    goals.append(
        (
            f'new: cached `load_dataset(<built folder>, "documents")` of {n} documents',
            f"{med(b['load_cached']):.2f} s, {gib(b['load_cached_memory'])}",
            f"first load {b['load_first']:.2f} s",
            "",
            "(reported)",
            "",
        )
    )

    loads = ", ".join(f"{k} {x:.2f}" for k, x in out["load"].items())
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py {' '.join(sys.argv[1:])}` on {out['started']}: this checkout at commit "
        f"`{m['commit']}` (new) against the code before the redesign, `{m['old_commit']}` (old), run from a clone of "
        "it in the same run, on the same corpora. Rerun it to measure your machine; the corpora are synthetic "
        f"(`bench/make_corpus.py`, seed {args.seed}): about 4,000 characters, 15 sections, 40 entity mentions and "
        f"10 claims per document. The run took {out['minutes']:.0f} minutes (corpora already written are reused).",
        "",
        f"Machine: {m['cpus']} cores ({m['cpu']}), {gib(m['ram']) if m['ram'] else 'unknown'} RAM, {m['os']}. "
        f"Load average (1 minute) at the start of each part: {loads}. Other work on the machine slows a figure and "
        "its old counterpart and baseline alike: they alternate, round by round.",
        "",
        "Versions: " + ", ".join(f"{k} {x}" for k, x in m["versions"].items()) + ".",
        "",
        f"## New against old (bound: at most {BOUND}x)",
        "",
        "| figure | old | new | new/old | bound | | baseline | old/baseline | new/baseline |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(f"| {' | '.join(r)} |" for r in rows),
        "",
        f"Medians of {args.repeat} alternating runs each; peak memory from one run each (PSS of all processes). "
        "The floor reads every text and parses every metadata and annotation file with the standard `json` "
        'module in one process; the json loader is `datasets.load_dataset("json")` of the same documents '
        "pre-joined into one JSON Lines file, into a fresh cache every run. Validation runs with its default "
        f"`--jobs` (all {cpus} cores), the old code with `--no-cache` (the new code has no cache). The new build "
        "validates every file and then writes; the old one validated through its cache, so it is measured both "
        "without the cache (`--no-cache`: the same work as the new build, and what a fresh clone or a CI run "
        "pays) and with a warm one (after a `newsspan validate`, the case the old figures were published for). "
        "Both sides run with their defaults (the old build with `--num-proc` all cores from 2,000 documents on, "
        "the new one writes in one process). The bytecode of both is compiled before the first run, as installing "
        "a wheel does.",
        "",
        "## The other figures",
        "",
        "| figure | measured | against | ratio | bound | |",
        "| --- | --- | --- | --- | --- | --- |",
        *(f"| {' | '.join(r)} |" for r in goals),
        "",
        f"`validate PATH` names one annotation file of the {small}-document root, changed before each run (a "
        "different file every run): it checks that document and the checks across documents for it, which "
        f"read and hash every other text. The full validations of {small} and {large} documents alternate "
        "with it. The old code's cached re-validation changes one file before each run; the files the "
        "`validate PATH` runs of the same round changed are new to its cache too (as is any file changed "
        "in the 2 s before a run, which the old cache does not store), so it re-checks one to a few "
        "documents and reads the cache for the rest.",
    ]
    prof = out.get("profile")
    if prof:
        total = sum(prof["groups"].values())
        lines += [
            "",
            "## Where validation spends its time",
            "",
            f"Self time of serial validation (reading and checking) of {prof['docs']} documents under cProfile, "
            "grouped by what the code does (cProfile slows Python code more than C code: read the shares as "
            "indicative). The floor's own work is reading the files and parsing the JSON; the rest is the "
            "validator's.",
            "",
            "| where | share |",
            "| --- | ---: |",
            *(
                f"| {g} | {x / total:.1%} |"
                for g, x in sorted(prof["groups"].items(), key=lambda kv: -kv[1])
                if x / total >= 0.001
            ),
        ]
    lines += ["", "## Raw runs (seconds)", ""]
    for part, s in (("validation", v), ("one document", o), ("build", b)):
        for name, xs in s["times"].items():
            lines.append(f"- {part}, {name}: " + ", ".join(f"{x:.2f}" for x in xs))
        lines.append(f"- {part}, peak memory: " + ", ".join(f"{k} {gib(x)}" for k, x in s["memory"].items()))
    lines.append("- naive, seconds per document: " + ", ".join(f"{x:.4f}" for x in v["naive_per_doc"]))
    lines.append("- cached loads of the built folder: " + ", ".join(f"{x:.2f}" for x in b["load_cached"]))
    lines.append(
        f"- the built folder (new, documents): {len(b['shards'])} Parquet shards, {gib(b['parquet_bytes'])} "
        f"(the JSONL: {gib(b['jsonl_bytes'])})"
    )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description="Benchmarks of newsspan, new against old and baselines (writes bench/RESULTS.md)."
    )
    p.add_argument("--docs", type=int, default=20000, help="documents of the main corpus (default 20000)")
    p.add_argument(
        "--scale",
        type=lambda s: tuple(int(x) for x in s.split(",")),
        default=None,
        metavar="A,B",
        help="the corpus sizes of the one-document and scaling figures (default 10000,40000; --quick: docs/4,docs)",
    )
    p.add_argument("--repeat", type=int, default=None, help="runs per figure (default 3; --quick: 1)")
    p.add_argument("--naive-sample", type=int, default=500, help="documents the naive way is timed on (default 500)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--old-rev", default=OLD_REV, help=f"the commit to compare with (default {OLD_REV})")
    p.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "newsspan-bench",
        help="folder for the synthetic corpora and the old checkout (kept between runs)",
    )
    p.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md", help="the report to write")
    p.add_argument("--quick", action="store_true", help="a smoke run: one repeat, small corpora")
    args = p.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.scale is None:
        args.scale = (max(1, args.docs // 4), args.docs) if args.quick else (10000, 40000)
    args.work = args.work.absolute()
    args.work.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    out: dict = {
        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load": {"start": loadavg()},
    }
    print(f"bench: {args.docs} documents, {args.repeat} runs per figure, work folder {args.work}", flush=True)
    # as an installed wheel has it: no run should pay for compiling newsspan's modules (where
    # PYTHONDONTWRITEBYTECODE is set, as here, an editable install would compile them every time)
    compileall.compile_dir(str(REPO / "newsspan"), quiet=1)
    old = old_checkout(args.work, args.old_rev)
    m = machine(old)
    bench_validation(args, old, out)
    bench_one_document(args, old, out)
    bench_build(args, old, out)
    bench_profile(args, out)
    out["load"]["end"] = loadavg()
    out["minutes"] = round((time.perf_counter() - began) / 60, 1)
    text = report(args, out, m)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({"machine": m, **out}, indent=1) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
