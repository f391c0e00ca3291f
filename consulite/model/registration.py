"""A register request turned into what the agent will store, every 400 raised before anything is written."""

from __future__ import annotations

import attrs

from consulite import messages as M
from consulite.errors import BadRequest, ConsulError
from consulite.model import rules
from consulite.model.check import CheckType
from consulite.model.go import multierror
from consulite.model.service import Service, ServiceDefinition


@attrs.define
class Registration:
    service: Service
    checks: list[CheckType]
    sidecar: Service | None = None
    sidecar_checks: list[CheckType] = attrs.field(factory=list)


def prepare(defn: ServiceDefinition, partition: str, namespace: str, *, inherit: bool = True,
            script_checks: bool = False) -> Registration:
    """Apply Consul's register-handler checks in Consul's order (reference §3 steps 3-14)."""
    if not defn.name:
        raise BadRequest(M.MISSING_SERVICE_NAME)
    rules.check_address(defn.address)
    svc = rules.to_service(defn, partition, namespace, inherit)
    if defn.weights is not None:
        err = rules.validate_weights(defn.weights)
        if err:
            raise BadRequest(M.INVALID_WEIGHTS.format(err=err))
    err = rules.validate_meta(svc.kind, svc.meta)
    if err:
        raise BadRequest(M.INVALID_SERVICE_META.format(err=err))
    sidecar_defn = defn.connect.sidecar_service if defn.connect else None
    errs = rules.validate(svc, sidecar_defn)
    if errs:
        raise BadRequest(M.VALIDATION_FAILED.format(err=multierror(errs)))
    checks = rules.check_types(defn, M.INVALID_CHECK)
    reg = Registration(svc, checks)
    if sidecar_defn is not None:
        reg.sidecar_checks = rules.check_types(sidecar_defn, M.INVALID_SIDECAR_CHECK)
        reg.sidecar = rules.sidecar_service(svc, sidecar_defn, inherit)
    for s in (reg.service, reg.sidecar):
        if s is not None:
            rules.validate_tagged_addresses(s)
    if not script_checks and any(c.script_args for c in reg.checks + reg.sidecar_checks):
        raise ConsulError(M.SCRIPTS_DISABLED)
    return reg
