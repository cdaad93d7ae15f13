"""Published availability figures: archgen's defaults and the SLAs of common managed engines.

An engine's `service` figure is the provider's commitment for the whole managed service (a
multi-zone deployment where the provider distinguishes); `instance` is its commitment for one
instance, used when a managed component is written with explicit `replicas` (RDS Single-AZ,
an ElastiCache node). Engines are matched by `archgen.icons.engine_key`, singular or plural.
docs/availability.md is generated from this table (`make regen`) and pinned by a test.
"""

from __future__ import annotations

from typing import NamedTuple

from archgen.icons import engine_key


class Published(NamedTuple):
    """What a provider commits to for one engine, and where it says so."""

    product: str
    service: float
    source: str
    instance: float | None = None


#: archgen's own defaults, when neither the component nor the design gives a figure.
DEFAULTS: dict[str, float] = {
    "instance": 99.5,  # one VM or container: EC2's instance-level SLA
    "zone": 99.99,
    "region": 99.995,
    "managed": 99.95,
    "external": 99.9,
}

#: Where each default comes from, for docs/availability.md.
DEFAULT_SOURCES: dict[str, str] = {
    "instance": "Amazon EC2 instance-level SLA (one instance): https://aws.amazon.com/compute/sla/",
    "zone": "Amazon EC2 region-level SLA, read as the figure of one zone: https://aws.amazon.com/compute/sla/",
    "region": "half the downtime of a zone: a region-wide outage is rarer than a zone's",
    "managed": "the most common figure of a managed database or queue in the table below",
    "external": "the most common figure of a third-party API (payments, e-mail, maps)",
}

_AWS = "https://aws.amazon.com/"
_GCP = "https://cloud.google.com/"
_AZURE = "https://www.microsoft.com/licensing/docs/view/Service-Level-Agreements-SLA-for-Online-Services"

#: Engine key → published figure. Keys are `engine_key` spellings (lower case, letters and digits).
ENGINES: dict[str, Published] = {
    # Amazon Web Services
    "s3": Published("Amazon S3 Standard", 99.9, _AWS + "s3/sla/"),
    "dynamodb": Published("Amazon DynamoDB", 99.99, _AWS + "dynamodb/sla/"),
    "rds": Published("Amazon RDS (Multi-AZ; Single-AZ per instance)", 99.95, _AWS + "rds/sla/", 99.5),
    "aurora": Published("Amazon Aurora (Multi-AZ; Single-AZ per instance)", 99.99, _AWS + "rds/aurora/sla/", 99.9),
    "elasticache": Published("Amazon ElastiCache (Multi-AZ; one node)", 99.99, _AWS + "elasticache/sla/", 99.9),
    "memorydb": Published("Amazon MemoryDB", 99.99, _AWS + "memorydb/sla/"),
    "documentdb": Published("Amazon DocumentDB", 99.9, _AWS + "documentdb/sla/"),
    "sqs": Published("Amazon SQS", 99.9, _AWS + "messaging/sla/"),
    "sns": Published("Amazon SNS", 99.9, _AWS + "messaging/sla/"),
    "kinesis": Published("Amazon Kinesis Data Streams", 99.9, _AWS + "kinesis/sla/"),
    "msk": Published("Amazon MSK", 99.9, _AWS + "msk/sla/"),
    "eventbridge": Published("Amazon EventBridge", 99.99, _AWS + "eventbridge/sla/"),
    "lambda": Published("AWS Lambda", 99.95, _AWS + "lambda/sla/"),
    "cloudfront": Published("Amazon CloudFront", 99.9, _AWS + "cloudfront/sla/"),
    "route53": Published("Amazon Route 53 (DNS queries)", 100.0, _AWS + "route53/sla/"),
    "elb": Published("Elastic Load Balancing", 99.99, _AWS + "elasticloadbalancing/sla/"),
    "alb": Published("Elastic Load Balancing (Application)", 99.99, _AWS + "elasticloadbalancing/sla/"),
    "nlb": Published("Elastic Load Balancing (Network)", 99.99, _AWS + "elasticloadbalancing/sla/"),
    "apigateway": Published("Amazon API Gateway", 99.95, _AWS + "api-gateway/sla/"),
    "cognito": Published("Amazon Cognito", 99.9, _AWS + "cognito/sla/"),
    "opensearch": Published("Amazon OpenSearch Service", 99.9, _AWS + "opensearch-service/sla/"),
    "ecs": Published("Amazon ECS (region level)", 99.99, _AWS + "compute/sla/"),
    "fargate": Published("AWS Fargate (region level)", 99.99, _AWS + "compute/sla/"),
    "eks": Published("Amazon EKS (control plane)", 99.95, _AWS + "eks/sla/"),
    "efs": Published("Amazon EFS Standard", 99.99, _AWS + "efs/sla/"),
    # Google Cloud
    "cloudsql": Published("Cloud SQL (Enterprise, high availability)", 99.95, _GCP + "sql/sla"),
    "memorystore": Published("Memorystore for Redis (Standard tier)", 99.9, _GCP + "memorystore/docs/redis/sla"),
    "spanner": Published("Spanner (regional)", 99.99, _GCP + "spanner/sla"),
    "pubsub": Published("Pub/Sub", 99.95, _GCP + "pubsub/sla"),
    "gcs": Published("Cloud Storage (Standard, regional)", 99.9, _GCP + "storage/sla"),
    "cloudstorage": Published("Cloud Storage (Standard, regional)", 99.9, _GCP + "storage/sla"),
    "firestore": Published("Firestore (regional)", 99.99, _GCP + "firestore/sla"),
    "bigtable": Published("Bigtable (single cluster)", 99.9, _GCP + "bigtable/sla"),
    "bigquery": Published("BigQuery", 99.99, _GCP + "bigquery/sla"),
    "cloudrun": Published("Cloud Run", 99.95, _GCP + "run/sla"),
    "cloudfunctions": Published("Cloud Functions", 99.95, _GCP + "functions/sla"),
    "cloudloadbalancing": Published("Cloud Load Balancing", 99.99, _GCP + "load-balancing/sla"),
    "clouddns": Published("Cloud DNS", 100.0, _GCP + "dns/sla"),
    # Microsoft Azure
    "azuresql": Published("Azure SQL Database", 99.99, _AZURE),
    "sqldatabase": Published("Azure SQL Database", 99.99, _AZURE),
    "cosmosdb": Published("Azure Cosmos DB (one region)", 99.99, _AZURE),
    "servicebus": Published("Azure Service Bus (Standard)", 99.9, _AZURE),
    "eventhubs": Published("Azure Event Hubs (Standard)", 99.95, _AZURE),
    "frontdoor": Published("Azure Front Door", 99.99, _AZURE),
    "azurecacheforredis": Published("Azure Cache for Redis (Standard)", 99.9, _AZURE),
    "blobstorage": Published("Azure Blob Storage (LRS, hot)", 99.9, _AZURE),
    "azurefunctions": Published("Azure Functions", 99.95, _AZURE),
    "appservice": Published("Azure App Service", 99.95, _AZURE),
    "applicationgateway": Published("Azure Application Gateway", 99.95, _AZURE),
    "apimanagement": Published("Azure API Management", 99.95, _AZURE),
    "azuredns": Published("Azure DNS", 100.0, _AZURE),
}


def published(engine: str | None) -> Published | None:
    """Return the published figure of an engine (singular or plural), or None."""
    key = engine_key(engine)
    if not key:
        return None
    return ENGINES.get(key) or ENGINES.get(key.removesuffix("s")) or ENGINES.get(f"{key}s")


PAGE_HEAD = """# Availability in nines

`archgen estimate` prints, and the design doc shows, the availability of each entry point and
flow: the probability that it is not broken, computed exactly from the same failure model as
the single-point-of-failure check (docs/spec.md), with every unit failing independently.
REL009 reports a user-facing entry point (or a flow, when the design declares flows) below
`requirements.non_functional.availability`.

## What fails, and how often

- **Units.** Every instance of a self-run component (and of a managed one written with
  `replicas` or `autoscale`), every read replica, every managed component otherwise (one unit:
  the whole service), every third party (`external`), every shared `host`, every zone, and
  every region when the design declares two or more. Clients and monitoring never fail.
- **An instance is up** when it, its zone and its zone's region are. A redundant group is lost
  when all its instances are (with the read replicas that take over writes); a store with
  `failover: none` is lost with its first instance, which sits in the first zone; a managed
  component is lost when its service is, or when every zone it spans is.
- **Figures.** `availability:` on a component is per instance when it is self-run (or managed
  with `replicas`; its read replicas use the same figure), and for the whole service when it is
  managed or external. Otherwise the engine's published figure below; otherwise the design's
  `availability:` default of its class (`instance`, `managed`, `external`; `zone`, `region`
  for those); otherwise archgen's default. `archgen estimate --verbose` names every managed
  component that fell back to the `managed` default.
- **Decided readings.** `failover: manual` counts as a redundant group (the promotion time is
  REL004's concern, not modelled here). A zone's loss counts against availability even where
  REL002 leaves the component to REL001 (one root cause there, one figure here). Shards: the
  figure is what one request sees. A pipeline fed only by components that are all down is not
  broken (nothing to do), as in the failure analysis.
- **Exact, not sampled.** The structure is compiled into a binary decision diagram (regions,
  zones, then each component's instances in spec order) and summed once; contributors are the
  three parts whose perfect reliability would remove the most downtime (a component's
  instances together, a zone, a third party), with the share of the downtime each removes.
  A design whose diagram outgrows 1,000,000 nodes gets no figure and says so; archgen never
  prints a sampled figure as exact.

## archgen's defaults

| Unit | Percent up | Source |
|---|---|---|
"""

ENGINE_HEAD = """
## Published figures of managed engines

An engine matches whatever its spelling (`Cloud SQL`, `cloud_sql`, `cloudsql`), singular or
plural. "Per instance" is used for a managed component written with explicit `replicas`.

| Engine | Product | Percent up | Per instance | Source |
|---|---|---|---|---|
"""


def page() -> str:
    """Return docs/availability.md: the model, the defaults and the engine table with their sources."""
    lines = [PAGE_HEAD]
    lines += [f"| {name} | {value:g} | {DEFAULT_SOURCES[name]} |\n" for name, value in DEFAULTS.items()]
    lines.append(ENGINE_HEAD)
    for key, figure in sorted(ENGINES.items()):
        instance = f"{figure.instance:g}" if figure.instance is not None else "—"
        lines.append(f"| `{key}` | {figure.product} | {figure.service:g} | {instance} | <{figure.source}> |\n")
    return "".join(lines)


if __name__ == "__main__":
    print(page(), end="")
