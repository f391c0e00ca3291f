Kind = "exported-services"
Name = "finance"
Services = [
  {
    Name = "billing"
    Consumers = [
      { Partition = "default" }
    ]
  },
  {
    # traffic from another partition enters finance through its mesh gateway, which finance exports too
    # (admin partitions docs; hashicorp/consul#19052)
    Name = "mesh-gateway"
    Consumers = [
      { Partition = "default" }
    ]
  }
]
