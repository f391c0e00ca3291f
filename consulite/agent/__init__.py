"""The operations layer: every use case once, called by HTTP handlers, file loading, the CLI and tests."""
