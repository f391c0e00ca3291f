"""Bounded schemathesis runs of api/openapi.yaml against a live consulite: one request per example, and a
stateful run over the spec's links (register -> read -> deregister, check register -> pass -> deregister,
partition create -> read -> delete). Neither may find a 5xx that Consul would not give: the only 500s
allowed are the plain errors Consul itself answers with 500 (an invalid config entry, a bad `?cas=`,
scripts disabled, another datacenter), never an unexpected exception; never a 501 on a served route,
nor any other 5xx."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

pytestmark = pytest.mark.slow  # fuzzing the spec against a live server

SCHEMA = schemathesis.openapi.from_path(str(Path(__file__).resolve().parents[1] / "api" / "openapi.yaml"))


def assert_no_unexpected_5xx(response, case) -> None:
    status, text = response.status_code, response.text
    where = (case.method, case.formatted_path, status, text[:300])
    assert status < 500 or status == 500, where  # 501 (unimplemented) and 502+ never answer a served route
    assert not text.startswith("consulite internal error"), where  # a bug, not one of Consul's 500s


@SCHEMA.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_crashes_the_server(case, consulite_server):
    assert_no_unexpected_5xx(case.call(base_url=consulite_server.url, timeout=10), case)


def test_stateful_runs_over_the_links_find_no_unexpected_5xx(consulite_server):
    class Workflow(SCHEMA.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"base_url": consulite_server.url, "timeout": 10}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            assert_no_unexpected_5xx(response, case)

    run_state_machine_as_test(Workflow, settings=settings(
        max_examples=25, stateful_step_count=6, deadline=None, suppress_health_check=list(HealthCheck),
        derandomize=True))
