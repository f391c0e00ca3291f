"""One module per family of routes; each exposes `register(router)`."""
