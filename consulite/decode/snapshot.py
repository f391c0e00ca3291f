"""consulite's snapshot archive (`GET`/`PUT /v1/snapshot`, `consulite snapshot`): a gzip-compressed tar
holding two members, in this order:

* `meta.json`: the manifest, `{"Format": 1, "Consulite": <version that wrote it>, "Index": <the state's
  index>, "Datacenter", "Node", "Created": <RFC 3339 UTC>, "Tables": {<table>: <rows>}, "Size": <bytes of
  state.json>, "SHA256": <its hex digest>}`;
* `state.json`: the state document, exactly as `GET /_consulite/state` answers it.

Consul's raft snapshot format is not a goal: a consulite archive restores into consulite only.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import time
import zlib
from typing import Any

import orjson

from consulite import __version__
from consulite.errors import DecodeError

FORMAT = 1
META, STATE = "meta.json", "state.json"


def pack(doc: dict[str, Any], datacenter: str, node: str) -> bytes:
    """An archive of a state document."""
    state = orjson.dumps(doc)
    tables = {k: len(v) for k, v in doc.items() if isinstance(v, list) and k != "topics"}
    meta = {"Format": FORMAT, "Consulite": __version__, "Index": doc["index"], "Datacenter": datacenter,
            "Node": node, "Created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "Tables": tables,
            "Size": len(state), "SHA256": hashlib.sha256(state).hexdigest()}
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w") as tar:
        for name, data in ((META, orjson.dumps(meta, option=orjson.OPT_INDENT_2)), (STATE, state)):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def unpack(data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(manifest, state document) of an archive; DecodeError saying what is wrong (Consul's words for a
    stream that does not decompress)."""
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as e:  # in Go's words where Go has them
        reason = ("unexpected EOF" if isinstance(e, EOFError) or len(data) < 10
                  else "gzip: invalid header" if isinstance(e, gzip.BadGzipFile) else str(e))
        raise DecodeError(f"failed to decompress snapshot: {reason}") from None
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
            for info in tar:
                f = tar.extractfile(info) if info.isfile() else None
                if f is not None:
                    members[info.name] = f.read()
    except tarfile.TarError as e:
        raise DecodeError(f"failed to read snapshot: {e}") from None
    if META not in members or STATE not in members:
        raise DecodeError(f"failed to read snapshot: not a consulite snapshot (no {META} and {STATE})")
    try:
        meta = orjson.loads(members[META])
        fmt = meta.get("Format") if isinstance(meta, dict) else None
        if fmt != FORMAT:
            raise DecodeError(f"failed to read snapshot: unsupported snapshot format {fmt!r} "
                              f"(written by consulite {meta.get('Consulite') if isinstance(meta, dict) else '?'}; "
                              f"this one reads {FORMAT})")
        if hashlib.sha256(members[STATE]).hexdigest() != meta.get("SHA256"):
            raise DecodeError("failed to read snapshot: state.json does not match the manifest's SHA256")
        return meta, orjson.loads(members[STATE])
    except orjson.JSONDecodeError as e:
        raise DecodeError(f"failed to read snapshot: {e}") from None
