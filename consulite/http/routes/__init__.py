"""One module per family; each registers its routes. Adding a family is one line here."""

from consulite.http.routes import (
    acl, agent, catalog, config, consulite_api, discovery_chain, health, partition, status,
)

FAMILIES = (agent, catalog, health, status, config, discovery_chain, partition, consulite_api, acl)
