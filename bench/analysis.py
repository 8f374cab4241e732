"""Shape analysis of a 300-node branching graph: full pass, and re-analysis after one edit.

Baseline in the same process: torch.fx's ShapeProp, which infers the same shapes by
running the compiled model on a real batch of one on the CPU.
Goals on the 2-core reference machine: full <= 150 ms, incremental <= 20 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import torch
from torch.fx.passes.shape_prop import ShapeProp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.graphs import branching_graph  # noqa: E402
from engine.analysis import Analyzer  # noqa: E402
from engine.compiler import compile_network  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main() -> None:
    torch.set_num_threads(2)
    graph = branching_graph(300)
    assert Analyzer().analyze(graph).ok
    full = median_ms(lambda: Analyzer().analyze(graph), 7)

    analyzer = Analyzer()
    analyzer.analyze(graph)
    fc = next(n for n in reversed(graph.nodes) if graph.nodes[n].op == "Linear")
    sizes = iter(range(11, 1000))

    def edit_and_analyze():
        graph.set_params(fc, {"out_features": next(sizes)})
        analyzer.analyze(graph)

    incremental = median_ms(edit_and_analyze, 15)

    module = compile_network(graph).eval()
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        shape_prop = median_ms(lambda: ShapeProp(module).propagate(x), 5)

    print(f"graph: {len(graph)} nodes, {len(graph.edges)} edges")
    print(f"full analysis          {full:8.1f} ms   (goal <= 150)")
    print(f"incremental (1 edit)   {incremental:8.1f} ms   (goal <= 20)")
    print(f"fx ShapeProp, real CPU {shape_prop:8.1f} ms")
    print(f"ratio full / ShapeProp        {full / shape_prop:6.2f}")
    print(f"ratio incremental / full      {incremental / full:6.3f}")


if __name__ == "__main__":
    main()
