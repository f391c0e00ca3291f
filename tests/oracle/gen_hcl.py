"""A seeded generator of HCL1 documents: grammar-built ones, and adversarial ones (one random edit of a
grammar-built document, or a construct from the list of known edge cases)."""

from __future__ import annotations

import random

KEYS = ["a", "b", "service", "Service", "node_meta", "x-y", "k.v", "é", "_u", "a1"]
SCALARS = ["1", "-3", "0x1F", "0755", "08", "1.5", "1.", ".5", "1.e5", "1e3", "1e", "0x", "-0", "1E+2",
           "9223372036854775807", "9223372036854775808", "1e400", "true", "false",
           '"s"', '""', '"a\\nb"', '"\\x41"', '"\\101"', '"\\/"', '"\\u00e9"', '"\\ud800"', '"\\U0001F600"',
           '"\\U00110000"', '"${var.x}"', '"${"q"}"', '"${}"', '"a${b}c"', '"\\\\"', '"\\""', '"\\q"', '"é"']
EDGE = ["a = 1\na = \"x\"", "a = \"x\"\na = 1", "a = [1]\na = [2]", "a = true\na = 2", "a = 1\na = [2]",
        "b {}\nb \"l\" {}", "b \"l\" {}\nb {}", "Block { x = 1 }\nblock { y = 2 }", "a = <<EOF\r\nx\r\nEOF\r\n",
        "a = <<EOF\nx\nEOF", "a = <<EOF\nx\n  EOF\n", "a = <<-EOF\n  x\n  EOF\n", "a = <<-EOF\n  x\n EOF\n",
        "a = <<EOF\nEOF\n", "a = <<EOF\nx\nEOFX\nEOF\n", "a = <<\nx\n\n", "a = <<-\nx\n", "a = <<EOF x\nEOF\n",
        "a", "a =", "b = 1\na", "a = 1\nb =", "a b", "a = [,]", "a = [[1] [2]]", "a = [1,]", "a = [1 2]",
        "a = {}", "a = {b = 1}", "a = [{b = 1}]", "a = \"\x00\"", "a = \"\ue000\"", "\ue000 = 1", "a = \x00",
        "é = 1", "aé = 1", "a.b = 1", "a-b = 1", "-a = 1", "a = -", "a = - 1", "a = 1 b = 2", "a = 1, b = 2",
        "# c\na = 1", "// c\na = 1", "/* c */ a = 1", "/* c", "a = 1 /", "a = \"\\U00110000\"", "{}", "[]",
        "{\"a\": 1}", "{\"a\": {\"b\": [1, {\"c\": 2}]}}", "{\"a\": [{}]}", " {\"a\": 1}", "{\"a\": 1,}",
        "{\"a\": 01}", "{\"a\": 1e400}", "{\"a\": \"\\u00e9\"}", "{\"a\": null}", "a = \"\\\"", "a = \"x",
        "a = \"x\ny\"", "\"a\" = 1", "\"a\" \"b\" { }", "a \"b\" = 1", "a { b = 1 } c", "a { b { c = 1 } }",
        "a = true\nb = TRUE", "a = 1.0", "a = 00", "a = 0.5e-3", "a = 0X1f", "a = 0x1g"]


def scalar(rng: random.Random) -> str:
    return rng.choice(SCALARS)


def value(rng: random.Random, depth: int) -> str:
    r = rng.random()
    if depth > 2 or r < 0.6:
        return scalar(rng)
    if r < 0.7:
        return f"<<{rng.choice(['', '-'])}EOF\n{rng.choice(['', '  '])}line\n{rng.choice(['', '  '])}EOF\n"
    if r < 0.85:
        items = [value(rng, depth + 1) for _ in range(rng.randrange(4))]
        return "[" + rng.choice([", ", ",\n"]).join(items) + rng.choice(["", ","]) + "]"
    return "{ " + body(rng, depth + 1, rng.randrange(3)) + " }"


def item(rng: random.Random, depth: int) -> str:
    key = rng.choice(KEYS)
    if rng.random() < 0.15:
        key = f'"{key}"'
    if depth < 3 and rng.random() < 0.3:
        labels = " ".join(f'"{rng.choice(KEYS)}"' for _ in range(rng.randrange(3)))
        return f"{key} {labels} {{\n{body(rng, depth + 1, rng.randrange(3))}\n}}"
    return f"{key} = {value(rng, depth)}"


def body(rng: random.Random, depth: int, n: int) -> str:
    return rng.choice(["\n", "\n\n", " ", ", "]).join(item(rng, depth) for _ in range(n))


def document(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.25:
        return rng.choice(EDGE)
    text = body(rng, 0, 1 + rng.randrange(4))
    if r < 0.55 and text:
        i = rng.randrange(len(text) + 1)
        edit = rng.choice(['"', "{", "}", "[", "]", "=", ",", "\n", "<", "\\", "$", "#", "\x00", "\ue000", ""])
        text = text[:i] + edit + text[i + (1 if rng.random() < 0.5 else 0):]
    return text


SOUP = [*'ab={}[]"\\$<-EOF\n01.x#/*,é e+_ \t', "<<EOF\n", "EOF\n", "${", "\\x4", "\\u00", "0x", "1e", '"s"',
                                                         "true", "\r\n"]


def soup(rng: random.Random) -> str:
    """Up to 24 pieces drawn from HCL's meaningful characters and fragments: mostly broken documents."""
    return "".join(rng.choice(SOUP) for _ in range(rng.randrange(1, 25)))


CORPUS = [
    'service {\n  name = "web"\n  port = 8080\n  tags = ["a", "b"]\n  meta { env = "prod" }\n'
    '  check {\n    http = "http://localhost:8080/${path}"\n    interval = "10s"\n  }\n}\n',
    'Kind = "service-defaults"\nName = "web"\nProtocol = "http"\nMeshGateway {\n  Mode = "local"\n}\n',
    'acl = {\n  enabled = true\n  tokens { master = "x" }\n}\nports { http = 8500, dns = -1 }\n',
    'node "" { policy = "read" }\nkey_prefix "app/" {\n  policy = "write"\n}\n# done\n',
    'a = <<EOF\nline one\n  two\nEOF\nb = <<-EOT\n    indented\n    EOT\n',
    'a = <<EOF\r\nx\r\nEOF\r\nb = 1\r\n',
    'n = [0x1F, 0755, 1.5, -3, .5, 1.e5, 1e3, 1E+2, 0.5e-3, -0, 9223372036854775807]\n',
    'x = "esc \\x41\\101\\u00e9\\U0001F600\\t\\"q\\""  /* block\ncomment */ y = true // line\nz = false\n',
    'a { b { c { d = [{ e = 1 }, { f = "g" }] } } }\n"q k" "l" = 1\n',
    '{"service": {"name": "web", "port": 8080, "tags": ["a", "b"], "meta": {"env": "prod"}},\n'
    ' "n": [1, -2.5e3, 0.5, true, false, null], "s": "\\u00e9\\n"}\n',
]


def truncations(rng: random.Random) -> list[str]:
    """Every prefix of one generated or corpus-like document, some with trailing white space: the documents
    that end early (each is a document cut at some point, then maybe a newline or spaces)."""
    base = rng.choice(CORPUS) if rng.random() < 0.4 else body(rng, 0, 1 + rng.randrange(4))
    out = []
    for i in range(len(base) + 1):
        out.append(base[:i])
        if rng.random() < 0.2:
            out.append(base[:i] + rng.choice(["\n", " ", "\n\n", "  \n", "\t", "\r\n"]))
    return out
