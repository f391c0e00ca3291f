"""consulite: a Consul-compatible HTTP agent emulator."""

__version__ = "0.1.0"
#: The Consul version consulite answers as (reference: Consul 1.17-1.22).
CONSUL_VERSION = "1.21.0"
