"""Validation on Ray Data against the local pool, on one corpus: written to bench/RAY_RESULTS.md.

    python bench/ray_scale.py --docs 20000          # the full run (about 12 minutes on 2 cores)
    python bench/ray_scale.py --docs 300 --quick    # a smoke run

Two synthetic corpora (bench/make_corpus.py: --docs documents, and a quarter of them), each packed
(`newsspan pack`), are validated three ways, each in a fresh process, in rounds whose order rotates
(--repeat; medians compared):

- ``pool``: ``validate_root(root, jobs=2)``, what ``newsspan validate -j 2`` runs;
- ``ray-1`` and ``ray-2``: ``newsspan.ray.validate(ray.data.read_parquet(pack))`` after
  ``ray.init(num_cpus=1)`` or ``ray.init(num_cpus=2)``: one or two Ray workers;
- ``floor-2``: Ray's floor on two workers: the same pack read and each batch turned into the rows
  that ``newsspan.ray``'s workers check, and nothing checked.

Each is timed inside its process from the call to the report (Ray's start-up is timed apart), and
every report must equal the pool's. The difference between the two corpora gives the documents
per second of each way, and what is left of a run's time its fixed cost. Memory per worker is the largest proportional set size (PSS)
of a worker process's heap (anonymous pages; the pool's forked workers, Ray's ``ray::`` task
workers), sampled from /proc every 50 ms; the pages of Ray's object store (shared memory) that a
worker maps are counted apart, code and libraries not at all. The reduce, which only the driver runs, is measured on its own: the bytes a
document's result takes back to the driver, the memory of its summary there, and the time to sort
the results and run the checks across documents over --reduce-docs summaries. From these figures
the report projects a corpus of 10 million articles on N nodes. Needs the [ray] extra.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from bench import make_corpus  # noqa: E402 - after the sys.path entry above (a script run from anywhere)
from newsspan import pack, store  # noqa: E402 - likewise
from newsspan.checks.corpus import DocSummary  # noqa: E402
from newsspan.report import render_json  # noqa: E402
from newsspan.validator import check_corpus, check_document, read_document, validate_root  # noqa: E402

MODES = ("pool", "ray-1", "ray-2", "floor-2")
TARGET = 10_000_000  # articles in the projection
CORES = 16  # per node, in the projection
# Ray reads up to 128 MiB of Parquet as one unit, one task: the whole corpus of a short run. Units of
# 8 MiB (about 300 documents) give the workers a few dozen tasks to share, as a large corpus does.
UNIT = 8 * 2**20


def _rows(batch):
    """What the floor does with a batch: its rows as dicts, as newsspan.ray's workers take them."""
    import pyarrow as pa

    return pa.table({"rows": [len(batch.to_pylist())]})


def _cpu() -> float:
    """CPU seconds used so far by this process, its reaped children (the pool's workers) and its living
    descendants (Ray's raylet, its workers and their helpers, which live as long as Ray)."""
    own = sum(
        getattr(resource.getrusage(w), f)
        for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for f in ("ru_utime", "ru_stime")
    )
    procs, tree, ticks = _processes(), {os.getpid()}, os.sysconf("SC_CLK_TCK")
    while grown := {pid for pid, (parent, _) in procs.items() if parent in tree} - tree:
        tree |= grown
    living = 0
    for pid in tree - {os.getpid()}:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                living += sum(map(int, f.read().rsplit(b")", 1)[1].split()[11:13]))
        except (OSError, ValueError):
            continue
    return own + living / ticks


def child(mode: str, root: str, packed: str) -> dict:
    """Validate once in this process (the floor: read the rows, check nothing); the wall and CPU
    time, and the report's digest (its root left out)."""
    init, digest = 0.0, ""
    if mode != "pool":
        import ray

        import newsspan.ray

        started = time.perf_counter()
        ray.init(num_cpus=int(mode[-1]), include_dashboard=False, log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        init = time.perf_counter() - started
    start, cpu = time.perf_counter(), _cpu()
    if mode == "pool":
        report = validate_root(root, jobs=2)
    elif mode.startswith("floor"):
        done = ray.data.read_parquet(packed).map_batches(_rows, batch_format="pyarrow", batch_size=256)
        assert sum(done.to_pandas()["rows"]) == len(store.Root(root).listing().stems)
    else:
        report = newsspan.ray.validate(ray.data.read_parquet(packed))
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    if not mode.startswith("floor"):
        report.root = ""
        digest = hashlib.sha256(render_json(report).encode()).hexdigest()
    return {"seconds": seconds, "cpu": cpu, "init": init, "digest": digest}


def _processes() -> dict[int, tuple[int, bytes]]:
    """pid -> (parent pid, command line) of every process."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    parent = int(f.read().rsplit(b")", 1)[1].split()[1])
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    out[int(d)] = (parent, f.read())
            except (OSError, ValueError, IndexError):
                continue
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(the process's heap, the object store pages it maps): its proportional set size of anonymous
    pages, and of shared memory (Ray's object store), in bytes; code and libraries are left out."""
    found = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            found = {k: int(v.split()[0]) * 1024 for k, v in (line.split(b":", 1) for line in f if line[:4] == b"Pss_")}
    except (OSError, ValueError):
        pass
    return found.get(b"Pss_Anon", 0), found.get(b"Pss_Shmem", 0)


def measured(mode: str, root: Path, packed: Path) -> dict:
    """child() in a fresh process, with the peak PSS of each of its workers and of the driver."""
    cmd = [sys.executable, __file__, "--child", mode, "--root", str(root), "--pack", str(packed)]
    env = dict(os.environ, PYTHONPATH=str(REPO), RAY_DATA_PARQUET_BIN_PACKING_BYTES=str(UNIT))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    peaks: dict[int, tuple[int, int]] = {}
    done = threading.Event()

    def sample():
        while not done.wait(0.05):
            for pid, (parent, line) in _processes().items():
                ray_worker = line.startswith(b"ray::") and b"Actor" not in line and b"Agent" not in line
                if pid == proc.pid or ray_worker or (mode == "pool" and parent == proc.pid):
                    now = _memory(pid)
                    peaks[pid] = tuple(max(a, b) for a, b in zip(peaks.get(pid, (0, 0)), now, strict=True))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    done.set()
    thread.join()
    if proc.returncode:
        raise SystemExit(f"ray_scale: {mode} failed ({proc.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    workers = [v for pid, v in peaks.items() if pid != proc.pid and v[0]]
    return result | {
        "driver": peaks.get(proc.pid, (0, 0))[0],
        "worker": max((own for own, _ in workers), default=0),
        "store": max((shm for _, shm in workers), default=0),
    }


def reduce_costs(root: Path, n: int) -> dict:
    """What the driver holds and does per document: the bytes of a result, its summary's memory,
    and the time to sort n results and run check_corpus over them."""
    stems = store.Root(root).listing().stems[:500]
    sent = [len(pickle.dumps((*check_document(f := read_document(store.Root(root), s)), f.count()))) for s in stems]
    tracemalloc.start()
    summaries = [
        DocSummary(f"doc-{i:09d}", hashlib.sha256(str(i).encode()).hexdigest(), True, True, True, "CC0-1.0")
        for i in range(n)
    ]
    held = tracemalloc.get_traced_memory()[0] / n
    tracemalloc.stop()
    results = [([], s, 3) for s in reversed(summaries)]
    start = time.perf_counter()
    ordered = sorted(results, key=lambda r: r[1].stem)
    problems = check_corpus([s for _, s, _ in ordered])
    seconds = time.perf_counter() - start
    assert not problems
    return {"result_bytes": statistics.mean(sent), "summary_bytes": held, "seconds_per_doc": seconds / n, "n": n}


def report(args, runs: dict, reduce: dict, load: str) -> str:
    small, large = args.sizes
    med = {(m, n): statistics.median(r["seconds"] for r in runs[m, n]) for m in MODES for n in args.sizes}
    cpu = {(m, n): statistics.median(r["cpu"] for r in runs[m, n]) for m in MODES for n in args.sizes}
    # the rate of the documents a run adds, what a run costs before its first document, CPU per document added
    rate = {m: (large - small) / (med[m, large] - med[m, small]) for m in MODES}
    fixed = {m: med[m, large] - large / rate[m] for m in MODES}
    per_doc = {m: (cpu[m, large] - cpu[m, small]) / (large - small) for m in MODES}
    mib = lambda b: f"{b / 2**20:.0f} MiB"  # noqa: E731
    lines = [
        "# Validation on Ray Data against the local pool",
        "",
        f"`python bench/ray_scale.py --docs {args.docs}{' --quick' if args.quick else ''}`: {args.repeat} rounds, "
        f"medians; {os.cpu_count()} cores, load average at the start {load}; Python {sys.version.split()[0]}, "
        f"Ray {__import__('ray').__version__}.",
        "",
        f"Corpora of {small} and {large} documents of bench/make_corpus.py (the larger holds the smaller), each "
        f"packed in 40 Parquet files, which Ray reads in units of {UNIT // 2**20} MiB "
        "(RAY_DATA_PARQUET_BIN_PACKING_BYTES). Every report equals the pool's. *Documents/s* is the rate of the "
        f"{large - small} documents the larger corpus adds; *fixed* is the rest of a run's time (for Ray: planning, "
        "reading the Parquet footers, starting the workers' tasks), `ray.init` aside; *CPU per document* is the CPU "
        "time of every process of the run (workers, driver, Ray's own) that a document added, which a busy machine "
        "does not change. The floor reads the rows and checks nothing: its time is Ray's part of a run.",
        "",
        f"| how | workers | seconds ({small}) | seconds ({large}) | documents/s | vs the pool | fixed | CPU per document "
        "| ray.init | heap per worker | object store pages | driver's heap |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in MODES:
        r, floor = runs[m, large], m.startswith("floor")  # (the floor's time barely grows: no rate to speak of)
        speed = "– | – | –" if floor else f"{rate[m]:.0f} | {rate[m] / rate['pool']:.2f}x | {fixed[m]:.1f} s"
        lines.append(
            f"| {m} | {m[-1] if m[-1].isdigit() else 2} | {med[m, small]:.2f} | {med[m, large]:.2f} | {speed} | "
            f"{per_doc[m] * 1e3:.2f} ms | "
            f"{statistics.median(x['init'] for x in r):.1f} s | "
            f"{mib(max(x['worker'] for x in r))} | {mib(max(x['store'] for x in r))} | "
            f"{mib(max(x['driver'] for x in r))} |"
        )
    per_core = 1 / per_doc["ray-1"]  # documents a core checks per second, as a Ray worker
    t_reduce = reduce["seconds_per_doc"] * TARGET
    lines += [
        "",
        f"Two Ray workers against one: {rate['ray-2'] / rate['ray-1']:.2f}x the documents per second.",
        "",
        "## The reduce (the driver alone)",
        "",
        f"- a document's result sent back: {reduce['result_bytes']:.0f} bytes pickled (a valid document: its "
        "summary and an empty problem list)",
        f"- a summary held by the driver: {reduce['summary_bytes']:.0f} bytes",
        f"- sorting the results and the checks across documents: {reduce['seconds_per_doc'] * 1e6:.2f} us per "
        f"document (measured on {reduce['n']:,} summaries)",
        "",
        f"## 10 million articles on N nodes of {CORES} cores",
        "",
        f"Assumed: a core checks {per_core:.0f} documents per second (1 / the CPU per document of one Ray worker "
        f"here, Ray's own processes included), every core of every node works, a run costs its fixed "
        f"{fixed['ray-2']:.0f} s once, and the reduce runs on one driver.",
        "",
        "| nodes | checking (workers) | the reduce (driver) | driver memory | results sent to the driver |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for nodes in (1, 4, 16, 64):
        t_map = fixed["ray-2"] + TARGET / (nodes * CORES * per_core)
        lines.append(
            f"| {nodes} | {t_map / 60:.1f} min | {t_reduce / 60:.1f} min | "
            f"{TARGET * reduce['summary_bytes'] / 2**30:.1f} GiB | {TARGET * reduce['result_bytes'] / 2**30:.1f} GiB |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=20000, help="documents of the larger corpus (the smaller: a quarter)")
    p.add_argument("--repeat", type=int, default=None, help="rounds (default 3; --quick: 1)")
    p.add_argument("--reduce-docs", type=int, default=None, help="summaries the reduce is timed on (default 1,000,000)")
    p.add_argument("--work", type=Path, default=Path("/tmp/newsspan-bench"), help="where the corpora and packs go")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "RAY_RESULTS.md")
    p.add_argument("--quick", action="store_true", help="a smoke run")
    p.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    p.add_argument("--root", help=argparse.SUPPRESS)
    p.add_argument("--pack", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.root, args.pack)))
        return 0
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.sizes = (args.docs // 4, args.docs)
    load = f"{os.getloadavg()[0]:.2f}"
    corpora = {}
    for n in args.sizes:
        root, packed = args.work / f"corpus-{n}-0", args.work / f"pack-{n}"
        if not (root / "corpus").is_dir():
            make_corpus.write_corpus(root, n, 0)  # (the same first documents for any n)
        pack.pack(store.Root(root), packed, rows_per_shard=max(1, n // 40))
        corpora[n] = root, packed
    runs: dict[tuple[str, int], list[dict]] = {(m, n): [] for m in MODES for n in args.sizes}
    for r in range(args.repeat):
        for m in MODES[r % len(MODES) :] + MODES[: r % len(MODES)]:
            for n in args.sizes:
                runs[m, n].append(measured(m, *corpora[n]))
                print(f"ray_scale: round {r + 1}: {m} on {n}: {runs[m, n][-1]['seconds']:.2f} s", file=sys.stderr)
    for n in args.sizes:
        if len({x["digest"] for m in MODES[:3] for x in runs[m, n]}) != 1:
            raise SystemExit(f"ray_scale: the reports on {n} documents differ")
    reduce = reduce_costs(corpora[args.docs][0], args.reduce_docs or (20_000 if args.quick else 1_000_000))
    args.out.write_text(report(args, runs, reduce, load), encoding="utf-8")
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
