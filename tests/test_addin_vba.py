"""`addin.vba`, checked against what others wrote and read before it is trusted with the
add-in: the compressor against the streams of xlwings' ribbon template (Excel's and
xlwings' own) and olevba's decompressor, the compound-file writer against olefile."""

import os
import zipfile

import olefile
import pytest
from oletools.olevba import decompress_stream

from addin import build_xlam
from addin.vba import cfb, ovba, project

TEMPLATE_VBA = zipfile.ZipFile(build_xlam.TEMPLATE).read("xl/vbaProject.bin")
# stream: (where its compressed source starts, who wrote it)
TEMPLATE_STREAMS = {
    "VBA/dir": (0, "xlwings"),
    "VBA/xlwings": (0, "xlwings"),
    "VBA/RibbonMyAddin": (0x3D2, "Excel"),
    "VBA/ThisWorkbook": (0x325, "Excel"),
    "VBA/Sheet2": (0x325, "Excel"),
    "VBA/Dictionary": (0x4673, "Excel"),
}


def template_stream(name: str) -> bytes:
    start, _ = TEMPLATE_STREAMS[name]
    return olefile.OleFileIO(TEMPLATE_VBA).openstream(name).read()[start:]


@pytest.mark.parametrize("name", TEMPLATE_STREAMS)
def test_the_templates_streams_round_trip(name):
    compressed = template_stream(name)
    source = ovba.decompress(compressed)
    assert source == decompress_stream(bytearray(compressed))  # olevba agrees
    assert ovba.decompress(ovba.compress(source)) == source
    if TEMPLATE_STREAMS[name][1] == "xlwings":  # the specification's algorithm: the same bytes
        assert ovba.compress(source) == compressed
    else:  # Excel searches less: never shorter than ours
        assert len(ovba.compress(source)) <= len(compressed)


@pytest.mark.parametrize("data", [b"", b"a", b"abcabcabcabc" * 1000, os.urandom(8192), bytes(range(256)) * 40])
def test_any_data_round_trips_through_compression(data):
    assert ovba.decompress(ovba.compress(data)) == data
    assert decompress_stream(bytearray(ovba.compress(data))) == data


def test_the_compound_file_writer_keeps_every_stream():
    root = cfb.read(TEMPLATE_VBA)
    written = cfb.write(root)
    assert cfb.write(cfb.read(written)) == written
    source, copy = olefile.OleFileIO(TEMPLATE_VBA), olefile.OleFileIO(written)
    assert sorted(copy.listdir()) == sorted(source.listdir())
    assert all(copy.openstream(path).read() == source.openstream(path).read() for path in source.listdir())


def test_streams_of_any_size_and_number_are_added():
    root = cfb.read(TEMPLATE_VBA)
    added = {f"S{i}": bytes([i]) * (i * 700) for i in range(1, 30)}  # below and above the mini-stream cutoff
    for name, data in added.items():
        root = cfb.with_stream(root, ("VBA", name), data)
    copy = olefile.OleFileIO(cfb.write(root))
    assert {name: copy.openstream(f"VBA/{name}").read() for name in added} == added


@pytest.mark.parametrize("count", range(1, 40))
def test_siblings_form_a_red_black_tree(count):
    top, tree = cfb.sibling_tree(list(range(count)))
    heights = set()

    def walk(node, blacks, parent_red):
        if node == cfb.NO_STREAM:
            heights.add(blacks)
            return
        left, right, colour = tree[node]
        assert not (parent_red and colour == cfb.RED)
        for kid in (left, right):
            walk(kid, blacks + (colour == cfb.BLACK), colour == cfb.RED)

    assert tree[top][2] == cfb.BLACK
    walk(top, 0, False)
    assert len(heights) == 1 and sorted(tree) == list(range(count))


def test_the_dir_records_read_back_as_written():
    directory = ovba.decompress(template_stream("VBA/dir"))
    assert project.dir_bytes(project.dir_records(directory)) == directory


@pytest.mark.parametrize("name, source, message", [
    ("RibbonMyAddin", 'Attribute VB_Name = "RibbonMyAddin"\n', "already has a module"),
    ("Other", "Sub X()\nEnd Sub\n", "must start with"),
])
def test_a_module_that_cannot_be_added_is_refused(name, source, message):
    with pytest.raises(ValueError, match=message):
        project.add_module(TEMPLATE_VBA, name, source)
