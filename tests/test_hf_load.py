"""`newsspan.load_dataset`: the same data as the built folder, from any directory, rebuilt only on change."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import newsspan
from newsspan.hf import BuildError

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
    assert len([b for b in builds(root) if b != first]) == 1  # a new build; the older one stays
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


# The build cache: one folder per key (code, corpus, options), put in place whole ------------------

BUILD = (
    "import sys; from newsspan.hf.load import cached_build; print(cached_build(sys.argv[1], sys.argv[2] == 'drafts'))"
)


def build_elsewhere(root, drafts=False) -> subprocess.Popen:
    """cached_build in a process of its own; it prints the folder."""
    args = [sys.executable, "-c", BUILD, str(root), "drafts" if drafts else "-"]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())


def folder_of(proc: subprocess.Popen) -> Path:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return Path(out.strip())


def test_builds_with_and_without_drafts_are_two_folders(root):
    plain = folder_of(build_elsewhere(root))
    stamp = (plain / "README.md").stat().st_mtime_ns
    drafts = folder_of(build_elsewhere(root, drafts=True))
    assert drafts != plain and builds(root) == sorted([plain, drafts])
    assert folder_of(build_elsewhere(root)) == plain and (plain / "README.md").stat().st_mtime_ns == stamp
    assert builds(root) == sorted([plain, drafts])


def test_concurrent_builds_of_one_key_give_one_whole_folder(root):
    procs = [build_elsewhere(root) for _ in range(3)]
    (folder,) = {folder_of(p) for p in procs}
    assert builds(root) == [folder] and (folder / "README.md").is_file()
    base = root / ".newsspan-cache" / "hf"
    assert not [p for p in base.iterdir() if p.name.startswith(".newsspan-")]  # no staging folder left


def test_a_root_it_cannot_write_is_cached_in_the_users_cache(root, tmp_path, monkeypatch):
    from newsspan.hf.load import cached_build

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    (root / ".newsspan-cache").write_text("not a folder")  # the root's cache cannot be made
    folder = cached_build(root)
    assert folder.is_relative_to(tmp_path / "home-cache" / "newsspan") and (folder / "README.md").is_file()


def test_a_build_another_process_put_in_place_first_is_kept(root, monkeypatch):
    """Where no lock keeps two builds of one key apart (the installed package's corpus), the second
    rename fails on the folder in place, and that whole folder is used: it is never replaced."""
    import shutil

    import datasets

    from newsspan import store
    from newsspan.hf import load as cache
    from newsspan.hf.fingerprint import content_hash

    theirs = root / ".newsspan-cache" / "hf" / content_hash(store.Root(root), False, datasets.__version__)[:24]
    write = cache.write

    def write_and_lose_the_race(*args, **kwargs):
        summary = write(*args, **kwargs)
        shutil.copytree(args[1], theirs)  # the other process renames its build into place first
        (theirs / "theirs").write_text("")
        return summary

    monkeypatch.setattr(cache, "write", write_and_lose_the_race)
    assert cache.cached_build(root) == theirs and (theirs / "theirs").is_file() and builds(root) == [theirs]
    assert not [p for p in theirs.parent.iterdir() if p.name.startswith(".newsspan-")]  # our staging is gone
