"""One module per family; each registers its routes. Adding a family is one line here."""

from consulite.http.routes import (
    agent,
    agent_admin,
    catalog,
    config,
    consulite_api,
    discovery_chain,
    exported,
    health,
    operator,
    partition,
    queries,
    status,
)

FAMILIES = (agent, catalog, health, status, config, discovery_chain, partition, consulite_api, operator,
            agent_admin, queries, exported)
