import json

from app.cli import main
from engine.templates import list_templates


def test_templates_lists_every_template_with_its_parameter_count(capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["name", "architecture", "year", "params", "input"]
    rows = {line.split()[0]: line for line in lines[2:] if line.strip() and not line.startswith(tuple("0123456789"))}
    assert set(rows) == set(list_templates())
    assert "11,689,512" in rows["resnet18"] and "3×224×224" in rows["resnet18"] and "2016" in rows["resnet18"]
    assert "6,342,272 in 2 networks" in rows["dcgan"]
    assert f"{len(list_templates())} templates" in out


def test_templates_json(capsys):
    assert main(["templates", "--json"]) == 0
    items = {item["name"]: item for item in json.loads(capsys.readouterr().out)}
    assert items["lenet5"]["params"] == {"model": 61706}
    assert items["lenet5"]["inputs"] == "1×32×32"
    assert items["lstm_char"]["inputs"] == "64 tokens"
    assert items["wgan"]["params"] == {"generator": 3576704, "discriminator": 2765568}


def test_check_sees_through_nested_blocks_and_several_networks(capsys):
    for name, totals in (("googlenet", {"model": 6624904}),
                         ("dcgan", {"generator": 3576704, "discriminator": 2765568})):
        assert main(["check", name, "--json"]) == 0
        networks = json.loads(capsys.readouterr().out)["networks"]
        assert {net: summary["total_params"] for net, summary in networks.items()} == totals
    assert main(["check", "googlenet"]) == 0
    assert "inception3a  Inception          (256, 28, 28)     155,872" in capsys.readouterr().out
