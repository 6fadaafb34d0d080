"""Short Lua scripts run by Redis, one round trip each, on a connection of the cache's pool.

A script that reads and writes several keys runs on the server in one step, so
two processes never interleave inside it, and the client pays one round trip
for all of it. ``Script`` holds the source and its SHA-1, by which Redis keeps
it; ``script_run`` sends it by that hash and, when Redis does not know it yet
(a new or restarted server), whole.

The call goes to one connection of the client's pool, without redis-py's
per-command layers (retries, metrics): these scripts run on the busiest
requests. A connection that failed is closed before it goes back to the pool,
so no half-read reply reaches the next command.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import NoScriptError


@dataclass(frozen=True)
class Script:
    source: str
    sha: str = field(init=False)

    def __post_init__(self) -> None:
        # Redis names scripts by their SHA-1.
        object.__setattr__(self, "sha", hashlib.sha1(self.source.encode()).hexdigest())  # noqa: S324


def redis_client() -> Any | None:
    """The Redis client behind the default cache, or ``None`` when the cache is not Redis."""
    from django_redis import get_redis_connection

    try:
        return get_redis_connection("default")
    except NotImplementedError:  # another backend
        return None


def script_run(client: Any, script: Script, keys: tuple[str, ...], *args: object) -> Any:
    """Run ``script`` with ``keys`` (KEYS) and ``args`` (ARGV): its reply. Raises RedisError when Redis fails."""
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        try:
            connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
            return connection.read_response()
        except NoScriptError:
            connection.send_command("EVAL", script.source, len(keys), *keys, *args)
            return connection.read_response()
    except BaseException:
        connection.disconnect()
        raise
    finally:
        pool.release(connection)
