"""newsspan as a classic loading script, for ``datasets`` 3.x (``datasets>=4`` refuses scripts).

    from datasets import load_dataset
    ds = load_dataset("loaders/newsspan.py", "entities", trust_remote_code=True)
    ds = load_dataset("loaders/newsspan.py", "entities", data_dir="/path/to/corpus/root", trust_remote_code=True)

``datasets`` copies this file into its module cache before running it, so the corpus is found
through the installed ``newsspan`` package (the corpus it ships, or its checkout) or ``data_dir``,
never through this file's location or the working directory. The builder itself lives in
``newsspan/hf/builder.py``; on ``datasets>=4`` use ``newsspan build`` and load the folder it writes.
"""

from newsspan.hf.builder import Newsspan as _NewsspanBuilder
from newsspan.hf.builder import NewsspanConfig  # noqa: F401  (the config class, for introspection)


class Newsspan(_NewsspanBuilder):
    """The newsspan builder (configs: documents, entities, claims, sections)."""
