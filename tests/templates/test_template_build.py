"""The committed templates and their catalog are what the generators produce."""

from __future__ import annotations

import pytest

from engine.resources import templates_dir
from engine.template_catalog import catalog_markdown
from engine.templates import list_templates
from templates._build import builders, render

GENERATED = sorted(builders())


def test_every_template_is_generated():
    assert GENERATED == list_templates()


@pytest.mark.parametrize("name", GENERATED)
def test_committed_template_equals_generator_output(name):
    committed = (templates_dir() / f"{name}.json").read_text(encoding="utf-8")
    assert committed == render(name), f"templates/{name}.json is stale: run python -m templates._build"


def test_catalog_is_up_to_date(analyzer):
    committed = (templates_dir() / "README.md").read_text(encoding="utf-8")
    assert committed == catalog_markdown(analyzer), "templates/README.md is stale: run python -m engine.template_catalog"
    for name in list_templates():
        assert f"| `{name}` |" in committed
