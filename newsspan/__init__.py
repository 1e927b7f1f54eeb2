"""newsspan: an annotated news corpus with standoff span layers (sections, entities, claims).

The public API:

- :func:`newsspan.validate.validate_root` checks a corpus root and returns a :class:`newsspan.report.Report`.
- :mod:`newsspan.schema` holds the label sets read from ``schema/*.json`` (the single source of truth).
- :mod:`newsspan.store` is the only module that knows the on-disk layout.
"""

__version__ = "0.1.0"
