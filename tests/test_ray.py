"""newsspan.ray on a local Ray (two CPUs): the report of `newsspan validate` and the release of
`newsspan build`, from a packed corpus. Skipped when Ray is not installed (`pip install -e '.[ray]'`),
except under NEWSSPAN_REQUIRE_RAY=1, which CI sets after installing it."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsspan import BuildError, pack, store
from newsspan.hf import CONFIGS, release
from newsspan.hf.features import features
from newsspan.model import SPLITS
from newsspan.validator import validate_root

from conftest import REPO
from corpus_maker import multi_root
from planted import planted_root
from synthetic import make_root

pytestmark = pytest.mark.slow  # Ray starts in about five seconds


@pytest.fixture(scope="module")
def ray():
    try:
        import ray
    except ImportError:
        if os.environ.get("NEWSSPAN_REQUIRE_RAY"):
            raise
        pytest.skip("Ray is not installed: pip install -e '.[ray]'")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def nray(ray):
    import newsspan.ray

    return newsspan.ray


def packed(ray, root: Path, out: Path):
    """The pack of root as a Ray dataset in 8 blocks (Ray reads up to 128 MiB of a pack as one: a single task)."""
    assert not pack.pack(store.Root(root), out, rows_per_shard=250).problems
    return ray.data.read_parquet(str(out)).repartition(8)


@pytest.fixture(scope="module")
def planted(ray, tmp_path_factory):
    """2,000 documents with problems planted from the first to the last, packed."""
    tmp = tmp_path_factory.mktemp("planted")
    root, checks = planted_root(tmp / "root", 2000)
    return root, checks, packed(ray, root, tmp / "pack")


def test_validate_reports_exactly_what_newsspan_validate_reports(nray, planted):
    root, checks, ds = planted
    here, there = validate_root(root, jobs=2), nray.validate(ds, "the pack")
    assert checks <= {p.check for p in here.problems}  # every planted problem is found ...
    assert there.problems == here.problems  # ... by both, in the same order
    assert there.summary() == here.summary() | {"root": "the pack"}
    assert there.summary_line().startswith("newsspan validate FAILED in the pack: ")


def test_build_refuses_a_corpus_with_errors(nray, planted, tmp_path):
    root, _, ds = planted
    with pytest.raises(BuildError, match="the corpus has errors; nothing was built") as e:
        nray.build(ds, tmp_path / "out")
    assert e.value.report.problems == validate_root(root).problems
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def releases(ray, nray, tmp_path_factory):
    """A clean corpus of 600 documents (3 drafts, 2 texts without a layer) built by newsspan build and on Ray."""
    tmp = tmp_path_factory.mktemp("clean")
    root = make_root(tmp / "root", 600)
    for i in (3, 300, 599):
        path = root / "annotations" / f"bench-{i:07d}.json"
        path.write_text(
            path.read_text()
            .replace('"status": "gold"', '"status": "draft"')
            .replace('"status": "complete"', '"status": "draft"')
        )
    for i in (10, 20):
        (root / "annotations" / f"bench-{i:07d}.json").unlink()
    local = release.build(root, tmp / "local")
    return local, nray.build(packed(ray, root, tmp / "pack"), tmp / "ray")


def table(folder: Path, config: str, split: str) -> pa.Table:
    return pa.concat_tables(pq.read_table(p) for p in sorted((folder / config).glob(f"{split}-*.parquet"))).sort_by(
        "id"
    )


def test_build_writes_the_rows_newsspan_build_writes(releases):
    local, remote = releases
    assert remote.splits.keys() == local.splits.keys() == set(CONFIGS)
    assert len(remote.release.drafts) == 3 and len(remote.release.unannotated) == 2
    for config in CONFIGS:
        for split in SPLITS:
            here, there = table(local.out, config, split), table(remote.out, config, split)
            assert there.num_rows == here.num_rows > 0
            assert there.equals(here), (config, split)  # ids, tokens, tags and every other column


def test_the_card_has_the_statistics_and_features_of_newsspan_build(releases):
    local, remote = releases
    assert remote.stats.to_json() == local.stats.to_json()
    # the rows are cut into other tables and files (whose bytes differ), and the content is hashed from the rows
    differ = re.compile(r"^\s*(download_size|num_bytes|dataset_size): \d+$|content hash\s+`[0-9a-f]+`", re.M)
    here, there = ((s.out / "README.md").read_text() for s in (local, remote))
    assert differ.sub("", there) == differ.sub("", here)
    assert "newsspan build: generated" in there
    # release.json: the version, the corpus's commit (none: the root is no git checkout), the ids released
    assert (remote.out / "release.json").read_bytes() == (local.out / "release.json").read_bytes()


def test_the_release_loads_with_plain_load_dataset(releases):
    from datasets import load_dataset

    local, remote = releases
    for config in CONFIGS:
        ds = load_dataset(str(remote.out), config)
        assert ds["train"].features == features(config)
        assert {s: ds[s].num_rows for s in ds} == {s: v["num_examples"] for s, v in local.splits[config].items()}
    rows = load_dataset(str(remote.out), "entities", split="validation")
    names = rows.features["ner_tags"].feature.names
    assert any(names[t].startswith("B-") for tags in rows["ner_tags"] for t in tags)


def test_a_build_replaces_the_previous_one_and_refuses_a_folder_of_other_files(ray, nray, releases, tmp_path):
    _, remote = releases
    ds = ray.data.read_parquet(str(remote.out.parent / "pack"))
    stale = remote.out / "documents" / "train-stale.parquet"
    stale.write_bytes(b"from an earlier build")
    again = nray.build(ds, remote.out)
    assert not stale.exists()
    counts = {c: {s: v["num_examples"] for s, v in per.items()} for c, per in again.splits.items()}
    assert counts == {c: {s: v["num_examples"] for s, v in per.items()} for c, per in remote.splits.items()}
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine\n")
    with pytest.raises(BuildError, match="is not empty and holds no newsspan build"):
        nray.build(ds, other)
    assert [p.name for p in other.iterdir()] == ["notes.txt"]


def test_the_example_packs_validates_builds_and_loads(ray, tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("ray_corpus", REPO / "examples" / "ray_corpus.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    root = multi_root(tmp_path / "root")
    assert example.main(["--root", str(root), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "1. packed 5 documents (14 files)" in out  # one of them has no annotation file
    assert f"2. newsspan validate passed in {tmp_path / 'out' / 'pack'}: 5 documents" in out
    assert "3. released 3 documents" in out
    assert re.search(r"load_dataset: train \d+, test 1 rows of `entities`", out)  # pinned-test, one section
