# Enabling gateways for a service instance: this `web` proxy, whatever the central config says.
service {
  name = "web-sidecar-proxy"
  kind = "connect-proxy"
  port = 8181
  proxy {
    destination_service_name = "web"
    mesh_gateway {
      mode = "local"
    }
    upstreams = [
      {
        destination_partition = "finance"
        destination_namespace = "default"
        destination_type = "service"
        destination_name = "billing"
        local_bind_port = 9090
      }
    ]
  }
}
