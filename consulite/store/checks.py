"""Checks on the agent's node: service checks, standalone checks, TTL expiry, maintenance. A part of Store
(which holds the tables these methods read and write)."""

from __future__ import annotations

from consulite import messages as M
from consulite.errors import ConsulError, NotFound
from consulite.model.check import CRITICAL, MAINTENANCE, CheckDefinition, CheckType, HealthCheck, check_type_name
from consulite.model.service import DEFAULT, Service

Key = tuple[str, str, str]  # (partition, namespace, id)
OUTPUT_MAX = 4096


class Checks:
    """Store's check operations."""



    def _put_service_checks(self, svc: Service, types: list[CheckType], replace: bool, idx: int) -> list:
        key = self._key(svc)
        topics: list = []
        new_ids = set()
        for n, ct in enumerate(types, start=1):
            check_id = ct.check_id or (f"service:{svc.id}" if len(types) == 1 else f"service:{svc.id}:{n}")
            new_ids.add(check_id)
            prev = self.checks.get((svc.partition, svc.namespace, check_id))
            check = HealthCheck(
                check_id=check_id, name=ct.name or M.SERVICE_CHECK_NAME.format(name=svc.name),
                status=ct.status or CRITICAL, partition=svc.partition, namespace=svc.namespace,
                type=check_type_name(ct), notes=ct.notes, service_id=svc.id, service_name=svc.name,
                definition=ct)
            if prev is not None:
                check.status, check.output = prev.status, prev.output
            topics += self._put_check(check, idx)
        if replace:
            for check_id in [c for c in self.checks_of.get(key, {}) if c not in new_ids]:
                topics += self._remove_check((svc.partition, svc.namespace, check_id))
        return topics

    def _check_topics(self, check: HealthCheck) -> list:
        topics = [("checks", check.partition, check.namespace)]
        svc = self.services.get((check.partition, check.namespace, check.service_id)) if check.service_id else None
        if svc is not None:
            topics += self._service_topics(svc)
        return topics

    def _put_check(self, check: HealthCheck, idx: int) -> list:
        key = self._key(check)
        old = self.checks.get(key)
        create = idx
        if old is not None:
            create = old.create_index
            self.checks_of.get((old.partition, old.namespace, old.service_id), {}).pop(old.check_id, None)
        self.checks[key] = check
        self.checks_of.setdefault((check.partition, check.namespace, check.service_id), {})[check.check_id] = check
        check.create_index, check.modify_index = create, idx
        self._arm_ttl(key, check)
        return self._check_topics(check)

    def _remove_check(self, key: Key) -> list:
        check = self.checks.pop(key)
        owner = (check.partition, check.namespace, check.service_id)
        siblings = self.checks_of.get(owner, {})
        siblings.pop(check.check_id, None)
        if not siblings:
            self.checks_of.pop(owner, None)
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        return self._check_topics(check)

    def _arm_ttl(self, key: Key, check: HealthCheck) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        if check.definition is not None and check.type == "ttl":
            self._timers[key] = self.scheduler.call_later(check.definition.ttl / 1e9, lambda: self._expire(key))

    def _expire(self, key: Key) -> None:
        check = self.checks.get(key)
        self._timers.pop(key, None)
        if check is None:
            return
        output = M.TTL_EXPIRED_WITH_OUTPUT.format(output=check.output) if check.output else M.TTL_EXPIRED
        self._set_status(check, CRITICAL, output, rearm=False)

    def _set_status(self, check: HealthCheck, status: str, output: str, rearm: bool = True) -> None:
        if rearm:
            self._arm_ttl(self._key(check), check)
        if check.status == status and check.output == output:
            return
        idx = self._next()
        check.status, check.output = status, output
        check.modify_index = idx
        self._touch(idx, self._check_topics(check))

    def register_check(self, defn: CheckDefinition, partition: str, namespace: str) -> None:
        """Add or replace a standalone check (`PUT /v1/agent/check/register`), validated by the caller."""
        self.require_partition(partition)
        service_name = ""
        if defn.service_id:
            svc = self.service(partition, namespace, defn.service_id)
            if svc is None:
                raise ConsulError(M.CHECK_SERVICE_MISSING.format(id=defn.service_id))
            service_name = svc.name
        check = HealthCheck(
            check_id=defn.id or defn.check_id or defn.name, name=defn.name, status=defn.status or CRITICAL,
            partition=partition, namespace=namespace, type=check_type_name(defn), notes=defn.notes,
            service_id=defn.service_id, service_name=service_name, definition=defn)
        idx = self._next()
        self._touch(idx, self._put_check(check, idx))

    def check(self, partition: str, namespace: str, check_id: str) -> HealthCheck:
        check = self.checks.get((partition, namespace, check_id))
        if check is None:
            raise NotFound(M.UNKNOWN_CHECK_ID.format(id=check_id))
        return check

    def deregister_check(self, partition: str, namespace: str, check_id: str) -> None:
        self.check(partition, namespace, check_id)
        idx = self._next()
        self._touch(idx, self._remove_check((partition, namespace, check_id)))

    def update_ttl(self, partition: str, namespace: str, check_id: str, status: str, output: str) -> None:
        """Set a TTL check's status and output, and restart its TTL."""
        check = self.check(partition, namespace, check_id)
        if check.type != "ttl":
            raise ConsulError(M.CHECK_NO_TTL.format(id=check_id))
        limit = (check.definition.output_max_size if check.definition else 0) or OUTPUT_MAX
        if len(output) > limit:
            output = f"{output[:limit]}\n...\nCaptured {limit} of {len(output)} bytes"
        self._set_status(check, status, output)

    def service_checks(self, svc: Service) -> list[HealthCheck]:
        return list(self.checks_of.get(self._key(svc), {}).values())

    def node_checks(self) -> list[HealthCheck]:
        return [c for c in self.checks.values() if not c.service_id]

    def checks_in(self, partition: str, namespace: str) -> list[HealthCheck]:
        """Checks of services in (partition, namespace), plus the node's own checks."""
        return [c for (p, ns, _), c in self.checks.items()
                if (p == partition and ns == namespace) or not c.service_id]


    def maintenance(self, partition: str, namespace: str, service_id: str, enable: bool, reason: str) -> None:
        svc = self.service(partition, namespace, service_id)
        if svc is None:
            raise NotFound(M.UNKNOWN_SERVICE_ID_UPDATE.format(id=service_id))
        check_id = M.SERVICE_MAINT_CHECK_ID.format(id=service_id)
        key = (partition, namespace, check_id)
        if enable == (key in self.checks):
            return
        idx = self._next()
        if enable:
            check = HealthCheck(check_id=check_id, name=M.SERVICE_MAINT_NAME, status=CRITICAL,
                                partition=partition, namespace=namespace, type=MAINTENANCE,
                                notes=reason or M.SERVICE_MAINT_NOTES, service_id=svc.id, service_name=svc.name)
            topics = self._put_check(check, idx)
        else:
            topics = self._remove_check(key)
        self._touch(idx, topics)

    def node_maintenance(self, enable: bool, reason: str) -> None:
        key = (DEFAULT, DEFAULT, M.NODE_MAINT_CHECK_ID)
        if enable == (key in self.checks):
            return
        idx = self._next()
        if enable:
            check = HealthCheck(check_id=M.NODE_MAINT_CHECK_ID, name=M.NODE_MAINT_NAME, status=CRITICAL,
                                partition=DEFAULT, namespace=DEFAULT, type=MAINTENANCE,
                                notes=reason or M.NODE_MAINT_NOTES)
            topics = self._put_check(check, idx)
        else:
            topics = self._remove_check(key)
        self._touch(idx, topics)
