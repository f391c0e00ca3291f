"""Auth methods, binding rules, login and logout for the `jwt` type with a static public key (as Nomad's
workload identity uses it)."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.http.acl_helpers import H


@pytest.fixture(scope="module")
def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


async def _method(c, key, **config) -> None:
    r = await c.put("/v1/acl/auth-method", json={"Name": "nomad", "Type": "jwt", "Config": {
        "JWTValidationPubKeys": [_pem(key)], "BoundIssuer": "nomad", "BoundAudiences": ["consul.io"],
        "ClaimMappings": {"nomad_service": "service"}, **config}}, headers=H)
    assert r.status == 200, await r.text()


async def test_login_binds_a_service_identity_and_logout_deletes_the_token(acl_client, key):
    await _method(acl_client, key)
    r = await acl_client.put("/v1/acl/binding-rule", json={
        "AuthMethod": "nomad", "BindType": "service", "BindName": "${value.service}",
        "Selector": 'value.service == "web"'}, headers=H)
    assert r.status == 200, await r.text()
    bearer = jwt.encode({"iss": "nomad", "aud": "consul.io", "nomad_service": "web"}, key, algorithm="RS256")
    r = await acl_client.post("/v1/acl/login", json={"AuthMethod": "nomad", "BearerToken": bearer})
    token = await r.json()
    assert r.status == 200, token
    assert token["AuthMethod"] == "nomad" and token["ServiceIdentities"] == [{"ServiceName": "web"}]
    secret = {"X-Consul-Token": token["SecretID"]}
    assert (await acl_client.put("/v1/agent/service/register", json={"Name": "web"}, headers=secret)).status == 200
    r = await acl_client.put(f"/v1/acl/token/{token['AccessorID']}/clone", json={}, headers=H)
    assert (r.status, await r.text()) == (500, "Cannot clone a token created from an auth method")
    assert (await acl_client.post("/v1/acl/logout", headers=secret)).status == 200
    r = await acl_client.get("/v1/acl/token/self", headers=secret)
    assert (r.status, await r.text()) == (403, "ACL not found")


async def test_login_refusals(acl_client, key):
    await _method(acl_client, key)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad = jwt.encode({"iss": "nomad", "aud": "consul.io"}, other, algorithm="RS256")
    r = await acl_client.post("/v1/acl/login", json={"AuthMethod": "nomad", "BearerToken": bad})
    assert r.status == 403 and (await r.text()).startswith("Permission denied: failed to validate the bearer token")
    good = jwt.encode({"iss": "nomad", "aud": "consul.io", "nomad_service": "db"}, key, algorithm="RS256")
    r = await acl_client.post("/v1/acl/login", json={"AuthMethod": "nomad", "BearerToken": good})
    assert (r.status, await r.text()) == (403, "Permission denied")  # no binding rule matched
    r = await acl_client.post("/v1/acl/login", json={"AuthMethod": "nope", "BearerToken": good})
    assert (r.status, await r.text()) == (403, "ACL not found")
    r = await acl_client.post("/v1/acl/logout", headers=H)
    assert (r.status, await r.text()) == (403, "Permission denied: token wasn't created via login")


async def test_auth_method_and_binding_rule_crud(acl_client, key):
    await _method(acl_client, key)
    listed = await (await acl_client.get("/v1/acl/auth-methods", headers=H)).json()
    assert [m["Name"] for m in listed] == ["nomad"] and "Config" not in listed[0]
    r = await acl_client.put("/v1/acl/auth-method", json={"Name": "x", "Type": "ldap"}, headers=H)
    assert (r.status, await r.text()) == (
        500, 'Invalid Auth Method: Type should be one of: [jwt kubernetes oidc] (was "ldap")')
    rule = await (await acl_client.put("/v1/acl/binding-rule", json={
        "AuthMethod": "nomad", "BindType": "role", "BindName": "ops"}, headers=H)).json()
    rules = await (await acl_client.get("/v1/acl/binding-rules?authmethod=nomad", headers=H)).json()
    assert [x["ID"] for x in rules] == [rule["ID"]]
    assert await (await acl_client.delete("/v1/acl/auth-method/nomad", headers=H)).json() is True
    assert (await acl_client.get(f"/v1/acl/binding-rule/{rule['ID']}", headers=H)).status == 404
