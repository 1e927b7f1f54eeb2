"""Rows to an Arrow table of given ``datasets.Features``, in C++ rather than per value in Python.

``Features.encode_batch`` walks every value of every row in Python (for the ``documents``
config, about 700 values per article) and was most of the builder's own time. Here pyarrow
converts the rows in one call, with every ``ClassLabel`` still a string, and the labels are then
mapped to their ids column by column (``pyarrow.compute.index_in``). The result is the table
``encode_batch`` + ``pa.Table.from_pydict`` would give (a test compares them); an unknown label
raises ``ValueError``, as ``ClassLabel`` does.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from datasets import ClassLabel, Features


def _item(feature):
    """The item feature of a list feature (a plain ``[x]`` on datasets 3.x, ``List`` on 4+), else None."""
    if isinstance(feature, list):
        return feature[0]
    name = type(feature).__name__
    if name in ("List", "LargeList") or (name == "Sequence" and not isinstance(feature.feature, dict)):
        return feature.feature  # (a 3.x Sequence of a dict is a dict of lists: no feature here uses one)
    return None


def _string_type(feature, arrow_type: pa.DataType) -> pa.DataType:
    """arrow_type with every ClassLabel position typed as string."""
    if isinstance(feature, ClassLabel):
        return pa.string()
    if isinstance(feature, dict):
        assert isinstance(arrow_type, pa.StructType)  # the type of a dict feature
        return pa.struct([pa.field(f.name, _string_type(feature[f.name], f.type)) for f in arrow_type])
    item = _item(feature)
    if item is not None:
        assert isinstance(arrow_type, (pa.ListType, pa.LargeListType))  # the type of a list feature
        inner = _string_type(item, arrow_type.value_type)
        return pa.large_list(inner) if pa.types.is_large_list(arrow_type) else pa.list_(inner)
    return arrow_type


def _has_label(feature) -> bool:
    if isinstance(feature, ClassLabel):
        return True
    if isinstance(feature, dict):
        return any(_has_label(f) for f in feature.values())
    item = _item(feature)
    return item is not None and _has_label(item)


def _encode(arr: pa.Array, feature, arrow_type: pa.DataType) -> pa.Array:
    if not _has_label(feature):
        return arr
    mask = arr.is_null() if arr.null_count else None
    if isinstance(feature, ClassLabel):
        ids = pc.index_in(arr, value_set=pa.array(feature.names, pa.string()))
        if ids.null_count != arr.null_count:
            bad = pc.filter(arr, pc.and_(pc.is_null(ids), pc.is_valid(arr)))[0].as_py()
            raise ValueError(f"Invalid string class label {bad}")
        return ids.cast(arrow_type)
    if isinstance(feature, dict):
        assert isinstance(arr, pa.StructArray) and isinstance(arrow_type, pa.StructType)  # a dict feature's
        children = [_encode(arr.field(f.name), feature[f.name], f.type) for f in arrow_type]
        return pa.StructArray.from_arrays(children, fields=list(arrow_type), mask=mask)
    item = _item(feature)
    assert isinstance(arr, (pa.ListArray, pa.LargeListArray))  # a list feature's
    assert isinstance(arrow_type, (pa.ListType, pa.LargeListType))
    values = _encode(arr.values, item, arrow_type.value_type)
    if isinstance(arr, pa.LargeListArray):
        return pa.LargeListArray.from_arrays(arr.offsets, values, type=arrow_type, mask=mask)
    return pa.ListArray.from_arrays(arr.offsets, values, type=arrow_type, mask=mask)


def to_table(rows: list[dict], features: Features) -> pa.Table:
    """The Arrow table of rows (dicts with every column; ClassLabel values as label names)."""
    schema = features.arrow_schema
    strings = pa.schema([pa.field(f.name, _string_type(features[f.name], f.type)) for f in schema])
    table = pa.Table.from_pylist(rows, schema=strings)
    columns = []
    for f in schema:
        col = table.column(f.name).combine_chunks()
        columns.append(_encode(col, features[f.name], f.type))
    return pa.Table.from_arrays(columns, schema=schema)
