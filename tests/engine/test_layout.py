import pytest

from bench.graphs import branching_graph
from engine.layout import layered_layout
from engine.templates import load_template

SIZE = (180.0, 60.0)


def overlaps(a, b, size=SIZE):
    (ax, ay), (bx, by) = a, b
    return abs(ax - bx) < size[0] and abs(ay - by) < size[1]


def test_a_chain_is_one_straight_column_in_order():
    graph = load_template("lenet5").network()
    pos = layered_layout(graph, "down", size=lambda _n: SIZE, layer_gap=50)
    order = list(graph.nodes)
    assert {x for x, _ in pos.values()} == {0.0}
    assert [pos[n][1] for n in order] == [i * 110.0 for i in range(len(order))]


@pytest.mark.parametrize("direction", ["down", "right"])
def test_branching_graph_flows_one_way_without_overlaps(direction):
    graph = branching_graph(120)
    pos = layered_layout(graph, direction, size=lambda _n: SIZE)
    assert set(pos) == set(graph.nodes)
    axis = 1 if direction == "down" else 0
    for edge in graph.edges:
        assert pos[edge.src.node][axis] < pos[edge.dst.node][axis], str(edge)
    ids = list(pos)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            assert not overlaps(pos[a], pos[b]), (a, b)
    assert min(x for x, _ in pos.values()) == 0 and min(y for _, y in pos.values()) == 0


def test_residual_shortcut_sits_beside_the_branch_it_skips():
    graph = branching_graph(40)
    pos = layered_layout(graph, "down", size=lambda _n: SIZE)
    add = next(n for n in graph.nodes if graph.nodes[n].op == "Add")
    (a, _), (b, _) = [(e.src.node, e.dst.port) for e in graph.edges if e.dst.node == add]
    # The 1x1 projection moved down to the row of the branch's last layer, not the top.
    assert pos[a][1] == pos[b][1]
    assert pos[a][0] != pos[b][0]


def test_layout_is_deterministic_and_refuses_unknown_directions():
    graph = branching_graph(60)
    assert layered_layout(graph) == layered_layout(graph.copy())
    with pytest.raises(ValueError, match="direction must be one of down, right"):
        layered_layout(graph, "up")
