"""Identifier rules and a name allocator.

A node id is the name a user sees, the attribute of the compiled module and of the
exported class, and the key prefix in every `state_dict`. So it must be a Python
identifier that shadows nothing: not a keyword, not a builtin (``input``, ``sum``),
not an attribute that the module holding it already has, and not one of the globals
the exported file uses (``torch``, ``nn``, ``F``). The modules are `nn.Module` (the
exported class and every block's container: ``training``, ``forward``) and the
compiler's `torch.fx.GraphModule` (``code``, ``graph``, ``recompile``, ``_tracer_cls``);
their attributes are read from instances of the classes themselves, so a new torch
release that adds one is covered without a list to keep up to date.
The allocator follows torch.fx's ``_Namespace``: it turns any candidate into a
valid, unused name by sanitising it and appending a counter.
"""

from __future__ import annotations

import builtins
import keyword
import re

import torch.fx
import torch.nn as nn

__all__ = ["RESERVED", "Namespace", "check_identifier", "is_identifier"]

# Names the exported file binds at module level or in forward().
_EXPORT_GLOBALS = {"torch", "nn", "F", "self", "math"}



def _compiled_module() -> torch.fx.GraphModule:
    """A module built the way `engine.compiler.compile_network` builds one.

    The instance, not the class: GraphModule sets private attributes in `__init__`
    and `recompile` (`_code`, `_tracer_cls`, `meta`...), which a submodule of the same
    name would overwrite or be overwritten by.
    """
    graph = torch.fx.Graph()
    graph.output(graph.placeholder("x"))
    return torch.fx.GraphModule(nn.Module(), graph, class_name="Network")


# The exported class subclasses nn.Module and adds only __init__ and forward, which
# nn.Module has already: its attributes are nn.Module's.
_MODULE_ATTRIBUTES = frozenset(dir(nn.Module()))
_COMPILED_ATTRIBUTES = frozenset(dir(_compiled_module())) - _MODULE_ATTRIBUTES

RESERVED: frozenset[str] = frozenset(
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | set(dir(builtins))
    | _MODULE_ATTRIBUTES
    | _COMPILED_ATTRIBUTES
    | _EXPORT_GLOBALS
)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def is_identifier(name: object) -> bool:
    """True when `name` can be a node id."""
    return isinstance(name, str) and bool(_IDENT.match(name)) and not name.startswith("__") and name not in RESERVED


def check_identifier(name: object) -> str | None:
    """Why `name` cannot be a node id, or None when it can."""
    if not isinstance(name, str):
        return f"a name must be a string, got {type(name).__name__}"
    if not name:
        return "a name cannot be empty"
    if not _IDENT.match(name):
        return (
            f"'{name}' is not a valid Python identifier "
            "(letters, digits and _, not starting with a digit)"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"'{name}' is a Python keyword"
    if name.startswith("__"):
        # Python mangles `self.__x` inside the exported class, and torch adds attributes of
        # this form to nn.Module at run time (dynamo's `___needs_generation_tag_patch`).
        return f"'{name}' starts with two underscores, which Python and torch keep for themselves; pick another name"
    if name in _EXPORT_GLOBALS:
        return f"'{name}' is used by the exported code"
    if hasattr(builtins, name):
        return f"'{name}' would shadow the Python builtin {name}()"
    if name in _MODULE_ATTRIBUTES:
        return f"'{name}' is an attribute of every torch.nn.Module; pick another name"
    if name in _COMPILED_ATTRIBUTES:
        return f"'{name}' is an attribute of the compiled module (torch.fx.GraphModule); pick another name"
    return None


class Namespace:
    """Hands out unique identifiers: ``conv`` -> ``conv1``, ``conv2``, ...

    `numbered=False` tries the bare candidate first (``x``, then ``x2``).
    """

    def __init__(self, taken: set[str] | None = None) -> None:
        self._taken: set[str] = set(taken or ())

    def reserve(self, name: str) -> None:
        self._taken.add(name)

    def release(self, name: str) -> None:
        self._taken.discard(name)

    def __contains__(self, name: str) -> bool:
        return name in self._taken

    @property
    def taken(self) -> frozenset[str]:
        """Every name reserved or handed out so far."""
        return frozenset(self._taken)

    def create(self, candidate: str, numbered: bool = True) -> str:
        base = self._sanitise(candidate)
        if not numbered and base not in self._taken and is_identifier(base):
            self._taken.add(base)
            return base
        # Strip a trailing counter so "conv3" -> "conv4", not "conv31".
        stem = re.sub(r"\d+$", "", base) or base
        start = 2 if not numbered else 1
        i = start
        while True:
            name = f"{stem}{i}"
            if name not in self._taken and is_identifier(name):
                self._taken.add(name)
                return name
            i += 1

    @staticmethod
    def _sanitise(candidate: str) -> str:
        name = re.sub(r"[^0-9A-Za-z_]", "_", candidate)
        name = re.sub(r"^_{2,}", "_", name)  # two leading underscores are never allowed (check_identifier)
        if not name or name[0].isdigit():
            name = "_" + name
        if not is_identifier(name) and name != "_":  # "_" + "_" would be a dunder; create() numbers it
            name = name + "_"
        return name
