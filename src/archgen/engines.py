"""What products and providers do when a spec says nothing: the platform defaults the rules read.

Each set holds engine keys (`archgen.icons.engine_key`: lower case, letters and digits), so
`Cloud SQL`, `cloud_sql` and `cloudsql` are one engine. docs/precision.md says where each
default comes from.
"""

from __future__ import annotations

from archgen.icons import engine_key

#: Managed databases whose provider backs them up unless told not to (automated backups or
#: point-in-time recovery are on by default): REL006 stays quiet unless `backup: false`.
BACKED_UP_WHEN_MANAGED = frozenset(
    {"aurora", "rds", "cloudsql", "azuresql", "sqldatabase", "cosmosdb", "bigquery", "spanner", "alloydb"}
)

#: Engines that always evict when memory fills (an LRU is built in, no policy turns it off).
ALWAYS_EVICT = frozenset({"memcached"})

#: Managed API gateways and identity providers that enforce request limits of their own
#: (account or pool quotas): SEC002 counts them as a limit on the way.
LIMITS_REQUESTS_WHEN_MANAGED = frozenset(
    {"apigateway", "cognito", "entraid", "azureactivedirectory", "activedirectory", "apigee", "apimanagement"}
)

#: Engines whose read replicas follow the primary asynchronously unless told otherwise.
ASYNC_READ_REPLICAS = frozenset(
    {
        "postgresql",
        "postgres",
        "mysql",
        "mariadb",
        "aurora",
        "rds",
        "cloudsql",
        "azuresql",
        "sqldatabase",
        "mongodb",
        "redis",
        "valkey",
        "elasticache",
    }
)


#: Managed engines whose storage is one shared volume or service the provider grows on its own:
#: their data is compared with the engine's limit (bytes; None: no practical limit), never with
#: shards × copies × `server_storage` (SCL002, SCL007).
SHARED_STORAGE_WHEN_MANAGED: dict[str, float | None] = {
    "aurora": 128 * 2**40,  # an Aurora cluster volume grows to 128 TiB
    "dynamodb": None,
    "spanner": None,
    "cosmosdb": None,
    "bigtable": None,
    "firestore": None,
    "s3": None,
    "gcs": None,
    "cloudstorage": None,
    "blobstorage": None,
}


def shared_storage(engine: str | None, managed: bool) -> tuple[bool, float | None]:
    """Tell whether a component's storage is the provider's shared volume, and its limit in bytes (None: none)."""
    key = engine_key(engine)
    for name in (key, key.removesuffix("s"), f"{key}s") if key and managed else ():
        if name in SHARED_STORAGE_WHEN_MANAGED:
            return True, SHARED_STORAGE_WHEN_MANAGED[name]
    return False, None


def engine_in(engine: str | None, engines: frozenset[str]) -> bool:
    """Tell whether an engine, written in the singular or the plural, is one of `engines`."""
    key = engine_key(engine)
    return bool(key) and (key in engines or key.removesuffix("s") in engines or f"{key}s" in engines)
