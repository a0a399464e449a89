"""The layout records: immutable, pickled and read back equal (the layout cache, the helper's pipe)."""
from __future__ import annotations

import pickle

import pytest

from iomviewer.chart.build import ChartOptions, build_graph
from iomviewer.chart.layout import ClusterRecord, EdgeRecord, Layout, NodeRecord, Pen, Shape, Text, layout_graph
from iomviewer.core.loading import load_dataset

pytestmark = pytest.mark.core

# A one-node Layout pickled by the frozen-dataclass records this module had
# before they became named tuples (what an old cache entry holds).
_OLD_DATACLASS_PICKLE = (
    b'\x80\x05\x95\x9c\x01\x00\x00\x00\x00\x00\x00\x8c\x16iomviewer.chart.layout\x94\x8c\x06Layout\x94\x93\x94)'
    b'\x81\x94}\x94(\x8c\x05width\x94G@$\x00\x00\x00\x00\x00\x00\x8c\x06height\x94G@\x14\x00\x00\x00\x00\x00\x00'
    b'\x8c\x05nodes\x94}\x94\x8c\x01a\x94h\x00\x8c\nNodeRecord\x94\x93\x94)\x81\x94]\x94(h\t(G\x00\x00\x00\x00'
    b'\x00\x00\x00\x00G\x00\x00\x00\x00\x00\x00\x00\x00G@$\x00\x00\x00\x00\x00\x00G@\x14\x00\x00\x00\x00\x00\x00t'
    b'\x94h\x00\x8c\x05Shape\x94\x93\x94)\x81\x94]\x94(\x8c\x07polygon\x94G\x00\x00\x00\x00\x00\x00\x00\x00G\x00'
    b'\x00\x00\x00\x00\x00\x00\x00\x86\x94G@$\x00\x00\x00\x00\x00\x00G@\x14\x00\x00\x00\x00\x00\x00\x86\x94\x86'
    b'\x94h\x00\x8c\x03Pen\x94\x93\x94)\x81\x94]\x94(\x8c\x07#000000\x94NG?\xf0\x00\x00\x00\x00\x00\x00\x8c\x05'
    b'solid\x94eb\x89eb\x85\x94h\x00\x8c\x04Text\x94\x93\x94)\x81\x94]\x94(G?\xf0\x00\x00\x00\x00\x00\x00G@\x00'
    b'\x00\x00\x00\x00\x00\x00\x8c\x01c\x94G@ \x00\x00\x00\x00\x00\x00\x8c\x01A\x94\x8c\x0bTimes-Roman\x94G@,'
    b'\x00\x00\x00\x00\x00\x00h\x1b\x89\x89eb\x85\x94h#)ebs\x8c\x05edges\x94)\x8c\x08clusters\x94)\x8c\n'
    b'background\x94)\x8c\x05texts\x94)ub.'
)


@pytest.fixture(scope="module")
def layout() -> Layout:
    return layout_graph(build_graph(load_dataset().edition(), ChartOptions()))


def _all_records(layout: Layout):
    yield from layout.nodes.values()
    yield from layout.edges
    yield from layout.clusters


def test_records_pickle_and_read_back_equal_with_their_types_and_shared_pens(layout):
    back = pickle.loads(pickle.dumps(layout, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is Layout and back == layout
    assert list(back.nodes) == list(layout.nodes)  # paint order
    for old, new in zip(_all_records(layout), _all_records(back), strict=True):
        assert type(new) is type(old) and new == old
        for s in new.shapes:
            assert type(s) is Shape and type(s.pen) is Pen and type(s.points) is tuple
        assert all(type(t) is Text for t in new.texts)
    # One Pen object per distinct pen, before and after (the interpreter shares them, pickle keeps that).
    def pens(lay):
        return {id(s.pen) for r in _all_records(lay) for s in r.shapes}
    assert len(pens(back)) == len(pens(layout)) < sum(len(r.shapes) for r in _all_records(layout))


def test_records_are_immutable_and_keep_their_defaults(layout):
    node = next(iter(layout.nodes.values()))
    with pytest.raises(AttributeError):
        node.id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        node.shapes[0].pen.color = "#ff0000"  # type: ignore[misc]
    edge = EdgeRecord("a", "b", (), False)
    assert (edge.texts, edge.cluster, edge.id, edge.tooltip) == ((), None, "", "")
    assert NodeRecord("a", (0.0, 0.0, 1.0, 1.0), (), (), "").classes == ()
    assert ClusterRecord("cluster_a", (0.0, 0.0, 1.0, 1.0), (), ()).nodes == ()
    empty = Layout(0.0, 0.0, {}, (), (), ())
    assert empty.texts == () and empty.aspect == 0.0
    assert Layout(20.0, 10.0, {}, (), (), ()).aspect == 2.0


def test_a_layout_pickled_by_the_old_dataclass_records_fails_to_load_rather_than_loading_wrong():
    # The layout cache's key covers layout.py's text, so an old entry is not
    # even looked up; if one were, reading it must fail (a cache miss), not
    # give records with their fields mixed up.
    with pytest.raises(TypeError):
        pickle.loads(_OLD_DATACLASS_PICKLE)


def test_interpreting_leaves_the_cycle_collector_as_it_found_it():
    import gc

    from iomviewer.chart.layout import LayoutError, parse_json

    doc = {"bb": "0,0,2,2", "objects": [{"_gvid": 0, "name": "a", "pos": "1,1"}], "edges": []}
    assert gc.isenabled()
    assert parse_json(doc).nodes["a"]
    assert gc.isenabled()
    with pytest.raises(LayoutError):
        parse_json(b"not json")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_json(doc)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_dump_and_load_records_round_trip_and_refuse_what_is_not_a_layout(layout):
    from iomviewer.chart.layout import LayoutError, dump_records, load_records

    data = dump_records(layout)
    assert load_records(data) == layout
    for bad in (pickle.dumps(("not", "a layout")), data[: len(data) // 2], b"", _OLD_DATACLASS_PICKLE):
        with pytest.raises(LayoutError):
            load_records(bad)
    import gc

    assert gc.isenabled()
