"""Domain errors. The HTTP layer turns each into Consul's status and plain-text body."""


class ConsulError(Exception):
    """An error Consul answers with `status` and the plain-text `text`."""

    status = 500

    def __init__(self, text: str, status: int | None = None, headers: dict | None = None):
        super().__init__(text)
        self.text = text
        self.headers = headers or {}
        if status is not None:
            self.status = status


class BadRequest(ConsulError):
    status = 400


class NotFound(ConsulError):
    status = 404


class DecodeError(BadRequest):
    """A body that does not decode; `text` is the bare decoder message (without Consul's prefix)."""
