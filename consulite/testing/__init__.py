"""Helpers for test suites: a threaded server and a pytest plugin."""

from consulite.testing.server import ConsuliteServer

__all__ = ["ConsuliteServer"]
