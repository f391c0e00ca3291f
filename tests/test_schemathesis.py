"""A bounded schemathesis run of api/openapi.yaml against a live consulite: no request crashes the server,
and the only 5xx are the 500s Consul itself answers (plain errors such as invalid config entries)."""

from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.slow  # fuzzing the spec against a live server

#: routes that stream until the client goes away
STREAMING = {"/v1/agent/monitor"}
SCHEMA = schemathesis.openapi.from_path(str(Path(__file__).resolve().parents[1] / "api" / "openapi.yaml"))


@SCHEMA.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_crashes_the_server(case, consulite_server):
    if case.path in STREAMING:  # streams until the client leaves: the status is the answer
        with requests.get(consulite_server.url + case.formatted_path, params=case.query, stream=True,
                          timeout=10) as streamed:
            assert streamed.status_code in (200, 400), streamed.status_code
        return
    response = case.call(base_url=consulite_server.url, timeout=10)
    assert response.status_code < 500 or response.status_code == 500, response.status_code
    assert not response.text.startswith("consulite internal error"), (case.method, case.formatted_path,
                                                                    response.text)
