"""The kind strings code refers to by name (the full list, in Consul's order, is `model.config.KINDS`)."""

SERVICE_DEFAULTS = "service-defaults"
PROXY_DEFAULTS = "proxy-defaults"
SERVICE_ROUTER = "service-router"
SERVICE_SPLITTER = "service-splitter"
SERVICE_RESOLVER = "service-resolver"
EXPORTED_SERVICES = "exported-services"
#: the one name a proxy-defaults entry has
PROXY_DEFAULTS_GLOBAL = "global"
