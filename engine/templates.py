"""Templates: paper architectures shipped as documents in `templates/`, found by name."""

from __future__ import annotations

import os
from pathlib import Path

from engine.document import Document, DocumentError
from engine.resources import templates_dir

__all__ = ["DEFAULT_TEMPLATE", "list_templates", "load_template", "open_document", "template_path"]

DEFAULT_TEMPLATE = "lenet5"


def list_templates() -> list[str]:
    """Names of every shipped template, sorted."""
    return sorted(p.stem for p in templates_dir().glob("*.json"))


def template_path(name: str) -> Path:
    path = templates_dir() / f"{name}.json"
    if not path.is_file():
        known = ", ".join(list_templates())
        raise DocumentError("", f"there is no template called '{name}' (templates: {known})")
    return path


def load_template(name: str) -> Document:
    """A fresh copy of the template `name`, not tied to its file (Save asks where)."""
    doc = Document.load(template_path(name))
    doc.path = None
    return doc


def open_document(spec: str | os.PathLike[str]) -> Document:
    """A document from a file path, or else from a template name (the CLI's FILE|TEMPLATE)."""
    path = Path(spec)
    if path.suffix == ".json" or path.exists() or os.sep in str(spec):
        return Document.load(path)
    return load_template(str(spec))
