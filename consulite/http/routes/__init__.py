"""One module per family; each registers its routes. Adding a family is one line here."""

from consulite.http.routes import (
    acl,
    agent,
    catalog,
    config,
    consulite_api,
    discovery_chain,
    event,
    health,
    kv,
    partition,
    session,
    status,
    txn,
)

FAMILIES = (agent, catalog, health, status, config, discovery_chain, partition, kv, session, txn, event,
            consulite_api, acl)
