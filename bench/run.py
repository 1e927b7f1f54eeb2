"""Benchmarks of newsspan against their baselines, written to bench/RESULTS.md.

    python bench/run.py --docs 20000            # the full run (about 15 minutes on 2 cores)
    python bench/run.py --docs 200 --quick      # a smoke run (seconds)

Every figure is measured in this run against its baseline on the same data: the runs of a
figure and its baseline alternate, each is repeated (--repeat), and medians are compared, so
a machine that is busy with something else slows both sides alike. Commands run as
subprocesses of this checkout's Python, timed by wall clock from start to exit (interpreter
start included on both sides); peak memory is the largest total proportional set size (PSS:
shared pages counted once) of the process and its workers, sampled from /proc every 20 ms in a
separate run.

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
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import newsspan  # noqa: E402 - after the sys.path entry above (a script run from anywhere)
from bench import make_corpus  # noqa: E402 - likewise

PY = sys.executable

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


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([e["PYTHONPATH"]] if e.get("PYTHONPATH") else []))
    e["HF_HUB_OFFLINE"] = e["HF_DATASETS_OFFLINE"] = "1"
    return e


def run(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env(), stdin=subprocess.DEVNULL, **kw)
    elapsed = time.perf_counter() - start
    if res.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(map(str, cmd))} failed ({res.returncode}):\n{res.stdout[-2000:]}{res.stderr[-2000:]}"
        )
    return elapsed, res


def _pss(pid: int, rss: int) -> int:
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


def _tree_rss(pid: int) -> int:
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
            total += _pss(p, rss[p])
        stack.extend(children.get(p, []))
    return total


def peak_memory(cmd: list[str]) -> int | None:
    """Peak total resident memory (bytes) of a command and its worker processes, or None off Linux."""
    if not os.path.isdir("/proc/self"):
        return None
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env(), stdin=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    done.set()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return peak


def alternate(commands: dict, repeat: int, before=None) -> dict[str, list[float]]:
    """Wall times of each command, run in turn (the order rotating every round)."""
    times = {k: [] for k in commands}
    names = list(commands)
    for r in range(repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            if before and name in before:
                before[name](r)
            times[name].append(run(commands[name])[0])
    return times


def corpus(work: Path, docs: int, seed: int) -> Path:
    """A synthetic root of `docs` documents, written once and reused while the generator is unchanged."""
    root = work / f"corpus-{docs}-{seed}"
    stamp = {
        "docs": docs,
        "seed": seed,
        "generator": hashlib.sha256(Path(make_corpus.__file__).read_bytes()).hexdigest(),
    }
    marker = root / "bench-corpus.json"
    if marker.is_file() and json.loads(marker.read_text()) == stamp:
        return root
    shutil.rmtree(root, ignore_errors=True)
    t = time.perf_counter()
    make_corpus.write_corpus(root, docs, seed)
    marker.write_text(json.dumps(stamp))
    print(f"  wrote {docs} documents in {time.perf_counter() - t:.0f} s: {root}", flush=True)
    return root


def validate_cmd(root: Path, *extra) -> list[str]:
    return [PY, "-m", "newsspan", "validate", "--root", str(root), *extra]


def wait_until_cacheable(root: Path) -> None:
    """The cache stores no file changed in the last 2 s (see newsspan.cache): wait that out."""
    newest = max(p.stat().st_mtime for p in (root / "annotations").iterdir())
    time.sleep(max(0.0, newest + 2.5 - time.time()))


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions = {"python": platform.python_version(), "newsspan": newsspan.__version__}
    for mod in ("jsonschema", "jsonschema-rs", "datasets", "pyarrow"):
        try:
            versions[mod] = metadata.version(mod)
        except metadata.PackageNotFoundError:
            versions[mod] = "not installed"
    try:
        rev = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        rev = ""
    return {
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "os": platform.platform(),
        "versions": versions,
        "commit": rev,
    }


def gib(b) -> str:
    return "n/a" if b is None else f"{b / 2**30:.2f} GiB" if b >= 2**30 else f"{b / 2**20:.0f} MiB"


# ---------------------------------------------------------------------------------------------


def bench_validation(args, work: Path, out: dict) -> None:
    n = args.docs
    root = corpus(work, n, args.seed)
    res = run(validate_cmd(root, "--no-cache"))[1]
    if "0 errors" not in res.stdout:
        raise SystemExit(f"bench: the synthetic corpus does not validate:\n{res.stdout[-3000:]}")
    run([PY, "-c", FLOOR, str(root)])  # warm the page cache: every figure reads warm files

    # populate the cache for the re-validation runs, then change one annotation per round
    shutil.rmtree(root / ".newsspan-cache", ignore_errors=True)
    wait_until_cacheable(root)
    run(validate_cmd(root))
    victims = sorted((root / "annotations").glob("*.json"))

    def change_one(r):
        p = victims[(r * 7919) % len(victims)]
        doc = json.loads(p.read_text(encoding="utf-8"))
        p.write_text(json.dumps(doc, ensure_ascii=False, indent=1 + (r % 2)) + "\n", encoding="utf-8")

    print("  validation: floor, full (--no-cache, all cores), serial, one file changed (cache)", flush=True)
    t = alternate(
        {
            "floor": [PY, "-c", FLOOR, str(root)],
            "full": validate_cmd(root, "--no-cache"),
            "serial": validate_cmd(root, "--no-cache", "--jobs", "1"),
            "changed": validate_cmd(root),
        },
        args.repeat,
        before={"changed": change_one},
    )
    sample = min(args.naive_sample, n)
    print(f"  naive: jsonschema.validate per file on {sample} documents", flush=True)
    naive = [
        float(run([PY, "-c", NAIVE, str(root), str(REPO), str(sample)])[1].stdout)
        for _ in range(max(1, args.repeat // 2))
    ]
    out["validation"] = {"docs": n, "times": t, "naive_per_doc": naive, "naive_sample": sample}


# Where serial validation spends its time: cProfile over check_document for a sample of documents,
# self time grouped by what the code does (proportions; cProfile slows Python code more than C).
PROFILE = r"""
import cProfile, json, pstats, sys
from newsspan import checks, store
from newsspan.validator import check_document
root = store.Root(sys.argv[1])
stems = sorted(n[:-4] for n in root.corpus_entries() if n.endswith(".txt"))[: int(sys.argv[2])]
check_document(root, stems[0])  # imports and compiled schemas out of the way
prof = cProfile.Profile()
prof.enable()
for stem in stems:
    check_document(root, stem)
prof.disable()
by_func = {c.func.__name__: c.id for c in checks.REGISTRY.values() if c.func}
stats = pstats.Stats(prof).stats


def group(key):
    path, line, name = key
    path = path.replace(chr(92), "/")
    if name in by_func and "/checks/" in path:
        g = "check " + by_func[name]
    elif "/checks/" in path:
        g = "span lists shared by the checks"
    elif path.endswith("/model.py"):
        g = "the model of each annotation file (model.py)"
    elif path.endswith("tokenize.py"):
        g = "check token-boundary (tokenizer)"
    elif "json/" in path or name in ("pairs_hook", "constant", "fraction") or "raw_decode" in name:
        g = "JSON parsing (json module)"
    elif "jsonschema_rs" in path or "jsonschema_rs" in name or name in ("is_valid", "passes", "_regexes_may_differ"):
        g = "schema check (jsonschema-rs)"
    elif path.endswith(("store.py", "posixpath.py")) or any(k in name for k in ("_exists", "_read", "open", "read", "lstat", "stat", "islink")):
        g = "reading files (open, read, lstat, link checks)"
    elif path.endswith("text.py") or any(k in name for k in ("sha256", "decode", "normalized")):
        g = "text: decode, NFC check, SHA-256"
    else:
        g = "other (validator bookkeeping, pathlib, dataclasses)"
    return g


groups = {}
for key, (cc, nc, tt, ct, callers) in stats.items():
    if key[0] == "~" and callers:  # a builtin (len, dict.get, ...): its time goes to who called it
        for caller, (_, _, t_from, _) in callers.items():
            g = group(caller)
            groups[g] = groups.get(g, 0.0) + t_from
    else:
        g = group(key)
        groups[g] = groups.get(g, 0.0) + tt
print(json.dumps({"docs": len(stems), "groups": groups}))
"""


def bench_profile(args, work: Path, out: dict) -> None:
    root = corpus(work, args.docs, args.seed)
    n = min(args.docs, 2000)
    print(f"  profile: serial validation of {n} documents under cProfile", flush=True)
    out["profile"] = json.loads(run([PY, "-c", PROFILE, str(root), str(n)])[1].stdout)


def bench_scaling(args, work: Path, out: dict) -> None:
    small, large = args.scale
    roots = {d: corpus(work, d, args.seed) for d in (small, large)}
    for r in roots.values():
        run([PY, "-c", FLOOR, str(r)])
    print(f"  scaling: full validation of {small} and {large} documents", flush=True)
    t = alternate({d: validate_cmd(r, "--no-cache") for d, r in roots.items()}, args.repeat)
    mem = {d: peak_memory(validate_cmd(r, "--no-cache")) for d, r in roots.items()}
    out["scaling"] = {
        "sizes": [small, large],
        "times": {str(k): v for k, v in t.items()},
        "memory": {str(k): v for k, v in mem.items()},
    }


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


def build_cmd(root: Path, dest: Path, *extra) -> list[str]:
    return [PY, "-m", "newsspan", "build", "--root", str(root), "--out", str(dest), "--config", "documents", *extra]


def bench_build(args, work: Path, out: dict) -> None:
    """newsspan build --config documents vs datasets.load_dataset("json") on the same documents."""
    res = subprocess.run([PY, "-m", "newsspan", "build", "--help"], capture_output=True, text=True, env=env())
    if "--config" not in res.stdout:
        out["build"] = None
        return
    n = args.docs
    root = corpus(work, n, args.seed)
    jsonl = joined_jsonl(root)
    dest = work / f"build-{n}"
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    run(build_cmd(root, dest))  # warm: the validation cache, as after a contributor's `newsspan validate`
    cold = run(build_cmd(root, dest, "--no-cache"))[0]
    print('  build: newsspan build --config documents vs load_dataset("json")', flush=True)
    t = alternate(
        {"build": build_cmd(root, dest), "json": [PY, "-c", LOAD_JSON, str(jsonl), str(scratch)]}, args.repeat
    )
    mem = {
        "build": peak_memory(build_cmd(root, dest)),
        "json": peak_memory([PY, "-c", LOAD_JSON, str(jsonl), str(scratch)]),
    }
    big = args.scale[1]
    if big != n:
        big_root = corpus(work, big, args.seed)
        run(validate_cmd(big_root))  # warm validation cache, as above
        mem[f"build {big}"] = peak_memory(build_cmd(big_root, work / f"build-{big}"))
        shutil.rmtree(work / f"build-{big}", ignore_errors=True)
    # the built folder, loaded with plain datasets: once to prepare its cache, then cached
    hf_cache = work / f"hf-cache-{n}"
    shutil.rmtree(hf_cache, ignore_errors=True)
    first = run([PY, "-c", LOAD_FOLDER, str(dest), str(hf_cache)])[0]
    cached = [run([PY, "-c", LOAD_FOLDER, str(dest), str(hf_cache)])[0] for _ in range(args.repeat)]
    cached_mem = peak_memory([PY, "-c", LOAD_FOLDER, str(dest), str(hf_cache)])
    shards = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*.parquet"))
    out["build"] = {
        "docs": n,
        "times": t,
        "cold": cold,
        "memory": mem,
        "load_first": first,
        "load_cached": cached,
        "load_cached_memory": cached_mem,
        "shards": shards,
        "parquet_bytes": sum((dest / s).stat().st_size for s in shards),
        "jsonl_bytes": jsonl.stat().st_size,
    }


# ---------------------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def report(args, out: dict, m: dict, started: str, load: tuple) -> str:
    rows = []
    v = out["validation"]
    t = v["times"]
    floor, full, serial, changed = med(t["floor"]), med(t["full"]), med(t["serial"]), med(t["changed"])
    naive_total = med(v["naive_per_doc"]) * v["docs"]
    rows.append(
        (
            f"validation of {v['docs']} documents (`--no-cache`, {m['cpus']} processes) vs the floor",
            f"{full:.2f} s",
            f"{floor:.2f} s",
            f"{full / floor:.2f}x",
            "<= 2.0x",
            verdict(full / floor <= 2.0),
        )
    )
    rows.append(
        (
            f"the naive way (`jsonschema.validate` per file; {v['naive_sample']} documents, scaled) vs validation",
            f"{full:.2f} s",
            f"{naive_total:.0f} s",
            f"{naive_total / full:.0f}x faster",
            ">= 50x",
            verdict(naive_total / full >= 50),
        )
    )
    rows.append(
        (
            "re-validation after changing one file (cache) vs full validation",
            f"{changed:.2f} s",
            f"{full:.2f} s",
            f"{changed / full:.1%}",
            "<= 10%",
            verdict(changed / full <= 0.10),
        )
    )
    s = out.get("scaling")
    if s:
        a, b = s["sizes"]
        ta, tb = med(s["times"][str(a)]), med(s["times"][str(b)])
        per = (tb / b) / (ta / a)
        rows.append(
            (
                f"cost per document at {b} vs {a} documents",
                f"{tb / b * 1000:.3f} ms",
                f"{ta / a * 1000:.3f} ms",
                f"{per:.2f}x",
                "<= 1.2x",
                verdict(per <= 1.2),
            )
        )
        ma, mb = s["memory"][str(a)], s["memory"][str(b)]
        if ma and mb:
            rows.append(
                (
                    f"peak memory of validation at {b} vs {a} documents (all processes, PSS)",
                    gib(mb),
                    gib(ma),
                    f"{mb / ma:.2f}x",
                    "flat (<= 1.2x for 4x the documents)",
                    verdict(mb / ma <= 1.2),
                )
            )
    b = out.get("build")
    if b is None:
        rows.append(
            (
                '`newsspan build --config documents` vs `load_dataset("json")`',
                "not measured",
                "",
                "",
                "<= 1.5x",
                "n/a (the builder has not landed on this branch)",
            )
        )
    else:
        tb, tj = med(b["times"]["build"]), med(b["times"]["json"])
        rows.append(
            (
                f'`newsspan build --config documents` of {b["docs"]} documents vs `load_dataset("json")` '
                "on the same documents pre-joined into one JSONL",
                f"{tb:.2f} s",
                f"{tj:.2f} s",
                f"{tb / tj:.2f}x",
                "<= 1.5x",
                verdict(tb / tj <= 1.5),
            )
        )
        big = [k for k in b["memory"] if k.startswith("build ")]
        rows.extend(
            (
                f"peak memory of `newsspan build --config documents` at {k.split()[1]} documents",
                gib(b["memory"][k]),
                "",
                "",
                "<= 2 GB",
                verdict(b["memory"][k] <= 2 * 10**9),
            )
            for k in big
        )
        rows.append(
            (
                f'cached `load_dataset(<built folder>, "documents")` of {b["docs"]} documents',
                f"{med(b['load_cached']):.2f} s, {gib(b['load_cached_memory'])}",
                f"first load {b['load_first']:.2f} s",
                "",
                "(reported)",
                "",
            )
        )

    ram = gib(m["ram"]) if m["ram"] else "unknown"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py {' '.join(sys.argv[1:])}` on {started} (commit `{m['commit']}`).",
        "Rerun it to measure your machine; the corpora are synthetic (`bench/make_corpus.py`, seed "
        f"{args.seed}): about 4,000 characters, 15 sections, 40 entity mentions and 10 claims per document.",
        "",
        f"Machine: {m['cpus']} cores ({m['cpu']}), {ram} RAM, {m['os']}. Load average at start "
        f"{load[0]:.2f}, at end {os.getloadavg()[0]:.2f} (other work on the machine slows the figures and "
        "their baselines alike: they alternate).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        "| measure | newsspan | baseline | ratio | goal | |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {' | '.join(r)} |" for r in rows]
    lines += [
        "",
        f"Medians of {args.repeat} alternating runs each. The floor reads every text and parses every metadata "
        "and annotation file with the standard `json` module in one process. Validation runs "
        f"`newsspan validate --no-cache` with its default `--jobs` (all {m['cpus']} cores); serially (`--jobs 1`) "
        f"it took {serial:.2f} s ({serial / floor:.2f}x the floor). Re-validation rewrites one annotation file before each run "
        "and runs `newsspan validate` with its cache under the root's `.newsspan-cache/`. "
        "The build runs with its defaults (all cores from 2,000 documents on) and a warm validation cache, as after "
        '`newsspan validate`; `load_dataset("json")` reads into a fresh cache folder every run. '
        "newsspan's bytecode is compiled before the first run, as installing a wheel does.",
    ]
    prof = out.get("profile")
    if prof:
        total = sum(prof["groups"].values())
        lines += [
            "",
            "## Where validation spends its time",
            "",
            f"Self time of serial validation of {prof['docs']} documents under cProfile, grouped by what "
            "the code does (cProfile slows Python code more than C code: read the shares as indicative). "
            "The floor's own work is reading the files and parsing the JSON; the rest is the validator's.",
            "",
            "| where | share |",
            "| --- | ---: |",
        ]
        for g, t_ in sorted(prof["groups"].items(), key=lambda kv: -kv[1]):
            lines.append(f"| {g} | {t_ / total:.1%} |")
    lines += ["", "## Raw runs (seconds)", ""]
    for name, xs in t.items():
        lines.append(f"- validation `{name}`: " + ", ".join(f"{x:.2f}" for x in xs))
    lines.append("- naive, seconds per document: " + ", ".join(f"{x:.4f}" for x in v["naive_per_doc"]))
    if b:
        lines.append(
            "- build: "
            + ", ".join(f"{x:.2f}" for x in b["times"]["build"])
            + '; `load_dataset("json")`: '
            + ", ".join(f"{x:.2f}" for x in b["times"]["json"])
        )
        if b["cold"] is not None:
            lines.append(f"- build with no validation cache (one run): {b['cold']:.2f}")
        lines.append("- peak memory: " + ", ".join(f"{k} {gib(v)}" for k, v in b["memory"].items()))
        lines.append("- cached loads of the built folder: " + ", ".join(f"{x:.2f}" for x in b["load_cached"]))
        lines.append(
            f"- the built folder: {len(b['shards'])} Parquet shards, {gib(b['parquet_bytes'])} "
            f"(the JSONL: {gib(b['jsonl_bytes'])}): " + ", ".join(b["shards"])
        )
    if s:
        for k, xs in s["times"].items():
            lines.append(f"- full validation of {k} documents: " + ", ".join(f"{x:.2f}" for x in xs))
        lines.append("- peak memory: " + ", ".join(f"{k} documents {gib(b)}" for k, b in s["memory"].items()))
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Benchmarks of newsspan against their baselines (writes bench/RESULTS.md).")
    p.add_argument("--docs", type=int, default=20000, help="documents of the main corpus (default 20000)")
    p.add_argument(
        "--scale",
        type=lambda s: tuple(int(x) for x in s.split(",")),
        default=None,
        metavar="A,B",
        help="the two corpus sizes of the scaling figures (default 10000,40000; --quick: docs/4,docs)",
    )
    p.add_argument("--repeat", type=int, default=None, help="runs per figure (default 3; --quick: 1)")
    p.add_argument("--naive-sample", type=int, default=500, help="documents the naive way is timed on (default 500)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--work",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "newsspan-bench",
        help="folder for the synthetic corpora (kept between runs)",
    )
    p.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md", help="the report to write")
    p.add_argument("--quick", action="store_true", help="a smoke run: one repeat, small scaling corpora")
    args = p.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.scale is None:
        args.scale = (max(1, args.docs // 4), args.docs) if args.quick else (10000, 40000)
    args.work.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()
    m = machine()
    out: dict = {}
    print(f"bench: {args.docs} documents, {args.repeat} runs per figure, work folder {args.work}", flush=True)
    # as an installed wheel has it: no run should pay for compiling newsspan's modules (where
    # PYTHONDONTWRITEBYTECODE is set, as here, an editable install would compile them every time)
    compileall.compile_dir(str(REPO / "newsspan"), quiet=1)
    bench_validation(args, args.work, out)
    bench_scaling(args, args.work, out)
    bench_build(args, args.work, out)
    bench_profile(args, args.work, out)
    text = report(args, out, m, started, load)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({"machine": m, "started": started, **out}, indent=1) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
