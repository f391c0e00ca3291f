"""`consulite members`, `catalog services|nodes|datacenters`, `info`: the consul 1.8.7 CLI's output layout
(compared by hand against `consul` 1.8.7 on a dev agent: columnize, two-space gaps, tags column at width+6)."""

from consulite.cli import main


def _run(capsys, consulite, *argv):
    assert main([*argv, "-http-addr", consulite.http_addr]) == 0
    return capsys.readouterr().out


def test_members_and_catalog(consulite, capsys):
    c = consulite.client()
    c.agent.service.register("abcdefghijk", tags=["b", "a"])
    lines = _run(capsys, consulite, "members").splitlines()
    assert lines[0] == "Node   Address         Status  Type    Build   Protocol  DC   Segment"
    assert lines[1].split() == ["node1", "127.0.0.1:8301", "alive", "server", "1.21.0", "2", "dc1", "<all>"]
    assert _run(capsys, consulite, "members", "-wan").splitlines()[1].startswith("node1.dc1  127.0.0.1:8302")
    assert "role=consul" in _run(capsys, consulite, "members", "-detailed")
    assert _run(capsys, consulite, "catalog", "services") == "abcdefghijk\nconsul\n"
    assert _run(capsys, consulite, "catalog", "services", "-tags") == "abcdefghijk      a,b\nconsul           \n"
    nodes = _run(capsys, consulite, "catalog", "nodes").splitlines()
    assert nodes[0] == "Node   ID        Address    DC" and nodes[1].startswith("node1  ")
    assert _run(capsys, consulite, "catalog", "datacenters") == "dc1\n"
    info = _run(capsys, consulite, "info")
    assert "consul:\n" in info and "\tleader = true\n" in info


def test_services_exported_services(consulite, capsys):
    c = consulite.client()
    assert _run(capsys, consulite, "services", "exported-services") == "No exported services found\n"
    c.http.put(lambda r: r, "/v1/partition", data='{"Name": "api"}')
    c.http.put(lambda r: r, "/v1/config", data='{"Kind": "exported-services", "Name": "default", "Services": '
               '[{"Name": "web", "Consumers": [{"Partition": "api"}, {"Peer": "east"}]}]}')
    assert _run(capsys, consulite, "services", "exported-services").splitlines() == [
        "Service  Partition  Namespace  Consumer", "web      default    default    Peer: east",
        "web      default    default    Partition: api"]
    out = _run(capsys, consulite, "services", "exported-services", "-consumerPeer", "east", "-format", "json")
    assert '"Peers": [\n                "east"\n            ]' in out and "Partitions" not in out
