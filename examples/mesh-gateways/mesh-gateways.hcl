# One mesh gateway in each partition of the scenario.
services = [
  { name = "mesh-gateway", kind = "mesh-gateway", port = 8443, address = "10.0.0.5" },
  { name = "mesh-gateway", kind = "mesh-gateway", port = 8443, address = "10.1.0.5", partition = "finance" },
  { name = "mesh-gateway", kind = "mesh-gateway", port = 8443, address = "10.2.0.5", partition = "api" },
  { name = "mesh-gateway", kind = "mesh-gateway", port = 8443, address = "10.3.0.5", partition = "db" },
  { name = "mesh-gateway", kind = "mesh-gateway", port = 8443, address = "10.4.0.5", partition = "logging" },
]
