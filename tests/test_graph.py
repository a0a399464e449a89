import pytest

from fixtures import mini_doc, write_doc
from iomviewer.core.graph import OrgGraph
from iomviewer.core.loading import load_dataset

pytestmark = pytest.mark.core


@pytest.fixture
def graph(tmp_path):
    return OrgGraph(load_dataset(write_doc(tmp_path, mini_doc())).edition("ed-2021"))


def test_children_in_source_order(graph):
    assert graph.children("siege") == ["dept-a", "dept-b"]
    assert graph.children("dept-a") == ["div-a1", "div-a2"]
    assert graph.children("unit-a21") == []


def test_parent_ancestors_path_depth(graph):
    assert graph.parent("oim") is None
    assert graph.parent("unit-a21") == "div-a2"
    assert graph.ancestors("unit-a21") == ["oim", "siege", "dept-a", "div-a2"]
    assert graph.path_from_root("unit-a21") == ["oim", "siege", "dept-a", "div-a2", "unit-a21"]
    assert graph.depth("oim") == 0 and graph.depth("unit-a21") == 4


def test_descendants_and_subtree_to_depth(graph):
    assert graph.descendants("dept-a") == ["div-a1", "div-a2", "unit-a21"]
    assert graph.subtree("dept-a", depth=1) == ["dept-a", "div-a1", "div-a2"]
    assert graph.subtree("dept-a", depth=0) == ["dept-a"]
    assert graph.subtree() == ["oim", "siege", "dept-a", "div-a1", "div-a2", "unit-a21", "dept-b"]
    assert graph.subtree(depth=2) == ["oim", "siege", "dept-a", "dept-b"]
    with pytest.raises(KeyError):
        graph.subtree("ghost")


def test_leaves_and_links(graph):
    assert graph.leaves("dept-a") == ["div-a1", "unit-a21"]
    assert list(graph.secondary_links()) == [("dept-b", "dept-a", "supports")]
    assert graph.incoming_links("dept-a") == [("dept-b", "dept-a", "supports")]


def test_graph_agrees_with_edition_children(tmp_path):
    edition = load_dataset(write_doc(tmp_path, mini_doc())).edition()
    graph = OrgGraph(edition)
    for unit in edition:
        assert graph.children(unit.id) == list(edition.children(unit.id))
        assert graph.path_from_root(unit.id) == edition.path_from_root(unit.id)
