"""One module per family; each registers its routes. Adding a family is one line here."""

from consulite.http.routes import (
    acl,
    agent,
    agent_admin,
    catalog,
    config,
    consulite_api,
    discovery_chain,
    event,
    exported,
    health,
    kv,
    namespace,
    operator,
    partition,
    queries,
    session,
    snapshot,
    status,
    txn,
)

FAMILIES = (agent, catalog, health, status, config, discovery_chain, partition, namespace, kv, session, txn, event,
            snapshot, operator, agent_admin, queries, exported, consulite_api, acl)
