# Enabling gateways per service: every `web` proxy uses its local mesh gateway.
Kind = "service-defaults"
Name = "web"
MeshGateway {
  Mode = "local"
}
