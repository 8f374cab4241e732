"""The layer palette's search: names first, then descriptions."""

from __future__ import annotations

from app.editor.palette import Palette, rank_matches


def test_searching_linear_lists_linear_before_layers_that_only_mention_it(qtbot):
    palette = Palette()
    qtbot.addWidget(palette)
    qtbot.keyClicks(palette.search, "Linear")
    shown = palette.ops()
    assert shown[0] == "Linear"
    groups = [palette.tree.topLevelItem(i).text(0) for i in range(palette.tree.topLevelItemCount())]
    assert groups == ["Matching names", "Mentioned in descriptions"]
    by_name = [palette.tree.topLevelItem(0).child(j).text(0) for j in range(palette.tree.topLevelItem(0).childCount())]
    assert "ELU" not in by_name and "GELU" not in by_name
    assert {"ELU", "GELU", "Hardswish"} <= set(shown)  # still found, after the names
    assert shown.index("Linear") < shown.index("ELU")

    palette.search.clear()  # back to the catalog by category
    assert palette.tree.topLevelItem(0).text(0) not in ("Matching names", "Mentioned in descriptions")
    assert len(palette.ops()) > len(shown)


def test_names_rank_exact_then_prefix_then_containing():
    groups = {"Convolution": [("ConvTranspose2d", "up"), ("Conv2d", "conv"), ("DepthConv", "")],
              "Dense": [("Linear", "uses a conv trick")]}
    by_name, by_doc = rank_matches("conv2d", groups)
    assert [n for n, _ in by_name] == ["Conv2d"]
    by_name, by_doc = rank_matches("conv", groups)
    # a category match counts as a name match, after the names themselves
    assert [n for n, _ in by_name] == ["ConvTranspose2d", "Conv2d", "DepthConv"]
    assert [n for n, _ in by_doc] == ["Linear"]
