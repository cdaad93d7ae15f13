"""What an image is: the kind and engine of a container, from its image name (DESIGN.md §9).

Matched in order against the image's repository path, lower case, without registry or tag:
the first entry whose word appears as a path segment or a dash-separated part of the last
segment wins (`bitnami/kafka`, `confluentinc/cp-kafka`, `jaegertracing/all-in-one`). An image
that says nothing stays a `service` named after its container.
"""

from __future__ import annotations

import re

#: (word in the image, kind, engine). Monitoring, tracing and log agents are `monitoring`:
#: they observe, and a call to them is no dependency.
IMAGES: tuple[tuple[str, str, str], ...] = (
    ("postgres", "database", "postgresql"),
    ("postgresql", "database", "postgresql"),
    ("postgis", "database", "postgresql"),
    ("mysql", "database", "mysql"),
    ("mariadb", "database", "mariadb"),
    ("mongo", "database", "mongodb"),
    ("mongodb", "database", "mongodb"),
    ("cassandra", "database", "cassandra"),
    ("cockroach", "database", "cockroachdb"),
    ("mssql", "database", "sqlserver"),
    ("redis", "cache", "redis"),
    ("valkey", "cache", "valkey"),
    ("memcached", "cache", "memcached"),
    ("rabbitmq", "queue", "rabbitmq"),
    ("kafka", "queue", "kafka"),
    ("nats", "queue", "nats"),
    ("activemq", "queue", "activemq"),
    ("nginx", "load_balancer", "nginx"),
    ("haproxy", "load_balancer", "haproxy"),
    ("envoy", "load_balancer", "envoy"),
    ("traefik", "load_balancer", "traefik"),
    ("caddy", "load_balancer", "caddy"),
    ("elasticsearch", "search", "elasticsearch"),
    ("opensearch", "search", "opensearch"),
    ("solr", "search", "solr"),
    ("minio", "object_storage", "minio"),
    ("prometheus", "monitoring", "prometheus"),
    ("grafana", "monitoring", "grafana"),
    ("jaeger", "monitoring", "jaeger"),
    ("jaegertracing", "monitoring", "jaeger"),
    ("zipkin", "monitoring", "zipkin"),
    ("opentelemetry-collector", "monitoring", "opentelemetry"),
    ("otel", "monitoring", "opentelemetry"),
    ("fluent-bit", "monitoring", "fluentbit"),
    ("fluentd", "monitoring", "fluentd"),
    ("loki", "monitoring", "loki"),
    ("kibana", "monitoring", "kibana"),
    ("logstash", "monitoring", "logstash"),
)


def classify(image: str) -> tuple[str, str | None]:
    """Return the kind and engine an image implies: `service` and no engine when it says nothing."""
    path = image.lower().split("@")[0]
    last = path.rsplit("/", 1)[-1].split(":")[0]
    segments = [part.split(":")[0] for part in path.split("/")]
    words = {*segments, *last.split("-"), last}
    for word, kind, engine in IMAGES:
        if word in words:
            return kind, engine
    return "service", None


#: A host named in an environment value: alone, after `scheme://`, `user@` or `//`, or after a
#: separator, and followed by a port, a path, a separator or the end (`db`, `cart:7070`,
#: `redis://cache:6379/0`, `postgres://u:p@db:5432/x`, `db.shop.svc.cluster.local`).
_HOST = re.compile(r"(?:^|://|@|//|[=,;\s])([A-Za-z0-9][A-Za-z0-9._\-]*)(?=:\d+|/|$|[,;\s?])")


def hosts(value: str) -> set[str]:
    """Return the host names an environment value mentions."""
    return {match.group(1) for match in _HOST.finditer(value)}


_NOT_IN_AN_ID = re.compile(r"[^A-Za-z0-9_\-]")


def component_id(name: str, prefix: str) -> str:
    """Make a deployment's name a component id: letters, digits, _ and -, starting with a letter (else `prefix`)."""
    cleaned = _NOT_IN_AN_ID.sub("_", name)
    return cleaned if cleaned[:1].isalpha() else f"{prefix}{cleaned}"


_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@/\s]+@")


def redact(value: str) -> str:
    """Return a value as evidence shows it: a password in a URL (`postgres://u:secret@db`) is not written."""
    return _PASSWORD.sub(r"\1***@", value)
