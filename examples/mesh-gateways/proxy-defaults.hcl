# Enabling gateways globally: every proxy of the partition uses its local mesh gateway.
Kind = "proxy-defaults"
Name = "global"
MeshGateway {
  Mode = "local"
}
