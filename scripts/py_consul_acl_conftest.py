"""Replaces py-consul's own conftest.py (which starts Docker containers of Consul) when its ACL tests run
against consulite (scripts/py-consul-acl.sh): each test gets a fresh `consulite agent -dev` process with
ACLs on, started as a user starts it, from an agent-config file like the one py-consul gives Consul."""

from __future__ import annotations

import collections
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import pytest

from consul import Consul

ConsulInstance = collections.namedtuple("ConsulInstance", ["container", "port", "version"])
ACLConsul = collections.namedtuple("ACLConsul", ["instance", "token", "version"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def acl_consul_instance():
    token = uuid.uuid4().hex  # as py-consul's conftest: not a UUID
    port = _free_port()
    config = {"primary_datacenter": "dc1", "enable_script_checks": True,
              "acl": {"enabled": True, "tokens": {"initial_management": token}}}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "acl.json")
        with open(path, "w") as f:
            json.dump(config, f)
        proc = subprocess.Popen([sys.executable, "-m", "consulite.cli", "agent", "-dev", "-http-port", str(port),
                                 "-config-file", path, "-edition", os.environ.get("CONSULITE_EDITION", "ce")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/status/leader", timeout=1)
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("consulite did not start") from None
                    time.sleep(0.05)
            yield ConsulInstance(None, port, "consulite"), token
        finally:
            proc.terminate()
            proc.wait(10)


@pytest.fixture
def acl_consul(acl_consul_instance):
    instance, token = acl_consul_instance
    return ACLConsul(Consul(port=instance.port), token, instance.version)
