"""Which icon of mingrammer's `diagrams` draws each component, as `provider.module.Class`.

An engine picks its own icon, looked up in diagrams' catalogue (`icon_catalogue.py`, written
from the installed package by `python -m archgen.icons`); a component without an engine gets
its kind's icon from the design's icon set. Nothing here imports `diagrams`, so `lint` stays light.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

#: The providers whose icons are engines, in the order that settles a name several of them ship.
PROVIDERS = ("onprem", "aws", "gcp", "azure", "k8s", "saas", "elastic", "generic", "programming")
#: Modules of those providers whose classes are not engines (a flowchart's shapes).
NOT_ENGINES = frozenset({"programming.flowchart"})

#: Engine names diagrams has no class of that name for, and the icon they get.
ALIASES = {
    "postgres": "onprem.database.Postgresql",
    "cloudfunctions": "gcp.compute.Functions",
    "opensearch": "elastic.elasticsearch.Elasticsearch",
    "minio": "aws.storage.SimpleStorageServiceS3",
    "golang": "programming.language.Go",
    "valkey": "onprem.inmemory.Redis",
}

_PEOPLE = {"client": "onprem.client.Users", "external": "onprem.network.Internet"}
#: The icon of each kind in each icon set (`layout.icons`); generic has no vendor's look.
ROLE_ICONS: dict[str, dict[str, str]] = {
    "generic": _PEOPLE
    | {
        "dns": "generic.network.Subnet",
        "cdn": "generic.place.Datacenter",
        "load_balancer": "generic.network.Switch",
        "api_gateway": "generic.network.Router",
        "web": "onprem.compute.Server",
        "service": "generic.compute.Rack",
        "worker": "generic.compute.Rack",
        "function": "generic.compute.Rack",
        "cache": "generic.storage.Storage",
        "database": "generic.database.SQL",
        "queue": "programming.flowchart.MultipleDocuments",
        "object_storage": "generic.storage.Storage",
        "search": "generic.database.SQL",
        "monitoring": "programming.flowchart.Display",
    },
    "aws": _PEOPLE
    | {
        "dns": "aws.network.Route53",
        "cdn": "aws.network.CloudFront",
        "load_balancer": "aws.network.ElasticLoadBalancing",
        "api_gateway": "aws.network.APIGateway",
        "web": "aws.compute.EC2",
        "service": "aws.compute.ECS",
        "worker": "aws.compute.Batch",
        "function": "aws.compute.Lambda",
        "cache": "aws.database.ElastiCache",
        "database": "aws.database.RDS",
        "queue": "aws.integration.SQS",
        "object_storage": "aws.storage.S3",
        "search": "aws.analytics.ElasticsearchService",
        "monitoring": "aws.management.Cloudwatch",
    },
    "gcp": _PEOPLE
    | {
        "dns": "gcp.network.DNS",
        "cdn": "gcp.network.CDN",
        "load_balancer": "gcp.network.LoadBalancing",
        "api_gateway": "gcp.api.APIGateway",
        "web": "gcp.compute.ComputeEngine",
        "service": "gcp.compute.Run",
        "worker": "gcp.compute.GKE",
        "function": "gcp.compute.Functions",
        "cache": "gcp.database.Memorystore",
        "database": "gcp.database.SQL",
        "queue": "gcp.analytics.Pubsub",
        "object_storage": "gcp.storage.GCS",
        "search": "gcp.analytics.DataCatalog",
        "monitoring": "gcp.operations.Monitoring",
    },
    "azure": _PEOPLE
    | {
        "dns": "azure.network.DNSZones",
        "cdn": "azure.network.CDNProfiles",
        "load_balancer": "azure.network.LoadBalancers",
        "api_gateway": "azure.integration.APIManagement",
        "web": "azure.compute.AppServices",
        "service": "azure.compute.ContainerInstances",
        "worker": "azure.compute.VM",
        "function": "azure.compute.FunctionApps",
        "cache": "azure.database.CacheForRedis",
        "database": "azure.database.SQLDatabases",
        "queue": "azure.integration.ServiceBus",
        "object_storage": "azure.storage.BlobStorage",
        "search": "azure.web.Search",
        "monitoring": "azure.monitor.Monitor",
    },
    "onprem": _PEOPLE
    | {
        "dns": "onprem.network.Bind9",
        "cdn": "onprem.network.Internet",
        "load_balancer": "onprem.network.Haproxy",
        "api_gateway": "onprem.network.Kong",
        "web": "onprem.network.Nginx",
        "service": "onprem.compute.Server",
        "worker": "onprem.queue.Celery",
        "function": "onprem.compute.Server",
        "cache": "onprem.inmemory.Redis",
        "database": "onprem.database.Postgresql",
        "queue": "onprem.queue.Kafka",
        "object_storage": "onprem.storage.Ceph",
        "search": "onprem.search.Solr",
        "monitoring": "onprem.monitoring.Prometheus",
    },
    "k8s": _PEOPLE
    | {
        "dns": "k8s.network.Endpoint",
        "cdn": "k8s.network.Ingress",
        "load_balancer": "k8s.network.Service",
        "api_gateway": "k8s.network.Ingress",
        "web": "k8s.compute.Deploy",
        "service": "k8s.compute.Deploy",
        "worker": "k8s.compute.Job",
        "function": "k8s.compute.Pod",
        "cache": "k8s.compute.StatefulSet",
        "database": "k8s.compute.StatefulSet",
        "queue": "k8s.compute.StatefulSet",
        "object_storage": "k8s.storage.PV",
        "search": "k8s.compute.StatefulSet",
        "monitoring": "k8s.compute.DaemonSet",
    },
}

_NOT_A_LETTER = re.compile(r"[^a-z0-9]")


def engine_key(engine: str | None) -> str:
    """Return how an engine is looked up: lower case letters and digits only (`Cloud Functions` → `cloudfunctions`)."""
    return _NOT_A_LETTER.sub("", (engine or "").lower())


@functools.cache
def known_engines() -> dict[str, tuple[str, ...]]:
    """Return every engine name archgen draws, with the icons that may draw it (best first)."""
    from archgen.icon_catalogue import ENGINES

    return ENGINES | {key: (icon,) for key, icon in ALIASES.items()}


def engine_icons(engine: str | None) -> tuple[str, ...]:
    """Return the icons that may draw an engine, whether it is written in the singular or the plural.

    `app_service` and `app_services`, `cloud_function` and `cloud_functions` are one engine.
    """
    engines, key = known_engines(), engine_key(engine)
    if not key:
        return ()
    for spelling in (key, key[:-1] if key.endswith("s") else f"{key}s", key[:-2] if key.endswith("es") else ""):
        if spelling in engines:
            return engines[spelling]
    return ()


def icon_of(kind: str, engine: str | None, icons: str = "generic") -> str:
    """Return a component's icon: its engine's (the icon set's provider's when it ships one), else its kind's."""
    choices = engine_icons(engine)
    preferred = [icon for icon in choices if icon.startswith(f"{icons}.")]
    return (preferred or list(choices) or [ROLE_ICONS[icons][kind]])[0]


def catalogue_from_diagrams() -> dict[str, tuple[str, ...]]:
    """Read diagrams' own catalogue: every node class and alias of the providers, by engine key."""
    import importlib
    import pkgutil

    from diagrams import Node

    engines: dict[str, list[str]] = {}
    for provider in PROVIDERS:
        package = importlib.import_module(f"diagrams.{provider}")
        for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
            if f"{provider}.{module_info.name}" in NOT_ENGINES:
                continue
            module = importlib.import_module(f"diagrams.{provider}.{module_info.name}")
            for name, value in sorted(vars(module).items()):
                if isinstance(value, type) and issubclass(value, Node) and value.__module__ == module.__name__:
                    if getattr(value, "_icon", None):
                        icon = f"{provider}.{module_info.name}.{value.__name__}"
                        icons = engines.setdefault(engine_key(name), [])
                        if icon not in icons:
                            icons.append(icon)
    return {key: tuple(icons) for key, icons in sorted(engines.items())}


def write_catalogue(path: Path) -> None:
    """Write the catalogue module `known_engines` reads."""
    lines = [
        '"""Every engine name diagrams ships an icon for, by key; written by `python -m archgen.icons`."""',
        "",
        "ENGINES: dict[str, tuple[str, ...]] = {",
        *(f"    {key!r}: {icons!r}," for key, icons in catalogue_from_diagrams().items()),
        "}",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    write_catalogue(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("icon_catalogue.py"))
