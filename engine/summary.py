"""The per-node summary that `netsmith check` prints and the editor's summary panel shows."""

from __future__ import annotations

from typing import Any

from engine.analysis import Analysis, Analyzer
from engine.document import Document
from engine.graph import Graph

__all__ = ["format_table", "summarize", "summarize_network", "summary_of"]


def summarize_network(doc: Document, name: str, analyzer: Analyzer | None = None) -> tuple[dict[str, Any], Analysis]:
    """The JSON-ready summary of one network (top-level nodes; block instances summed)."""
    graph = doc.network(name)
    analysis = (analyzer or Analyzer()).analyze(graph, doc.problems(name))
    return summary_of(graph, analysis), analysis


def summary_of(graph: Graph, analysis: Analysis) -> dict[str, Any]:
    """The summary of `graph` from an analysis already made (the editor keeps one)."""
    nodes = []
    for node in graph.nodes.values():
        result = analysis.nodes.get(node.id)
        nodes.append({
            "id": node.id,
            "op": node.op,
            "output_shapes": [list(info.shape) for info in result.outputs] if result and result.ok else [],
            "params": result.params if result else 0,
            "flops": result.flops if result else 0,
            "error": None if result is None or result.ok else result.error,
        })
    return {
        "total_params": analysis.total_params,
        "total_flops": analysis.total_flops,
        "errors": [p.message for p in analysis.errors],
        "warnings": [p.message for p in analysis.problems if p.severity == "warning"],
        "nodes": nodes,
    }


def summarize(doc: Document) -> dict[str, Any]:
    """`{"networks": {name: summary}}` for every network of the document."""
    return {"networks": {name: summarize_network(doc, name)[0] for name in doc.networks}}


def _count(n: int) -> str:
    return f"{n:,}"


def format_table(summary: dict[str, Any], title: str = "") -> str:
    """A plain-text table: node, op, output shape, params, FLOPs; then totals and problems."""
    lines: list[str] = []
    for name, net in summary["networks"].items():
        header = f"{title} / {name}" if title else name
        rows = [("node", "op", "output shape", "params", "FLOPs")]
        for n in net["nodes"]:
            shape = ", ".join("(" + ", ".join(map(str, s)) + ")" for s in n["output_shapes"])
            shown = shape if n["error"] is None else "—"
            rows.append((n["id"], n["op"], shown, _count(n["params"]), _count(n["flops"])))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        lines.append(header)
        lines.append("=" * len(header))
        for i, row in enumerate(rows):
            cells = [row[c].ljust(widths[c]) if c < 3 else row[c].rjust(widths[c]) for c in range(5)]
            lines.append("  ".join(cells).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        totals = f"total params: {_count(net['total_params'])}    total FLOPs: {_count(net['total_flops'])}"
        lines.append(totals + " per sample")
        for message in net["errors"]:
            lines.append(f"error: {message}")
        for message in net["warnings"]:
            lines.append(f"warning: {message}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
