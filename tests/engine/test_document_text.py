"""Every string read from a document can be printed and saved; exported Python quotes it safely."""

from __future__ import annotations

import json

import pytest

from engine.document import Document, DocumentError
from engine.export import export_target
from engine.export.python_code import python_source
from engine.export.train_script import train_script
from engine.templates import load_template


def _perceptron() -> dict:
    return load_template("perceptron").to_dict()


def _load(data: dict) -> Document:
    # Through JSON text, as a file arrives: "\ud800" is valid JSON (an escape), not valid UTF-8.
    return Document.loads(json.dumps(data))


@pytest.mark.parametrize(("place", "text", "message"), [
    ("title", "\ud800", "meta.title: contains a lone surrogate U+D800 at character 1"),
    ("title", "ab\udfffc", "meta.title: contains a lone surrogate U+DFFF at character 3"),
    ("note", "a\x00b", "meta.note: contains the control character U+0000 at character 2 "
                       "(only newlines and tabs are allowed)"),
    ("paper", "x\x1b[31m", "meta.paper: contains the control character U+001B at character 2 "
                           "(only newlines and tabs are allowed)"),
    ("link", "\x85", "meta.link: contains the control character U+0085 at character 1 "
                     "(only newlines and tabs are allowed)"),
])
def test_bad_characters_in_meta_are_refused_with_their_place(place, text, message):
    data = _perceptron()
    data["meta"][place] = text
    with pytest.raises(DocumentError) as err:
        _load(data)
    assert str(err.value) == message


def test_every_part_of_the_document_is_checked():
    data = _perceptron()
    data["networks"]["model"]["nodes"][1]["ui"] = {"label": ["ok", "bad\ud83d"]}
    with pytest.raises(DocumentError, match=r"^networks.model.nodes\[1\].ui.label\[1\]: contains a lone surrogate "
                                            r"U\+D83D at character 4$"):
        _load(data)
    data = _perceptron()
    data["ui"] = {"k\x07": 1}
    with pytest.raises(DocumentError, match=r'^ui: the key "k\\u0007": contains the control character U\+0007'):
        _load(data)
    data = _perceptron()
    data["meta"]["nested"] = {"deep": [[{"x": "\ud800"}]]}
    with pytest.raises(DocumentError, match=r"^meta.nested.deep\[0\]\[0\].x: contains a lone surrogate"):
        _load(data)


def test_a_pasted_block_is_checked_too():
    doc = load_template("googlenet")
    name = next(iter(doc.blocks))
    data = json.loads(json.dumps(doc.to_dict()["blocks"][name]))
    data["doc"] = "\ud800"
    with pytest.raises(DocumentError, match=r"^blocks.Paste.doc: contains a lone surrogate U\+D800 at character 1$"):
        doc.block_from_dict("Paste", data)


def test_text_that_is_fine_stays_as_written():
    data = _perceptron()
    text = "Résumé\tnet \u200f\u05d0 e\u0301 \U0001f600\nsecond line"
    data["meta"]["title"] = text
    doc = _load(data)
    assert doc.title == text
    assert Document.loads(doc.to_json()).title == text


# Titles a careless or hostile author might write; the exporter gets them directly (as the
# editor could set them), so the ones a file may not contain are covered as well.
HOSTILE = ['a """ b', 'ends with a quote"', 'two quotes ""', '""""', "back\\slash", "trailing\\", "nul\x00here",
           "lone \ud800 surrogate", "rtl \u200f mark", "'''", "bell\x07", '\\"""', "a" * 200 + '"']


@pytest.mark.parametrize("title", HOSTILE)
def test_exported_python_compiles_and_keeps_the_text(title):
    doc = load_template("perceptron")
    doc.meta["title"] = title
    doc.meta["note"] = title
    source = python_source(export_target(doc))
    source.encode("utf-8")  # a lone surrogate would fail here, when the file is written
    namespace: dict = {"__name__": "exported"}
    exec(compile(source, "<export>", "exec"), namespace)
    shown = title.replace("\ud800", "\ufffd")  # no UTF-8 file can hold a lone surrogate
    assert namespace["__doc__"].startswith(f"{shown}, exported from Netsmith.")
    network = next(v for k, v in namespace.items() if isinstance(v, type) and k != "Step")
    squashed = "".join(network.__doc__.split())  # the docstring is wrapped at 88 columns
    assert squashed.startswith("".join(f"{shown}.".split())) and squashed.endswith("".join(shown.split()))


@pytest.mark.parametrize("title", HOSTILE)
def test_exported_training_script_compiles(title):
    doc = load_template("lenet5")
    doc.meta["title"] = title
    source = train_script(export_target(doc))
    source.encode("utf-8")
    code = compile(source, "<train>", "exec")
    shown = title.replace("\ud800", "\ufffd")
    assert code.co_consts[0].startswith(f"Train {shown} (classification on digits)")


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [63, 600])
def test_what_loads_can_be_saved_and_deep_nesting_is_refused_at_load(depth):
    # json reads far deeper than json.dumps writes back (about 500 levels): without a
    # limit, a deep `ui` section opened fine and then failed on every save.
    data = _perceptron()
    data["ui"] = {"deep": _nested(depth)}  # 2 levels above it: the document and ui
    if depth + 2 <= 64:
        doc = _load(data)
        assert Document.loads(doc.to_json()).ui == data["ui"]
    else:
        with pytest.raises(DocumentError) as err:
            _load(data)
        assert str(err.value).startswith("ui.deep")
        assert str(err.value).endswith("is nested more than 64 levels deep")
