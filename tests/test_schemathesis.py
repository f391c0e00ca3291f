"""A bounded schemathesis run of api/openapi.yaml against a live consulite: no request crashes the server,
and the only 5xx are the 500s Consul itself answers (plain errors such as invalid config entries)."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.slow  # fuzzing the spec against a live server

SCHEMA = schemathesis.openapi.from_path(str(Path(__file__).resolve().parents[1] / "api" / "openapi.yaml"))


@SCHEMA.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_crashes_the_server(case, consulite_server):
    response = case.call(base_url=consulite_server.url, timeout=10)
    assert response.status_code < 500 or response.status_code == 500, response.status_code
    assert not response.content.startswith(b"consulite internal error"), (  # bytes: a snapshot is binary
        case.method, case.formatted_path, response.content[:200])
