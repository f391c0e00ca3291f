"""Issue 15: `consul agent` refuses a bad start with the same text from consulite and from real Consul 1.8.7
(agent/config/builder.go): both binaries are run with the same flags. Consul writes `==> <text>` on standard
error; consulite writes `consulite: refusing to start: <text>`."""

import subprocess
import sys

import pytest

from tests.verified.conftest import real_consul_binary

pytestmark = pytest.mark.slow  # runs both binaries as subprocesses

#: ports off the defaults, so that a start that is not refused does not collide with anything
PORTS = ["-http-port", "0", "-dns-port", "-1", "-grpc-port", "-1"]


@pytest.mark.parametrize("flags, text", [
    (["-config-format", "yaml"], "config: -config-format must be either 'hcl' or 'json'"),
    (["-bind", "300.1.1.1"], "bind_addr cannot be empty"),
    (["-advertise", "0.0.0.0"], "Advertise address cannot be 0.0.0.0, :: or [::]"),
    (["-client", "foo"], "1 error occurred:\n\t* client_addr: invalid ip address: foo"),
    (["-bootstrap-expect", "3"], "'bootstrap_expect > 0' not allowed in dev mode"),
    (["-bootstrap-expect", "-2"], "bootstrap_expect cannot be -2. Must be greater than or equal to zero"),
    (["-hcl", "bogus=1"], "failed to parse flags-0.hcl: 1 error occurred:\n\t* invalid config key bogus"),
    (["-datacenter", "a b"], 'datacenter cannot be "a b". Please use only [a-z0-9-_]'),
    (["-encrypt", "zz"], "encrypt has invalid key: illegal base64 data at input byte 0"),
    (["-node-id", "abc"], "failed to setup node ID: specified NodeID is invalid: uuid string is wrong length"),
])
@pytest.mark.parametrize("kind", ["consulite", "consul-1.8.7"])
def test_a_bad_start_is_refused_with_consuls_text(kind, flags, text):
    if kind == "consulite":
        argv, prefix = [sys.executable, "-m", "consulite.cli"], "consulite: refusing to start: "
    else:
        binary = real_consul_binary()
        if binary is None:
            pytest.skip("real Consul 1.8.7 is not available")
        argv, prefix = [binary], "==> "
    proc = subprocess.run([*argv, "agent", "-dev", *PORTS, *flags], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stderr.rstrip() == prefix + text, proc.stdout + proc.stderr
