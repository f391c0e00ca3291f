Kind = "exported-services"
Name = "finance"
Services = [
  {
    Name = "billing"
    Consumers = [
      { Partition = "default" }
    ]
  }
]
