"""Help > Layer reference: every op of the catalog with its ports and parameters."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QTextBrowser, QVBoxLayout, QWidget

from engine.ops import categories
from engine.params import Param

__all__ = ["LayerDocs", "layer_docs_html"]


def _param_row(p: Param) -> str:
    default = "none" if p.default is None else html.escape(str(list(p.default) if isinstance(p.default, tuple)
                                                               else p.default))
    return (f"<tr><td><code>{p.name}</code></td><td>{html.escape(p.describe())}</td>"
            f"<td>{default}</td><td>{html.escape(p.doc)}</td></tr>")


def layer_docs_html() -> str:
    e = html.escape
    parts = ["<h1>Layer reference</h1><p>Parameters that follow from the input (in_channels, "
             "in_features) are inferred and never typed.</p>"]
    for category, specs in categories().items():
        parts.append(f"<h2>{e(category)}</h2>")
        for spec in specs:
            parts.append(f"<h3 id='{spec.name}'><a name='{spec.name}'></a>{e(spec.name)}</h3><p>{e(spec.doc)}</p>")
            if spec.paper:
                parts.append(f"<p><i>{e(spec.paper)}</i></p>")
            if callable(spec.inputs):
                inputs = "depend on its parameters"
            else:
                inputs = ", ".join(f"{p.name} ({p.dims})" if p.dims else p.name for p in spec.inputs) or "none"
            parts.append(f"<p><b>Inputs:</b> {e(inputs)}</p>")
            if spec.params:
                rows = "".join(_param_row(p) for p in spec.params)
                parts.append("<table cellpadding='3'><tr><th align='left'>parameter</th><th align='left'>takes"
                             f"</th><th align='left'>default</th><th align='left'></th></tr>{rows}</table>")
    return "".join(parts)


class LayerDocs(QDialog):
    def __init__(self, parent: QWidget | None = None, op: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Layer reference")
        self.resize(760, 680)
        self.browser = QTextBrowser()
        self.browser.setHtml(layer_docs_html())
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        if op:
            self.browser.scrollToAnchor(op)
