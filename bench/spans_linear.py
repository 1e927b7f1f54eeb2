"""Benchmark: validation time grows linearly with the number of spans in a file.

    python bench/spans_linear.py [--sizes 25000 50000 100000] [--repeat 3]

For each size it writes a synthetic root (bench/synth.py), validates it in a fresh
subprocess (the best of --repeat runs, imports excluded) and prints the time per span and
the ratio to the previous size's time. Linear growth shows as a time ratio close to the
size ratio (2.0 for doubling); quadratic growth would show as about 4.0. Not a test: timings
depend on the machine; the numbers in docs/reliability.md come from this script.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import make_root, span_count  # noqa: E402 - after the sys.path entry above

CHILD = """
import json, resource, sys, time
from newsspan.validator import validate_root
t = time.perf_counter()
report = validate_root(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "ok": report.ok,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def measure(root: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, check=True, cwd=HERE.parent
        )
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["seconds"])
    if not best["ok"]:
        raise SystemExit(f"{root}: the synthetic root does not validate")
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(
        f"{'spans':>8} {'bytes':>11} {'seconds':>8} {'us/span':>8} {'peak MiB':>9} {'time ratio':>10} {'size ratio':>10}"
    )
    prev = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            root = Path(tmp) / f"r{size}"
            path = make_root(root, size)
            n = span_count(path)
            r = measure(root, args.repeat)
            ratio = f"{r['seconds'] / prev[1]:10.2f} {n / prev[0]:10.2f}" if prev else f"{'':>10} {'':>10}"
            print(
                f"{n:8d} {path.stat().st_size:11d} {r['seconds']:8.2f} {1e6 * r['seconds'] / n:8.1f} "
                f"{r['maxrss_kib'] / 1024:9.0f} {ratio}"
            )
            prev = (n, r["seconds"])


if __name__ == "__main__":
    main()
