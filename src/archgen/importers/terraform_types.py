"""What Terraform resources are in a design: the tables `terraform` reads deployments with (docs/import.md).

`RESOURCES` maps a resource type to a component (kind, engine, managed, how many instances);
`WIRING` are the resources calls pass through; `JOINS` the wiring that joins a caller to a
callee through two of its attributes; `POOLS` are called by their load balancer and call what
registers in them; `MEMBERS` are counted in their store; `NOT_CALLS` are attributes that name
what deploys or watches a resource, not what it calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archgen.importers.evidence import Evidence


@dataclass
class Resource:
    """A resource (all instances of a `count` or `for_each` together) and what its attributes refer to."""

    address: str
    type: str
    name: str
    values: dict[str, Any]
    evidence: Evidence
    count: int = 1
    refs: dict[str, set[str]] = field(default_factory=dict)
    #: The zones its instances name, in order (`availability_zone`, `zone`, `zones`, …).
    zones: list[str] = field(default_factory=list)


def _number(value: Any, default: int = 1) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default


def _first(value: Any) -> dict[str, Any]:
    """Return a nested block's first entry (blocks are lists of mappings in both formats)."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def _instances(resource: Resource) -> int:
    return max(1, resource.count)


def _at_least_one(key: str) -> Callable[[Resource], int]:
    return lambda resource: max(1, _number(resource.values.get(key)))


def _rds(resource: Resource) -> int:
    return 2 if resource.values.get("multi_az") is True else 1


def _elasticache(resource: Resource) -> int:
    values = resource.values
    for key in ("num_cache_clusters", "number_cache_clusters"):
        if _number(values.get(key), 0):
            return _number(values[key])
    per_shard = values.get("replicas_per_node_group")
    return 1 + _number(per_shard, 0) if per_shard is not None else 1


def _cloud_sql(resource: Resource) -> int:
    return 2 if _first(resource.values.get("settings")).get("availability_type") == "REGIONAL" else 1


def _memorystore(resource: Resource) -> int:
    return 2 if resource.values.get("tier") == "STANDARD_HA" else 1


def _azure_redis(resource: Resource) -> int:
    return 2 if str(resource.values.get("sku_name", "")).lower() in ("standard", "premium") else 1


def _azure_ha(resource: Resource) -> int:
    return 2 if _first(resource.values.get("high_availability")).get("mode") else 1


def _scale_set(resource: Resource) -> int:
    return max(1, _number(resource.values.get("instances")))


def _container_app(resource: Resource) -> int:
    return max(1, _number(_first(resource.values.get("template")).get("min_replicas")))


def _kubernetes(resource: Resource) -> int:
    """Return a Kubernetes workload's replicas (`spec[0].replicas` of the Terraform kubernetes provider)."""
    replicas = _first(resource.values.get("spec")).get("replicas")
    number = int(replicas) if isinstance(replicas, (int, str)) and str(replicas).isdigit() else 1
    return max(1, number)


def _mq(resource: Resource) -> int:
    return 2 if "MULTI_AZ" in str(resource.values.get("deployment_mode", "")) else 1


@dataclass(frozen=True)
class Mapping:
    """What a resource type becomes: kind, engine (or how to tell it), managed, and how many instances."""

    kind: str
    engine: str | Callable[[Resource], str | None] | None = None
    managed: bool = True
    replicas: Callable[[Resource], int] | None = None


def _lb_engine(resource: Resource) -> str:
    return {"network": "nlb", "gateway": "elb"}.get(str(resource.values.get("load_balancer_type")), "alb")


def _mq_engine(resource: Resource) -> str | None:
    engine = str(resource.values.get("engine_type", "")).lower()
    return engine or None


def _ecs_engine(resource: Resource) -> str:
    return "fargate" if resource.values.get("launch_type") == "FARGATE" else "ecs"


RESOURCES: dict[str, Mapping] = {
    # AWS
    "aws_lb": Mapping("load_balancer", _lb_engine),
    "aws_alb": Mapping("load_balancer", _lb_engine),
    "aws_elb": Mapping("load_balancer", "elb"),
    "aws_instance": Mapping("service", None, False, _instances),
    "aws_autoscaling_group": Mapping("service", None, False, _at_least_one("min_size")),
    "aws_ecs_service": Mapping("service", _ecs_engine, False, _at_least_one("desired_count")),
    "aws_lambda_function": Mapping("function", "lambda"),
    "aws_db_instance": Mapping("database", "rds", True, _rds),
    "aws_rds_cluster": Mapping("database", "aurora", True, lambda resource: 1),
    "aws_docdb_cluster": Mapping("database", "documentdb", True, lambda resource: 1),
    "aws_dynamodb_table": Mapping("database", "dynamodb"),
    "aws_elasticache_replication_group": Mapping("cache", "elasticache", True, _elasticache),
    "aws_elasticache_cluster": Mapping("cache", "elasticache"),
    "aws_memorydb_cluster": Mapping("cache", "memorydb"),
    "aws_s3_bucket": Mapping("object_storage", "s3"),
    "aws_efs_file_system": Mapping("object_storage", "efs"),
    "aws_sqs_queue": Mapping("queue", "sqs"),
    "aws_sns_topic": Mapping("queue", "sns"),
    "aws_kinesis_stream": Mapping("queue", "kinesis"),
    "aws_msk_cluster": Mapping("queue", "msk"),
    "aws_mq_broker": Mapping("queue", _mq_engine, True, _mq),
    "aws_cloudwatch_event_bus": Mapping("queue", "eventbridge"),
    "aws_opensearch_domain": Mapping("search", "opensearch"),
    "aws_elasticsearch_domain": Mapping("search", "opensearch"),
    "aws_cloudfront_distribution": Mapping("cdn", "cloudfront"),
    "aws_route53_zone": Mapping("dns", "route53"),
    "aws_api_gateway_rest_api": Mapping("api_gateway", "apigateway"),
    "aws_apigatewayv2_api": Mapping("api_gateway", "apigateway"),
    "aws_cognito_user_pool": Mapping("service", "cognito"),
    # Kubernetes workloads deployed by Terraform (the kubernetes provider)
    "kubernetes_deployment": Mapping("service", None, False, _kubernetes),
    "kubernetes_deployment_v1": Mapping("service", None, False, _kubernetes),
    "kubernetes_stateful_set": Mapping("service", None, False, _kubernetes),
    "kubernetes_stateful_set_v1": Mapping("service", None, False, _kubernetes),
    # Google Cloud
    "google_compute_instance": Mapping("service", None, False, _instances),
    "google_compute_instance_group_manager": Mapping("service", None, False, _at_least_one("target_size")),
    "google_compute_region_instance_group_manager": Mapping("service", None, False, _at_least_one("target_size")),
    "google_cloud_run_service": Mapping("service", "cloudrun"),
    "google_cloud_run_v2_service": Mapping("service", "cloudrun"),
    "google_cloudfunctions_function": Mapping("function", "cloudfunctions"),
    "google_cloudfunctions2_function": Mapping("function", "cloudfunctions"),
    "google_sql_database_instance": Mapping("database", "cloudsql", True, _cloud_sql),
    "google_spanner_instance": Mapping("database", "spanner"),
    "google_bigtable_instance": Mapping("database", "bigtable"),
    "google_firestore_database": Mapping("database", "firestore"),
    "google_bigquery_dataset": Mapping("database", "bigquery"),
    "google_redis_instance": Mapping("cache", "memorystore", True, _memorystore),
    "google_storage_bucket": Mapping("object_storage", "gcs"),
    "google_pubsub_topic": Mapping("queue", "pubsub"),
    "google_compute_url_map": Mapping("load_balancer", "cloudloadbalancing"),
    # A backend with `enable_cdn` (see CLOUD_CDN); without it, a backend is wiring.
    "cloud_cdn": Mapping("cdn", "cdn"),
    "google_dns_managed_zone": Mapping("dns", "clouddns"),
    # Azure
    "azurerm_linux_web_app": Mapping("service", "appservice"),
    "azurerm_windows_web_app": Mapping("service", "appservice"),
    "azurerm_app_service": Mapping("service", "appservice"),
    "azurerm_linux_function_app": Mapping("function", "azurefunctions"),
    "azurerm_windows_function_app": Mapping("function", "azurefunctions"),
    "azurerm_function_app": Mapping("function", "azurefunctions"),
    "azurerm_container_app": Mapping("service", None, False, _container_app),
    "azurerm_linux_virtual_machine": Mapping("service", None, False, _instances),
    "azurerm_windows_virtual_machine": Mapping("service", None, False, _instances),
    "azurerm_linux_virtual_machine_scale_set": Mapping("service", None, False, _scale_set),
    "azurerm_windows_virtual_machine_scale_set": Mapping("service", None, False, _scale_set),
    "azurerm_postgresql_flexible_server": Mapping("database", "postgresql", True, _azure_ha),
    "azurerm_mysql_flexible_server": Mapping("database", "mysql", True, _azure_ha),
    "azurerm_mssql_database": Mapping("database", "azuresql"),
    "azurerm_cosmosdb_account": Mapping("database", "cosmosdb"),
    "azurerm_redis_cache": Mapping("cache", "azurecacheforredis", True, _azure_redis),
    "azurerm_storage_account": Mapping("object_storage", "blobstorage"),
    "azurerm_servicebus_namespace": Mapping("queue", "servicebus"),
    "azurerm_eventhub_namespace": Mapping("queue", "eventhubs"),
    "azurerm_application_gateway": Mapping("load_balancer", "applicationgateway"),
    "azurerm_lb": Mapping("load_balancer"),
    "azurerm_cdn_frontdoor_profile": Mapping("cdn", "frontdoor"),
    "azurerm_frontdoor": Mapping("cdn", "frontdoor"),
    "azurerm_api_management": Mapping("api_gateway", "apimanagement"),
    "azurerm_dns_zone": Mapping("dns", "azuredns"),
}

#: Resources that only wire others together: calls pass through them.
WIRING = frozenset(
    {
        "aws_ecs_task_definition",
        "aws_launch_template",
        "aws_launch_configuration",
        "aws_lb_target_group",
        "aws_alb_target_group",
        "aws_api_gateway_resource",
        "aws_api_gateway_method",
        "aws_apigatewayv2_route",
        "aws_apigatewayv2_stage",
        "aws_lambda_alias",
        "aws_service_discovery_service",
        "aws_lambda_permission",
        "google_compute_global_forwarding_rule",
        "google_compute_backend_service",
        "google_compute_region_backend_service",
        "google_compute_backend_bucket",
        "google_compute_target_http_proxy",
        "google_compute_target_https_proxy",
        "google_compute_region_network_endpoint_group",
        "google_compute_autoscaler",
        "google_compute_instance_template",
        "google_compute_region_instance_template",
        "google_compute_region_autoscaler",
        "azurerm_service_plan",
        "azurerm_app_service_plan",
        "azurerm_servicebus_queue",
        "azurerm_servicebus_topic",
        "azurerm_eventhub",
        "azurerm_cdn_frontdoor_endpoint",
    }
)

#: Wiring resources that join two others: (attributes naming the caller's side, the callee's side).
JOINS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "aws_lb_listener": (("load_balancer_arn",), ("default_action",)),
    "aws_alb_listener": (("load_balancer_arn",), ("default_action",)),
    "aws_lb_listener_rule": (("listener_arn",), ("action",)),
    "aws_lb_target_group_attachment": (("target_group_arn",), ("target_id",)),
    "aws_autoscaling_attachment": (("lb_target_group_arn", "alb_target_group_arn", "elb"), ("autoscaling_group_name",)),
    "aws_lambda_event_source_mapping": (("event_source_arn",), ("function_name",)),
    "aws_sns_topic_subscription": (("topic_arn",), ("endpoint",)),
    "aws_cloudwatch_event_target": (("event_bus_name", "rule"), ("arn",)),
    "aws_api_gateway_integration": (("rest_api_id",), ("uri",)),
    "aws_apigatewayv2_integration": (("api_id",), ("integration_uri",)),
    "google_pubsub_subscription": (("topic",), ("push_config",)),
    "azurerm_cdn_frontdoor_origin_group": (("cdn_frontdoor_profile_id",), ()),
    "azurerm_cdn_frontdoor_origin": (("cdn_frontdoor_origin_group_id",), ("host_name",)),
}

#: A load balancer's pool: called by its balancer, it calls what is registered in it.
POOLS = frozenset({"aws_lb_target_group", "aws_alb_target_group"})

#: Members counted in their store: (the attribute naming the store, what they add).
MEMBERS: dict[str, tuple[str, str]] = {
    "aws_rds_cluster_instance": ("cluster_identifier", "cluster instance"),
    "aws_docdb_cluster_instance": ("cluster_identifier", "cluster instance"),
    "aws_db_instance": ("replicate_source_db", "read replica"),
    "google_sql_database_instance": ("master_instance_name", "read replica"),
}

#: Attributes that name what a resource is deployed from or with, not what it calls when running.
NOT_CALLS = frozenset(
    {
        "s3_bucket",
        "s3_key",
        "source_archive_bucket",
        "source_archive_object",
        "build_config",
        "logging_config",
        "redrive_policy",
        "dead_letter_config",
        "role",
        "execution_role_arn",
        "task_role_arn",
        "kms_key_id",
        "kms_key_arn",
    }
)

#: Platforms that run workloads: not components themselves (their workloads are).
PLATFORMS = frozenset(
    {
        "aws_ecs_cluster",
        "aws_eks_cluster",
        "aws_eks_node_group",
        "google_container_cluster",
        "google_container_node_pool",
        "azurerm_kubernetes_cluster",
        "azurerm_kubernetes_cluster_node_pool",
    }
)

#: Kinds that receive traffic from outside when nothing of the deployment fronts them.
ENTRY_KINDS = frozenset({"dns", "cdn", "api_gateway", "load_balancer"})
#: What fronts another entry point: a CDN, a gateway or a load balancer that calls it (Cloud CDN sits
#: behind a URL map; a public ALB behind CloudFront).
FRONT_KINDS = frozenset({"cdn", "api_gateway", "load_balancer"})
#: Google Cloud backends that are Cloud CDN when `enable_cdn` is set (and wiring otherwise).
CLOUD_CDN = frozenset({"google_compute_backend_bucket", "google_compute_backend_service"})
