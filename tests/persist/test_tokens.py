"""`acl.enable_token_persistence`: agent tokens set through the API survive a restart in
`<data dir>/acl-tokens.json`, as Consul's agent/token/persistence.go keeps them."""

from __future__ import annotations

import logging
import stat

import orjson
import pytest

from consulite.http.app import make_app
from consulite.persist.tokens import FILE
from consulite.server import attach_data_dir
from tests.http.acl_helpers import H, acl_config, token_with


@pytest.fixture
def start(aiohttp_client, tmp_path):
    """`await start(**config)`: a client of an ACL agent (default deny) on the test's data dir."""

    async def starting(**config):
        app = make_app(acl_config(data_dir=str(tmp_path), **config))
        await attach_data_dir(app, str(tmp_path))
        return await aiohttp_client(app)

    return starting


async def anonymous_sees_web(client) -> bool:
    """Whether a request without a token reads the agent's services (the `default` token decides)."""
    return "web" in await (await client.get("/v1/agent/services")).json()


async def test_a_persisted_default_token_is_in_effect_after_a_restart(start, tmp_path):
    a = await start(acl_enable_token_persistence=True)
    await a.put("/v1/agent/service/register", json={"Name": "web"}, headers=H)
    reader = await token_with(a, 'service_prefix "" { policy = "read" }')
    assert not await anonymous_sees_web(a)
    r = await a.put("/v1/agent/token/default", json={"Token": reader["SecretID"]}, headers=H)
    assert r.status == 200
    assert await anonymous_sees_web(a)
    path = tmp_path / FILE
    # persistedTokens: snake_case keys, only the tokens set through the API; mode 0600
    assert orjson.loads(path.read_bytes()) == {"default": reader["SecretID"]}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    await a.close()
    b = await start(acl_enable_token_persistence=True)
    assert await anonymous_sees_web(b)


async def test_without_persistence_nothing_is_written_and_a_restart_forgets(start, tmp_path):
    a = await start()
    await a.put("/v1/agent/service/register", json={"Name": "web"}, headers=H)
    reader = await token_with(a, 'service_prefix "" { policy = "read" }')
    await a.put("/v1/agent/token/default", json={"Token": reader["SecretID"]}, headers=H)
    assert await anonymous_sees_web(a)
    await a.close()
    assert not (tmp_path / FILE).exists()
    b = await start()
    assert not await anonymous_sees_web(b)


async def test_a_persisted_token_wins_over_the_configurations_with_consuls_warning(start, tmp_path, caplog):
    a = await start(acl_enable_token_persistence=True)
    await a.put("/v1/agent/service/register", json={"Name": "web"}, headers=H)
    reader = await token_with(a, 'service_prefix "" { policy = "read" }')
    await a.close()
    (tmp_path / FILE).write_bytes(orjson.dumps({"agent_master": "legacy", "default": reader["SecretID"]}))
    with caplog.at_level(logging.WARNING, logger="consulite.agent"):
        b = await start(acl_enable_token_persistence=True, acl_default_token="anonymous-by-config")
    assert await anonymous_sees_web(b)
    assert ('"default" token present in both the configuration and persisted token store, using the persisted '
            "token") in caplog.text
    # tokens persisted before 1.11 as agent_master load as agent_recovery (readPersistedFromFile)
    r = await b.put("/v1/agent/token/agent", json={"Token": "a1"}, headers=H)
    assert r.status == 200
    assert orjson.loads((tmp_path / FILE).read_bytes()) == {
        "agent_recovery": "legacy", "default": reader["SecretID"], "agent": "a1"}


async def test_an_unreadable_tokens_file_is_a_warning_and_the_configuration_applies(start, tmp_path, caplog):
    (tmp_path / FILE).write_bytes(b"{not json")
    with caplog.at_level(logging.WARNING, logger="consulite.agent"):
        a = await start(acl_enable_token_persistence=True)
    [record] = [r for r in caplog.records if r.getMessage() == "unable to load persisted tokens"]
    assert record.kv["error"].startswith(f"failed to decode tokens file {str(tmp_path / FILE)!r}: ")
    assert (await a.get("/v1/agent/services", headers=H)).status == 200
