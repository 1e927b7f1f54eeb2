"""The commands that write: each builds a :class:`Plan` (the files to write and every problem found) from the
root as it stands, and :func:`run` writes it under the root's lock."""

from ..tokenize import ALIGNMENT_MODES as ALIGNMENT_MODES
from . import gum as gum
from .add import plan_add as plan_add
from .documents import plan_remove as plan_remove
from .documents import plan_rename as plan_rename
from .export import export as export
from .gum import plan_gum as plan_gum
from .importer import NESTED_POLICIES as NESTED_POLICIES
from .importer import plan_import as plan_import
from .plan import Plan as Plan
from .plan import run as run
from .repair import plan_canonicalize as plan_canonicalize
from .repair import plan_fix as plan_fix
from .repair import plan_reanchor as plan_reanchor
