"""Issue 11 (logging): lines as a Consul agent writes them, text or `-log-json`."""

import io
import json
import logging

from consulite.logs import JSONFormatter, TextFormatter, configure


def record(level=logging.INFO, message="Synced service", **fields):
    r = logging.LogRecord("consulite.agent", level, __file__, 1, message, (), None)
    r.kv = fields
    return r


def test_text_lines_are_hclog_shaped():
    line = TextFormatter().format(record(service="web", error="a b"))
    assert line.endswith('[INFO]  agent: Synced service: service=web error="a b"')
    assert TextFormatter().format(record(logging.WARNING, "Request error")).split(" ", 1)[1] \
        == "[WARN]  agent: Request error"


def test_json_lines_carry_consuls_keys():
    doc = json.loads(JSONFormatter().format(record(logging.WARNING, "Request error", status=404)))
    assert doc["@level"] == "warn" and doc["@message"] == "Request error" and doc["@module"] == "agent"
    assert doc["@timestamp"].endswith("Z") and doc["status"] == 404


def test_aiohttp_protocol_tracebacks_become_one_debug_line():
    out = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure("info", stream=out)
        try:
            raise ValueError("bad request line")
        except ValueError:
            logging.getLogger("aiohttp.server").exception("Error handling request from %s", "127.0.0.1")
        assert out.getvalue() == ""  # at debug, so not shown at info
        configure("debug", stream=out)
        try:
            raise ValueError("bad request line")
        except ValueError:
            logging.getLogger("aiohttp.server").exception("Error handling request from %s", "127.0.0.1")
        lines = out.getvalue().splitlines()
        assert len(lines) == 1 and "[DEBUG]" in lines[0] and "ValueError: bad request line" in lines[0]
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


async def test_errors_are_logged_at_warn_with_their_reason(client, caplog):
    with caplog.at_level(logging.DEBUG, logger="consulite"):
        await client.get("/v1/snapshot")
        await client.get("/v1/status/leader")
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and warned[0].kv["status"] == 501 and "/v1/snapshot" in warned[0].kv["error"]
    finished = [r for r in caplog.records if r.getMessage() == "Request finished"]
    assert [r.kv["url"] for r in finished] == ["/v1/snapshot", "/v1/status/leader"]


async def test_registrations_and_config_writes_are_logged_at_info(client, caplog):
    with caplog.at_level(logging.INFO, logger="consulite"):
        await client.put("/v1/agent/service/register", json={"Name": "web"})
        await client.put("/v1/agent/service/deregister/web")
        await client.put("/v1/config", json={"Kind": "proxy-defaults", "Name": "global"})
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == [
        "Synced service", "Deregistered service", "Wrote config entry"]
