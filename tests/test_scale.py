"""Building at scale: Parquet shards, --num-proc, and streaming reads shared out among distributed
nodes (split_dataset_by_node)."""

import datasets
import pytest
from datasets.distributed import split_dataset_by_node

from newsspan import tokenize
from newsspan.hf import release

from conftest import run_cli
from synthetic import make_root

CONFIGS = ["documents", "entities", "claims", "sections"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_root(tmp_path_factory.mktemp("scale") / "root", 60)


@pytest.fixture(scope="module")
def sharded(corpus, tmp_path_factory):
    """The corpus built with small shards and two processes, as a large corpus would be."""
    out = tmp_path_factory.mktemp("sharded") / "hf"
    # small batches: a shard ends only between batches (of 64 documents by default)
    release.build(corpus, out, num_proc=2, max_shard_size=40_000, batch_size=4)
    return out


@pytest.fixture(scope="module")
def plain(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("plain") / "hf"
    release.build(corpus, out, num_proc=1)
    return out


def load(folder, config, cache, **kw):
    return datasets.load_dataset(str(folder), config, cache_dir=str(cache), **kw)


def test_large_splits_are_written_as_several_shards(sharded, plain):
    shards = sorted(p.name for p in (sharded / "documents").glob("train-*.parquet"))
    assert len(shards) >= 4
    n = len(shards)
    assert shards == [f"train-{i:05d}-of-{n:05d}.parquet" for i in range(n)]
    assert sorted(p.name for p in (plain / "documents").glob("train-*.parquet")) == ["train-00000-of-00001.parquet"]


@pytest.mark.parametrize("config", CONFIGS)
def test_shards_and_processes_do_not_change_the_data(sharded, plain, config, tmp_path):
    a, b = load(sharded, config, tmp_path / "a"), load(plain, config, tmp_path / "b")
    assert list(a) == list(b)
    for split in a:
        assert sorted(a[split].to_list(), key=lambda r: r["id"]) == sorted(b[split].to_list(), key=lambda r: r["id"])


@pytest.mark.parametrize("world_size", [2, 4])
def test_split_dataset_by_node_gives_disjoint_complete_shares(sharded, world_size, tmp_path):
    everything = sorted(load(sharded, "entities", tmp_path / "c")["train"]["id"])
    stream = load(sharded, "entities", tmp_path / "c", streaming=True)["train"]
    assert stream.num_shards >= 4
    shares = [
        [r["id"] for r in split_dataset_by_node(stream, rank=rank, world_size=world_size)] for rank in range(world_size)
    ]
    seen = [i for share in shares for i in share]
    assert sorted(seen) == everything and len(set(seen)) == len(seen)
    assert all(shares)  # every node has work


def test_card_declares_every_shard(sharded):
    import yaml

    fm = yaml.safe_load((sharded / "README.md").read_text(encoding="utf-8").split("---\n", 2)[1])
    entry = next(c for c in fm["configs"] if c["config_name"] == "documents")
    for df in entry["data_files"]:
        assert df["path"] == f"documents/{df['split']}-*.parquet"
    info = next(i for i in fm["dataset_info"] if i["config_name"] == "documents")
    assert sum(s["num_examples"] for s in info["splits"]) == 60


def test_a_documents_only_build_tokenizes_nothing(corpus, tmp_path, monkeypatch):
    """The card's token count comes from a built token config; without one no section is tokenized."""

    def boom(*a, **k):
        raise AssertionError("tokenized a section during a documents-only build")

    monkeypatch.setattr(tokenize, "tokenize", boom)  # what section_tokens (the token views' tokens) tokenizes with
    summary = release.build(corpus, tmp_path / "hf", ["documents"], num_proc=1)
    assert summary.stats.tokens is None
    assert "- tokens: not counted" in (tmp_path / "hf" / "README.md").read_text(encoding="utf-8")


def test_cli_shard_size_and_processes(corpus, tmp_path):
    res = run_cli(
        "build",
        "--root",
        corpus,
        "--out",
        tmp_path / "hf",
        "--config",
        "sections",
        "--max-shard-size",
        "1KB",
        "--num-proc",
        "2",
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert len(list((tmp_path / "hf" / "sections").glob("train-*.parquet"))) >= 2
    res = run_cli("build", "--root", corpus, "--out", tmp_path / "hf2", "--max-shard-size", "lots")
    assert res.returncode == 2 and "expected a size" in res.stderr
