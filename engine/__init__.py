"""Netsmith's engine: graph documents, the layer catalog, analysis, compiler,
exporters, datasets, training and introspection. No Qt, ever."""

__version__ = "0.1.0"
