"""`archgen import` on real Compose files: the reviewer's design, by meaning, with evidence on every line."""

from __future__ import annotations

import json
import os
import re
import sys

import pytest

from archgen.analysis.compare import compare
from archgen.api import load_design
from archgen.loader import load_text
from tests import conftest
from tests.conftest import FIXTURES, run_cli

COMPOSE = FIXTURES / "import" / "compose"
KUBERNETES = FIXTURES / "import" / "kubernetes"
TERRAFORM = FIXTURES / "import" / "terraform"
CASES = {
    "go-postgres-rabbitmq": COMPOSE / "go-postgres-rabbitmq" / "compose.yaml",
    "java-mysql": COMPOSE / "java-mysql" / "compose.yaml",
    "nextcloud": COMPOSE / "nextcloud" / "docker-compose.yaml",
    "voting-app": COMPOSE / "voting-app" / "docker-compose.yml",
    "mapping": COMPOSE / "mapping" / "compose.yaml",
    "stack": COMPOSE / "mapping" / "stack.yaml",
    "replicas": COMPOSE / "replicas" / "compose.yaml",
    "env-files": COMPOSE / "env-files" / "compose.yaml",
    "online-boutique": KUBERNETES / "online-boutique" / "kubernetes-manifests.yaml",
    "k8s-mapping": KUBERNETES / "mapping" / "manifests.yaml",
    "guestbook": KUBERNETES / "guestbook" / "guestbook-all-in-one.yaml",
    "opensearch-helm": KUBERNETES / "opensearch-helm" / "statefulset.yaml",
    "server-db-elb": TERRAFORM / "server-db-elb",
    "webserver-cluster": TERRAFORM / "webserver-cluster" / "main.tf",
    "infracost-small": TERRAFORM / "infracost-small" / "plan.json",
    "tf-mapping": TERRAFORM / "mapping" / "plan.json",
    "tf-mapping-hcl": TERRAFORM / "mapping-tf",
}
EXPECTED = {
    name: (
        path.parent / "stack.expected.yaml"
        if name == "stack"
        else (path if path.is_dir() else path.parent) / "expected.yaml"
    )
    for name, path in CASES.items()
}


@pytest.mark.parametrize("case", CASES)
def test_each_file_imports_into_the_reviewers_design(case):
    result = run_cli("import", CASES[case], "--name", case)
    assert result.code == 0, result.err
    imported = load_text(result.out, file="<imported>").design
    expected = load_design(EXPECTED[case]).design.model_copy(update={"name": case})
    difference = compare(expected, imported)
    assert difference.empty, difference.changes
    # Every component and every call names its evidence: the file and the line.
    body = result.out[result.out.index("components:") :]
    for line in body.splitlines()[1:]:
        if line.startswith("  ") and line.rstrip().endswith(":") is False and line.lstrip().startswith("- "):
            assert re.search(r"# from \S+:\d+ ", line), line
        if re.match(r"^  [A-Za-z][\w-]*:", line):
            assert re.search(r"# from \S+:\d+ ", line), line


def test_evidence_points_at_the_lines_that_say_so():
    out = run_cli("import", CASES["java-mysql"]).out
    assert "      - db  # from tests/fixtures/import/compose/java-mysql/compose.yaml:8 env MYSQL_HOST=db; " in out
    assert "env MYSQL_HOST=db; from tests/fixtures/import/compose/java-mysql/compose.yaml:13 depends_on\n" in out
    assert (
        "      - backend  # from tests/fixtures/import/compose/java-mysql/compose.yaml:50 depends_on"
        " (it orders start-up only: nothing else says it calls)\n"
    ) in out
    mapping = run_cli("import", CASES["mapping"]).out
    assert "Note: service 'shop.api' is component 'shop_api'" in mapping
    assert "Note: service 'debug-shell' is in a profile (not started by default): not imported" in mapping
    assert "jaeger" not in mapping.split("  shop_api:")[1].split("  orders-db:")[0], "an agent is no dependency"


def test_an_imported_compose_file_lints_with_its_one_host_named(tmp_path):
    spec = tmp_path / "mapping.yaml"
    assert run_cli("import", CASES["mapping"], "-o", spec).code == 0
    findings = json.loads(run_cli("lint", spec, "--format", "json", "--select", "REL").out)
    # Three replicas of the API on one machine: the host is the single point of failure REL002 names.
    host = [f for f in findings if f["code"] == "REL002"]
    assert [f["zone"] for f in host] == ["host"] and "shop_api" in host[0]["lost"]
    assert {f["component"] for f in findings if f["code"] == "REL001"} >= {"gateway", "orders-db", "cache"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("services:\n  a: {image: x\n", "not valid YAML"),
        ("services:\n  a:\n    extends: {file: base.yaml, service: web}\n", ":3:5: `extends` is not read"),
        ("apiVersion: v1\nkind: Service\n---\nmetadata: {name: a}\n", ":4:1: not a Kubernetes object"),
        ('{"format_version": "1.2", "planned_values": {}}', "no `planned_values` or `values` with a `root_module`"),
        ('{"format_version": "2.0",\n "values": {}}', ":1:2: format_version '2.0' is not one archgen reads"),
        ('{"format_version": "1.2",\n  "values": {"root_module": {]}}', ":2:30: not valid JSON"),
        ("version: '3'\nnetworks: {a: {}}\n", "not a deployment file archgen knows"),
        ("services: [a, b]\n", "a Compose file has a top-level `services` mapping"),
    ],
)
def test_bad_input_is_one_clear_error_and_writes_nothing(tmp_path, text, message):
    source = tmp_path / "compose.yaml"
    source.write_text(text)
    out = tmp_path / "design.yaml"
    result = run_cli("import", source, "-o", out)
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err
    assert not out.exists()


NEXTCLOUD = COMPOSE / "nextcloud"


def test_the_reviewers_design_has_no_drift():
    result = run_cli("import", "--check", NEXTCLOUD / "expected.yaml", CASES["nextcloud"])
    assert result.code == 0, result.out + result.err
    assert result.out == "" and "0 drifts from the deployment" in result.err


def test_drift_is_found_both_ways_with_positions_and_evidence():
    drifted = NEXTCLOUD / "drifted.yaml"
    result = run_cli("import", "--check", drifted, CASES["nextcloud"])
    assert result.code == 1
    shown = "tests/fixtures/import/compose/nextcloud/drifted.yaml"
    compose = "tests/fixtures/import/compose/nextcloud/docker-compose.yaml"
    assert result.out.splitlines() == [
        f"{shown}:7:3: drift: nc runs 2 in the design, 1 deployed",
        f"{shown}:5:1: drift: db is deployed (database) but not in the design (from {compose}:24 image mariadb)",
        f"{shown}:9:3: drift: search is in the design but not deployed",
    ]


def test_drift_json_lists_each_drift(tmp_path):
    written = tmp_path / "nextcloud.yaml"
    written.write_text((NEXTCLOUD / "expected.yaml").read_text().replace("calls: [redis, db]", "calls: [redis]"))
    result = run_cli("import", "--check", written, CASES["nextcloud"], "--format", "json")
    assert result.code == 1
    (drift,) = json.loads(result.out)
    assert drift["kind"] == "call" and drift["component"] == "nc"
    assert drift["message"] == "nc calls db in the deployment, not in the design"
    assert drift["evidence"].endswith("docker-compose.yaml:14 env MYSQL_HOST=db")


def test_kubernetes_evidence_names_the_helm_template_and_the_line():
    out = run_cli("import", CASES["k8s-mapping"]).out
    assert "Note: not imported (they describe no component or call): 1 PodDisruptionBudget" in out
    assert "Note: sessions spreads over zones: write the design's zones and its placement" in out
    assert (
        "      - orders-db  # from tests/fixtures/import/kubernetes/mapping/manifests.yaml:29 "
        "ConfigMap api-config DATABASE_URL=postgres://orders-db.shop.svc.cluster.local:5432/orders "
        "(Source: shop/templates/api-config.yaml)"
    ) in out
    assert "otel" not in out.split("  api:")[1].split("  orders-db:")[0], "an agent outside the input is no call"


def test_a_folder_of_manifests_imports_as_one_design(tmp_path):
    documents = CASES["online-boutique"].read_text().split("\n---\n")
    for index, document in enumerate(documents):
        (tmp_path / f"{index:02}.yaml").write_text(document + "\n")
    result = run_cli("import", tmp_path, "--name", "online-boutique")
    assert result.code == 0, result.err
    imported = load_text(result.out, file="<imported>").design
    expected = load_design(EXPECTED["online-boutique"]).design
    assert compare(expected, imported).empty


def test_compose_and_kubernetes_are_not_mixed(tmp_path):
    result = run_cli("import", CASES["nextcloud"], CASES["online-boutique"])
    assert result.code == 2 and "give one kind of deployment at once" in result.err


def test_a_manifest_too_large_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "manifests.yaml"
    with huge.open("w") as stream:
        stream.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n")
        stream.write("  blob: " + "x" * (17 * 2**20) + "\n")
    result = run_cli("import", huge)
    assert result.code == 2 and "Traceback" not in result.err
    assert "manifests.yaml:1:1: file is 17,825,860 bytes" in result.err and "16,777,216 bytes" in result.err


def test_cyclic_depends_on_imports_and_the_lint_names_the_cycle(tmp_path):
    source = tmp_path / "compose.yaml"
    source.write_text(
        "services:\n  a: {image: app, depends_on: [b], ports: ['80:80']}\n  b: {image: app, depends_on: [a]}\n"
    )
    spec = tmp_path / "design.yaml"
    assert run_cli("import", source, "-o", spec).code == 0
    findings = json.loads(run_cli("lint", spec, "--format", "json", "--select", "STR003").out)
    assert [f["code"] for f in findings] == ["STR003"]


def test_a_primary_and_its_replicas_are_one_store():
    out = run_cli("import", CASES["replicas"]).out
    assert "Note: redis-master and redis-replica are one store, redis, with 2 read replicas" in out
    assert "redis-master" not in out.split("components:")[1].split("#")[0]


def test_check_writes_nothing_and_says_so_when_asked_to(tmp_path):
    out = tmp_path / "x.yaml"
    result = run_cli("import", "--check", NEXTCLOUD / "expected.yaml", CASES["nextcloud"], "-o", out)
    assert result.code == 2 and "--check compares with a written design and writes nothing" in result.err
    assert not out.exists()


def test_terraform_evidence_names_the_resources_and_the_wiring_between_them():
    out = run_cli("import", CASES["tf-mapping"]).out
    assert (
        "      - api  # from tests/fixtures/import/terraform/mapping/plan.json:9 aws_lb.web refers to "
        "aws_ecs_service.api through aws_lb_listener.https\n"
    ) in out
    assert "aws_rds_cluster_instance.catalog: 3 cluster instances are counted in db_catalog" in out
    assert "Note: aws_security_group (1): not imported" in out
    assert (
        "  db_main:  # from tests/fixtures/import/terraform/mapping/plan.json:35 module.db.aws_db_instance.main " in out
    )
    assert "(engine postgres, instance_class db.r6g.large, multi_az true)" in out
    hcl = run_cli("import", CASES["tf-mapping-hcl"]).out
    assert "Note: module 'monitoring' (tests/fixtures/import/terraform/mapping-tf/gcp.tf) is not followed" in hcl
    assert "  web:  # from tests/fixtures/import/terraform/mapping-tf/gcp.tf:37 " in hcl


def test_a_terraform_state_is_read_by_depends_on_and_by_the_values_that_name_other_resources(tmp_path):
    state = {
        "format_version": "1.0",
        "terraform_version": "1.9.8",
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_ecs_service.api",
                        "mode": "managed",
                        "type": "aws_ecs_service",
                        "name": "api",
                        "values": {
                            "desired_count": 2,
                            "task_definition": "arn:aws:ecs:eu-west-1:1:task-definition/api:7",
                        },
                        "depends_on": ["aws_sqs_queue.jobs"],
                    },
                    {
                        "address": "aws_ecs_task_definition.api",
                        "mode": "managed",
                        "type": "aws_ecs_task_definition",
                        "name": "api",
                        "values": {
                            "arn": "arn:aws:ecs:eu-west-1:1:task-definition/api:7",
                            "container_definitions": json.dumps(
                                [
                                    {
                                        "environment": [
                                            {"name": "DB", "value": "orders.abc123.eu-west-1.rds.amazonaws.com"}
                                        ]
                                    }
                                ]
                            ),
                        },
                    },
                    {
                        "address": "aws_db_instance.orders",
                        "mode": "managed",
                        "type": "aws_db_instance",
                        "name": "orders",
                        "values": {"address": "orders.abc123.eu-west-1.rds.amazonaws.com", "multi_az": False},
                    },
                    {
                        "address": "aws_sqs_queue.jobs",
                        "mode": "managed",
                        "type": "aws_sqs_queue",
                        "name": "jobs",
                        "values": {},
                    },
                ]
            }
        },
    }
    source = tmp_path / "state.json"
    source.write_text(json.dumps(state, indent=1))
    result = run_cli("import", source)
    assert result.code == 0, result.err
    design = load_text(result.out, file="<imported>").design
    calls = {(name, *call.targets) for name, component in design.components.items() for call in component.calls}
    assert calls == {("api", "orders"), ("api", "jobs")}
    assert design.components["api"].replicas == 2
    assert "aws_ecs_service.api refers to aws_db_instance.orders through aws_ecs_task_definition.api" in result.out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('resource "aws_instance" "a" {\n  ami = \n}\n', "main.tf:2:9: not valid HCL"),
        ('resource "aws_instance" "a" {\n  count = var.n\n}\n', "its count is not known from the files"),
    ],
)
def test_terraform_files_say_what_they_cannot_read(tmp_path, text, message):
    source = tmp_path / "main.tf"
    source.write_text(text)
    result = run_cli("import", source)
    assert message in result.out + result.err and "Traceback" not in result.err


def test_terraform_and_compose_are_not_imported_at_once(tmp_path):
    result = run_cli("import", CASES["server-db-elb"] / "main.tf", CASES["nextcloud"])
    assert result.code == 2
    assert "give one kind of deployment at once" in result.err


def test_drift_against_a_terraform_plan(tmp_path):
    expected = TERRAFORM / "mapping" / "expected.yaml"
    assert run_cli("import", "--check", expected, CASES["tf-mapping"]).code == 0
    written = tmp_path / "mapping.yaml"
    written.write_text(expected.read_text().replace("replicas: 3", "replicas: 4"))
    result = run_cli("import", "--check", written, CASES["tf-mapping"])
    assert result.code == 1
    assert result.out.splitlines() == [f"{written}:11:3: drift: api runs 4 in the design, 3 deployed"]


def test_tf_files_without_python_hcl2_say_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "hcl2", None)  # as if python-hcl2 were not installed
    result = run_cli("import", CASES["webserver-cluster"])
    assert result.code == 2
    assert "reading .tf files needs python-hcl2: pip install 'archgen[terraform]'" in result.err
    assert run_cli("import", CASES["infracost-small"]).code == 0, "a plan needs nothing more"


def test_a_gateway_api_route_is_an_entry_point(tmp_path):
    manifests = tmp_path / "route.yaml"
    manifests.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\n"
        "spec:\n  replicas: 2\n  template:\n    metadata: {labels: {app: shop}}\n"
        "    spec: {containers: [{name: shop, image: example/shop:1}]}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: shop-svc}\n"
        "spec: {selector: {app: shop}, ports: [{port: 80}]}\n"
        "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: shop-route}\n"
        "spec:\n  parentRefs: [{name: public-gateway}]\n  rules:\n  - backendRefs: [{name: shop-svc, port: 80}]\n"
    )
    result = run_cli("import", manifests)
    assert result.code == 0, result.err
    assert "      - shop-svc  # from " in result.out and "HTTPRoute shop-route → Service shop-svc" in result.out


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("plan.json", '{"format_version": "1.0", "values": {"root_module": {}}}'),
        ("main.tf", 'variable "x" {}\nresource "aws_security_group" "a" {}\n'),
    ],
)
def test_files_with_nothing_that_runs_are_one_clear_error(tmp_path, name, text):
    source = tmp_path / name
    source.write_text(text)
    result = run_cli("import", source, "-o", tmp_path / "out.yaml")
    assert result.code == 2 and "no component to import: nothing in the files runs" in result.err
    assert not (tmp_path / "out.yaml").exists()


def _mutations(document, rng, count):
    """Yield `count` copies of a JSON document, each with one value somewhere replaced by a wrong shape."""
    import copy

    wrong = [None, 0, -1, 1.5, True, "", "x", [], {}, [1, "a"], {"a": None}, "${var.x}", "module.x.y"]
    for _ in range(count):
        mutated = copy.deepcopy(document)
        node, path = mutated, []
        while isinstance(node, (dict, list)) and node and rng.random() < 0.85:
            key = rng.choice(list(node.keys()) if isinstance(node, dict) else range(len(node)))
            path.append((node, key))
            node = node[key]
        if path:
            parent, key = path[-1]
            parent[key] = rng.choice(wrong)
        yield mutated


def test_mutated_terraform_plans_import_or_fail_cleanly(tmp_path):
    import random

    rng = random.Random(int(os.environ.get("ARCHGEN_FUZZ_SEED", "22")))
    document = json.loads((TERRAFORM / "mapping" / "plan.json").read_text())
    for number, mutated in enumerate(_mutations(document, rng, 1500 if conftest.SLOW else 150)):
        source = tmp_path / f"plan-{number}.json"
        source.write_text(json.dumps(mutated))
        result = run_cli("import", source)
        assert result.code in (0, 2), (number, result.err)
        assert "Traceback" not in result.err, (number, result.err)
        if result.code == 0:
            load_text(result.out, file="<imported>")  # what is written loads


def test_env_files_are_read_beside_the_compose_file_and_profiles_start_when_asked():
    compose = CASES["env-files"]
    out = run_cli("import", compose).out
    shown = "tests/fixtures/import/compose/env-files"
    assert f"      - db  # from {shown}/api.env:2 env_file DATABASE_URL=postgres://shop:***@db:5432/shop\n" in out
    assert f"      - cache  # from {shown}/api.env:3 env_file REDIS_HOST=cache\n" in out
    assert "secret" not in out, "a password in a URL is not written"
    assert f"Note: service 'worker': env_file worker.env ({shown}/compose.yaml:12) is not there" in out
    assert "local.env" not in out, "an env file that is not required may be missing"
    assert "  debug:" not in out
    with_debug = run_cli("import", compose, "--profile", "debug")
    design = load_text(with_debug.out, file="<imported>").design
    assert [call.targets for call in design.components["debug"].calls] == [("api",)]
    assert "Note: profile 'nosuch' names no service" in run_cli("import", compose, "--profile", "nosuch").out


def test_kubernetes_workloads_deployed_by_terraform_are_components_and_clusters_are_platforms(tmp_path):
    source = tmp_path / "main.tf"
    source.write_text(
        'resource "kubernetes_deployment" "shop" {\n  metadata { name = "shop" }\n  spec {\n    replicas = 3\n'
        '    template {\n      spec {\n        container {\n          name = "shop"\n          env {\n'
        '            name  = "DB_HOST"\n            value = google_sql_database_instance.orders.private_ip_address\n'
        "          }\n        }\n      }\n    }\n  }\n}\n"
        'resource "google_sql_database_instance" "orders" {\n  database_version = "POSTGRES_15"\n}\n'
        'resource "google_container_cluster" "main" {\n  name = "main"\n}\n'
    )
    result = run_cli("import", source)
    assert result.code == 0, result.err
    design = load_text(result.out, file="<imported>").design
    assert design.components["shop"].replicas == 3
    assert [call.targets for call in design.components["shop"].calls] == [("orders",)]
    assert "google_container_cluster (1): a platform, not imported: import the workloads it runs" in result.out
