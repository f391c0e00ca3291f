"""The real `consul` 1.8.7 CLI run twice, once against consulite and once against real Consul 1.8.7.

`CLIPair.run(*args)` runs one invocation against both, with `CONSUL_HTTP_ADDR` naming each agent, in the same
working directory, and asserts the same exit code, stdout and stderr after normalising only what must differ
(`Norm`: IDs, indexes, times, versions, addresses, each by regex or by relation, named in the test).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import namedtuple
from collections.abc import Callable, Sequence
from pathlib import Path

Run = namedtuple("Run", "code out err")

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def by_relation(pattern: str, label: str) -> Callable[[str], str]:
    """Each distinct match becomes `<label-N>`, numbered in order of first appearance: equal values stay equal,
    different values stay different (a relation, not a value, is compared)."""
    regex = re.compile(pattern)

    def norm(text: str) -> str:
        seen: dict[str, str] = {}
        return regex.sub(lambda m: seen.setdefault(m.group(0), f"<{label}-{len(seen) + 1}>"), text)

    return norm


def by_regex(pattern: str, replacement: str) -> Callable[[str], str]:
    regex = re.compile(pattern, re.M)
    return lambda text: regex.sub(replacement, text)


#: IDs are random on both sides: compared by relation
UUIDS = by_relation(UUID.pattern, "uuid")
#: `consul catalog nodes` shows the node ID's first 8 hex digits
NODE_IDS = by_regex(r"^(node1\s+)[0-9a-f]{8}\b", r"\1<node-id>")
DEFAULT = (UUIDS, NODE_IDS)
#: raft indexes differ between agents: compared as present, not by value (JSON and `kv get -detailed` forms)
INDEXES = by_regex(r'("?(?:CreateIndex|ModifyIndex|LockIndex)"?:?\s+)\d+', r"\1<index>")
#: after other normalisers changed a value's width: the CLI's tables pad columns to their widest value
COLUMNS = by_regex(r" {2,}", "  ")


class CLIPair:
    def __init__(self, binary: str, consulite_port: int, real_port: int, cwd: Path, token: str | None = None):
        self.binary, self.cwd, self.token = binary, cwd, token
        self.ports = {"consulite": consulite_port, "consul-1.8.7": real_port}

    def one(self, kind: str, args: Sequence[str], stdin: str | None = None) -> Run:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONSUL_")}
        env["CONSUL_HTTP_ADDR"] = f"127.0.0.1:{self.ports[kind]}"
        if self.token:
            env["CONSUL_HTTP_TOKEN"] = self.token
        done = subprocess.run([self.binary, *args], input=stdin, capture_output=True, text=True, cwd=self.cwd,
                              env=env, timeout=60)
        return Run(done.returncode, done.stdout, done.stderr)

    def both(self, *args: str, stdin: str | None = None) -> tuple[Run, Run]:
        """(consulite's run, real Consul's run), unnormalised: for tests that assert each on its own."""
        return self.one("consulite", args, stdin), self.one("consul-1.8.7", args, stdin)

    def run(self, *args: str, stdin: str | None = None, norm: Sequence[Callable[[str], str]] = DEFAULT) -> Run:
        """The same exit code, stdout and stderr against both, after `norm` (IDs by relation unless told
        otherwise); returns the normalised result."""
        lite, real = (Run(*(self._norm(v, norm) if isinstance(v, str) else v for v in r))
                      for r in self.both(*args, stdin=stdin))
        assert lite == real, f"consul {' '.join(args)}\nconsulite:   {lite}\nconsul-1.8.7: {real}"
        return real

    @staticmethod
    def _norm(text: str, norm: Sequence[Callable[[str], str]]) -> str:
        for n in norm:
            text = n(text)
        return text
