"""The OpenSearch client, built once per process from settings."""

from functools import lru_cache

from django.conf import settings
from opensearchpy import OpenSearch


def alias_name() -> str:
    """What queries and writes go through: the alias of the index that is live now."""
    return f"{settings.SEARCH_INDEX_PREFIX}-catalog"


def opensearch_client() -> OpenSearch:
    return _client(settings.OPENSEARCH_URL)


@lru_cache(maxsize=4)
def _client(url: str) -> OpenSearch:
    return OpenSearch(
        hosts=[url],
        timeout=5,
        max_retries=1,
        retry_on_timeout=False,
        http_compress=True,
        pool_maxsize=16,  # one connection per thread of a gthread worker, and then some
    )


def opensearch_ping(*, timeout: float) -> None:
    """Raise unless the cluster answers its health endpoint within ``timeout``."""
    health = opensearch_client().cluster.health(
        params={"timeout": f"{max(1, int(timeout * 1000))}ms"}, request_timeout=timeout
    )
    if health.get("status") not in {"green", "yellow"}:
        raise RuntimeError(f"cluster status is {health.get('status')}")


def opensearch_index_ready(*, timeout: float) -> bool:
    """Whether the alias this site searches through has an index behind it."""
    return bool(opensearch_client().indices.exists_alias(name=alias_name(), request_timeout=timeout))
