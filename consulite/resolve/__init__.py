"""Pure resolution over model objects: the mesh gateway mode of proxies and upstreams (and which layer decided
it), the merged proxy view Consul's agent shows, discovery-chain targets, and what a proxy dials."""
