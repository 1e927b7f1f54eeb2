"""``Root.read_plain`` reads an ordinary file in one go and declines everything else (links,
folders, missing or oversized files), which ``read_bytes`` then explains as before."""

from __future__ import annotations

import os

import pytest

from newsspan import store


# --- Root.read_plain --------------------------------------------------------------------------
def test_read_plain_reads_ordinary_files_and_declines_the_rest(tmp_path):
    root = store.Root(tmp_path / "root")
    root.corpus.mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"secret")
    plain = root.corpus / "a.txt"
    plain.write_bytes("grüße\n".encode())
    (root.corpus / "inner-link.txt").symlink_to(plain)
    (root.corpus / "outer-link.txt").symlink_to(outside)
    (root.corpus / "folder.txt").mkdir()
    (root.corpus / "empty.txt").write_bytes(b"")

    assert root.read_plain(plain) == root.read_bytes(plain) == "grüße\n".encode()
    assert root.read_plain(str(plain)) == plain.read_bytes()
    assert root.read_plain(root.corpus / "empty.txt") == b""
    assert root.read_plain(plain, limit=3) is None
    with pytest.raises(store.FileTooLarge):
        root.read_bytes(plain, limit=3)
    for name in ("inner-link.txt", "outer-link.txt", "folder.txt", "missing.txt"):
        assert root.read_plain(root.corpus / name) is None, name
    # what read_plain declines, read_bytes still decides: a link inside is read, one outside refused
    assert root.read_bytes(root.corpus / "inner-link.txt") == plain.read_bytes()
    with pytest.raises(store.OutsideRoot):
        root.read_bytes(root.corpus / "outer-link.txt")


def test_read_plain_declines_files_in_a_linked_folder_outside(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.txt").write_bytes(b"outside")
    root = store.Root(tmp_path / "root")
    root.path.mkdir()
    os.symlink(elsewhere, root.corpus)
    assert root.read_plain(root.corpus / "a.txt") is None
    with pytest.raises(store.OutsideRoot):
        root.read_bytes(root.corpus / "a.txt")
