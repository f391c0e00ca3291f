# The upstreams the web proxy reaches: billing in finance, exported to the default partition.
services = [
  { name = "billing", port = 9000, partition = "finance" },
  { name = "api", port = 9000, partition = "api", namespace = "dev" },
]
