"""The commands that write: each builds a :class:`Plan` (the files to write and every problem found)
from the root as it stands, and :func:`run` writes it under the root's lock when it may.

    plan = run(root, lambda: plan_add(root, ["article.txt"]))
    for problem in plan.errors + plan.warnings + plan.notes: print(problem)
"""

from . import gum
from .add import plan_add
from .documents import plan_remove, plan_rename
from .export import export
from .gum import plan_gum
from .importer import ALIGNMENT_MODES, NESTED_POLICIES, plan_import
from .plan import Plan, run
from .repair import plan_canonicalize, plan_fix, plan_reanchor

__all__ = [
    "ALIGNMENT_MODES",
    "NESTED_POLICIES",
    "Plan",
    "export",
    "gum",
    "plan_gum",
    "plan_add",
    "plan_canonicalize",
    "plan_fix",
    "plan_import",
    "plan_reanchor",
    "plan_remove",
    "plan_rename",
    "run",
]
