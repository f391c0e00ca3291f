# Enabling gateways for proxy upstreams: each upstream says `local`, across three partitions.
service {
  name = "web-sidecar-proxy"
  kind = "connect-proxy"
  port = 8181
  proxy {
    destination_service_name = "web"
    upstreams = [
      {
        destination_name = "api"
        destination_namespace = "dev"
        destination_partition = "api"
        local_bind_port = 10000
        mesh_gateway {
          mode = "local"
        }
      },
      {
        destination_name = "db"
        destination_namespace = "dev"
        destination_partition = "db"
        local_bind_port = 10001
        mesh_gateway {
          mode = "local"
        }
      },
      {
        destination_name = "logging"
        destination_namespace = "dev"
        destination_partition = "logging"
        local_bind_port = 10002
        mesh_gateway {
          mode = "local"
        }
      },
    ]
  }
}
