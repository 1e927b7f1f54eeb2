"""Pack a corpus, validate it and build its release on Ray Data: the way of a corpus of millions.

    pip install -e '.[ray]'
    python examples/ray_corpus.py                       # the corpus that comes with newsspan, on a local Ray
    python examples/ray_corpus.py --root path/to/corpus --out /tmp/newsspan-ray

1. ``newsspan pack`` writes the corpus as Parquet rows of whole documents (``<out>/pack``);
2. ``ray.data.read_parquet`` reads them, and ``newsspan.ray.validate`` reports on them what
   ``newsspan validate`` reports on the root (the same checks, run on Ray's workers);
3. ``newsspan.ray.build`` writes the Hugging Face folder ``newsspan build`` writes (``<out>/hf``),
   which plain ``datasets.load_dataset`` reads.

On a cluster, install ``newsspan[ray]`` on every node (or pass ``runtime_env={"pip": ["newsspan[ray]"]}``
to ``ray.init``) and connect to it: ``--address auto`` on a node of the cluster (``ray start --head``
started it), ``--address ray://HEAD:10001`` from elsewhere (``ray.init(address=...)``). The workers then
read the pack and write the release themselves, so both must be where every node sees them: object
storage. Copy the pack there (``aws s3 sync out/pack s3://bucket/corpus-pack``, or pack a root on a
shared disk) and pass URIs, which pyarrow opens with the credentials of the environment:

    python examples/ray_corpus.py --address auto --pack s3://bucket/corpus-pack --out s3://bucket/newsspan
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the release is read from disk: nothing is fetched
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import ray
from datasets import load_dataset

import newsspan.ray
from newsspan import BuildError, pack, store
from newsspan.hf.release import render_summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", help="the corpus root to pack (default: the corpus that comes with newsspan)")
    p.add_argument("--pack", help="read this pack instead of packing --root (a folder or a URI such as s3://...)")
    p.add_argument(
        "--out", help="where the pack and the release go (a folder or a URI; default: a new temporary folder)"
    )
    p.add_argument("--address", help="the Ray cluster (default: a local Ray with two CPUs)")
    args = p.parse_args(argv)
    out = args.out or tempfile.mkdtemp(prefix="newsspan-ray-")
    source = args.pack
    if source is None:
        source = os.path.join(out, "pack")
        done = pack.pack(store.Root.of(args.root), source)
        print(f"1. packed {done.documents} documents ({done.files} files) into {source}")
        for problem in done.problems:
            print(problem, file=sys.stderr)
        if done.problems:
            return 1
    if not ray.is_initialized():  # (a caller may have started it)
        ray.init(**({"address": args.address} if args.address else {"num_cpus": 2, "include_dashboard": False}))
    dataset = ray.data.read_parquet(source)
    report = newsspan.ray.validate(dataset, name=source)
    print(f"2. {report.summary_line()}")
    try:
        summary = newsspan.ray.build(dataset, os.path.join(out, "hf"))
    except BuildError as e:
        print("".join(f"{problem}\n" for problem in report.errors) + str(e).splitlines()[0], file=sys.stderr)
        return 1
    print("3. " + render_summary(summary).split("\n", 1)[1], end="")
    if "://" not in out:  # (from object storage, load_dataset needs the storage's fsspec package and options)
        entities = load_dataset(os.path.join(out, "hf"), "entities")
        print(
            f"load_dataset: {', '.join(f'{split} {len(rows)}' for split, rows in entities.items())} rows of `entities`"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
