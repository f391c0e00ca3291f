"""One module per family; each registers its routes. Adding a family is one line here."""

from consulite.http.routes import (
    agent, catalog, config, consulite_api, discovery_chain, health, partition, snapshot, status,
)

FAMILIES = (agent, catalog, health, status, config, discovery_chain, partition, snapshot, consulite_api)
