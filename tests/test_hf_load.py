"""`newsspan.load_dataset`: the same data as the built folder, from any directory, rebuilt only on change."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import newsspan
from newsspan.hf.rows import BuildError

from conftest import REPO, cli_env
from corpus_maker import multi_root, write_annotation
from hf_util import SEED, annotation, corpus_text, load


@pytest.fixture
def root(tmp_path):
    return multi_root(tmp_path / "root")


def builds(root):
    base = root / ".newsspan-cache" / "hf"
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")) if base.is_dir() else []


def test_same_data_as_the_built_folder(root, tmp_path):
    ds = newsspan.load_dataset("entities", root=root, cache_dir=str(tmp_path / "c"))
    (folder,) = builds(root)
    plain = load(folder, "entities", tmp_path / "c2")
    assert list(ds) == list(plain) == ["train", "test"]
    for split in ds:
        assert ds[split].features == plain[split].features
        assert list(ds[split]) == list(plain[split])
    assert type(ds).__name__ == "DatasetDict"


def test_reuses_the_build_until_the_corpus_changes(root, tmp_path):
    docs = newsspan.load_dataset(root=root, cache_dir=str(tmp_path / "c"))
    (first,) = builds(root)
    stamp = (first / "README.md").stat().st_mtime_ns
    newsspan.load_dataset(root=root, cache_dir=str(tmp_path / "c"))
    assert builds(root) == [first] and (first / "README.md").stat().st_mtime_ns == stamp

    ann = annotation(root, "tiny")
    ann["entities"][3]["label"] = "TIME"  # "Friday"
    write_annotation(root, ann)
    changed = newsspan.load_dataset(root=root, cache_dir=str(tmp_path / "c"))
    assert (
        len([b for b in builds(root) if b != first]) == 1
    )  # a new build; the older one stays while this process may read it
    label = changed["train"].features["entities"].feature["label"]

    def friday(d):
        row = next(r for r in d["train"] if r["id"] == "tiny")
        return label.int2str(next(e["label"] for e in row["entities"] if e["text"] == "Friday"))

    assert (friday(docs), friday(changed)) == ("DATE", "TIME")


def test_any_working_directory_and_the_installed_checkout(tmp_path):
    """root=None: the corpus of the checkout the package comes from, whatever the working directory."""
    code = (
        "import json, newsspan; ds = newsspan.load_dataset(split='train', cache_dir='c'); "
        "print(json.dumps([ds[0]['id'], ds[0]['text']]))"
    )
    env = cli_env(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    doc_id, text = json.loads(run.stdout.splitlines()[-1])
    assert (doc_id, text) == (SEED, corpus_text(REPO, SEED))


def test_a_corpus_with_errors_raises(fixture_root, tmp_path):
    bad, _ = fixture_root("span-text-mismatch")
    with pytest.raises(BuildError) as e:
        newsspan.load_dataset("entities", root=bad, cache_dir=str(tmp_path))
    assert e.value.report is not None and not e.value.report.ok
    assert "span-text-mismatch" in str(e.value)


def test_import_newsspan_stays_cheap():
    code = "import sys, newsspan; print('datasets' in sys.modules, 'pyarrow' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env())
    assert run.stdout.split() == ["False", "False"], run.stderr


# The build cache: one build per (code, corpus, options), evicted least recently used -------------

BUILD = (
    "import sys; from newsspan.hf.load import cached_build; print(cached_build(sys.argv[1], sys.argv[2] == 'drafts'))"
)


def build_elsewhere(root, drafts=False) -> Path:
    """cached_build in a process of its own that then exits (it holds the build only while it runs)."""
    run = subprocess.run(
        [sys.executable, "-c", BUILD, str(root), "drafts" if drafts else "-"],
        capture_output=True,
        text=True,
        env=cli_env(),
    )
    assert run.returncode == 0, run.stderr
    return Path(run.stdout.strip())


def edit(root, i):
    ann = annotation(root, "tiny")
    ann["notes"] = f"edit {i}"  # another corpus content, still valid
    write_annotation(root, ann)


def test_builds_with_and_without_drafts_do_not_evict_each_other(root):
    plain = build_elsewhere(root)
    stamp = (plain / "README.md").stat().st_mtime_ns
    drafts = build_elsewhere(root, drafts=True)
    assert drafts != plain and builds(root) == sorted([plain, drafts])
    assert build_elsewhere(root) == plain and (plain / "README.md").stat().st_mtime_ns == stamp  # reused, not rebuilt
    assert builds(root) == sorted([plain, drafts])


HOLDER = """
import sys, datasets
from newsspan.hf.load import cached_build
folder = cached_build(sys.argv[1])
print(folder, flush=True)
sys.stdin.readline()   # the other processes build other versions meanwhile
ds = datasets.load_dataset(str(folder), "entities", cache_dir=sys.argv[2])
print(sum(len(ds[s]) for s in ds), flush=True)
"""


KEEP = 4  # builds kept beyond those in use (newsspan.hf.load.KEEP)


def test_old_builds_are_evicted_least_recently_used_and_never_one_in_use(root, tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root), str(tmp_path / "c")],
        env=cli_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        held = Path(holder.stdout.readline().strip())
        assert (held / "README.md").is_file(), holder.stderr.read()
        versions = []
        for i in range(KEEP + 1):
            edit(root, i)
            versions.append(build_elsewhere(root))
        # the KEEP most recently used stay; the held one, least recently used, stays while it is read
        assert builds(root) == sorted([held] + versions[1:])
        out, err = holder.communicate("go\n", timeout=600)
        assert holder.returncode == 0, err
        assert int(out.split()[-1]) > 0  # it read its build after the others were made
    finally:
        if holder.poll() is None:
            holder.kill()
    edit(root, "last")
    versions.append(build_elsewhere(root))
    assert builds(root) == sorted(versions[-KEEP:])  # no longer in use: evicted
    from newsspan.hf import load as cache

    assert cache.KEEP == KEEP
