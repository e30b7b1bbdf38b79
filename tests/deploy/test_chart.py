"""The Helm chart, linted and rendered by a real helm, checked object by object.

What an orchestrator would trip over only at run time: probes on paths the app does not serve, an
autoscaler watching a topic or group the workers do not use, more workers than partitions, a credential
in a ConfigMap, a container running as root or without resources.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from urllib.parse import unquote, urlparse

import pytest

from tests.deploy.conftest import (
    CHART,
    TEST_VALUES,
    Manifest,
    Render,
    container,
    only,
    port_number,
    template_args,
)
from workers.settings import Settings

Helm = Callable[..., subprocess.CompletedProcess[str]]

API_PORT = 8000
WORKER_PORT = 9100
API_PROBES = {"liveness": "/api/v1/health/live", "readiness": "/api/v1/health/ready"}
WORKER_PROBES = {"liveness": "/health/live", "readiness": "/health/ready"}

SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE|(^|_)KEY($|_)", re.IGNORECASE)
URL_WITH_CREDENTIALS = re.compile(r"[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]*@", re.IGNORECASE)


def _default(field: str) -> object:
    """The code's own default of a setting (what the workers use when the variable is unset)."""
    return Settings.model_fields[field].default


def _configmap(manifests: list[Manifest]) -> dict[str, str]:
    return only(manifests, "ConfigMap")["data"]


def _trigger(manifests: list[Manifest]) -> Manifest:
    scaled = only(manifests, "ScaledObject", "-worker")
    triggers = scaled["spec"]["triggers"]
    assert [t["type"] for t in triggers] == ["kafka"]
    return triggers[0]["metadata"]


def _fails(helm: Helm, sets: dict[str, object], *, test_values: bool = True) -> str:
    done = helm(*template_args(sets, test_values=test_values))
    assert done.returncode != 0, "helm template rendered values it should refuse"
    return done.stderr


# ----------------------------------------------------------------------------------------- lint


def test_helm_lint_strict(helm: Helm) -> None:
    done = helm("lint", "--strict", str(CHART), "--values", str(TEST_VALUES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_default_values_refuse_to_render_without_s3_credentials(helm: Helm) -> None:
    assert "s3.accessKey is required" in _fails(helm, {}, test_values=False)


def test_default_values_refuse_to_render_without_a_shared_database(helm: Helm) -> None:
    assert "database.url is required" in _fails(helm, {"s3.accessKey": "a", "s3.secretKey": "b"}, test_values=False)


def test_default_values_render_with_only_the_credentials(render: Render) -> None:
    manifests = render(
        {"s3.accessKey": "a", "s3.secretKey": "b", "database.url": "postgresql://u:p@db:5432/sohoa"},
        test_values=False,
    )
    # state is in the database: two API pods by default, rolling updates, no volume to share
    api = only(manifests, "Deployment", "-api")["spec"]
    assert api["replicas"] == 2 and api.get("strategy", {}).get("type") != "Recreate"
    assert "emptyDir" in next(v for v in api["template"]["spec"]["volumes"] if v["name"] == "home")
    config = _configmap(manifests)
    assert config["SOHOA_TOPIC_PARTITIONS"] == "8"
    assert only(manifests, "ScaledObject", "-worker")["spec"]["maxReplicaCount"] == 8
    assert "tls" not in only(manifests, "Ingress")["spec"]


def test_every_object_is_labelled_for_the_release(manifests: list[Manifest]) -> None:
    kinds = {m["kind"] for m in manifests}
    assert {"Deployment", "Service", "Ingress", "ConfigMap", "Secret", "PodDisruptionBudget", "ScaledObject"} <= kinds
    for m in manifests:
        labels = m["metadata"].get("labels", {})
        assert labels.get("app.kubernetes.io/instance") == "sohoa", m["metadata"]["name"]


# --------------------------------------------------------------------------------------- probes


def test_api_probes_point_at_the_api_health_endpoints(manifests: list[Manifest]) -> None:
    api = container(only(manifests, "Deployment", "-api"), "api")
    assert port_number(api, "http") == API_PORT
    assert "--port" in api["args"] and api["args"][api["args"].index("--port") + 1] == str(API_PORT)
    for kind, path in API_PROBES.items():
        probe = api[f"{kind}Probe"]["httpGet"]
        assert (probe["path"], port_number(api, probe["port"])) == (path, API_PORT), kind
    startup = api["startupProbe"]["httpGet"]
    assert (startup["path"], port_number(api, startup["port"])) == (API_PROBES["liveness"], API_PORT)


def test_worker_probes_point_at_the_worker_http_port(manifests: list[Manifest]) -> None:
    worker = container(only(manifests, "Deployment", "-worker"), "worker")
    env = {e["name"]: e.get("value") for e in worker.get("env", [])}
    # the port the probes use is the one the worker is told to serve, on all interfaces
    assert env["SOHOA_WORKER_HTTP_PORT"] == str(WORKER_PORT)
    assert env["SOHOA_WORKER_HTTP_HOST"] == "0.0.0.0"
    for kind, path in WORKER_PROBES.items():
        probe = worker[f"{kind}Probe"]["httpGet"]
        assert (probe["path"], port_number(worker, probe["port"])) == (path, WORKER_PORT), kind
    assert worker["startupProbe"]["httpGet"]["path"] == WORKER_PROBES["liveness"]


def test_metrics_are_announced_on_the_real_ports(manifests: list[Manifest]) -> None:
    for suffix, port in (("-api", API_PORT), ("-worker", WORKER_PORT)):
        annotations = only(manifests, "Deployment", suffix)["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/port"] == str(port)
        assert annotations["prometheus.io/path"] == "/metrics"


# ----------------------------------------------------------------------------------------- KEDA


def test_keda_trigger_names_the_topic_and_group_the_workers_consume(manifests: list[Manifest]) -> None:
    config = _configmap(manifests)
    trigger = _trigger(manifests)
    # the chart's defaults are the code's defaults ...
    assert trigger["topic"] == config["SOHOA_TOPIC_UPLOADED"] == _default("topic_uploaded") == "sohoa.file.uploaded"
    assert trigger["consumerGroup"] == config["SOHOA_CONSUMER_GROUP"] == _default("consumer_group") == "sohoa-workers"
    # ... and KEDA asks the same brokers the workers use
    assert config["SOHOA_BUS"] == f"kafka://{trigger['bootstrapServers']}"
    assert int(trigger["lagThreshold"]) > 0
    scaled = only(manifests, "ScaledObject", "-worker")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    target = scaled["spec"]["scaleTargetRef"]
    assert (target.get("kind", "Deployment"), target["name"]) == (
        "Deployment",
        only(manifests, "Deployment", "-worker")["metadata"]["name"],
    )


def test_one_value_feeds_the_configmap_and_the_trigger(render: Render) -> None:
    manifests = render(
        {
            "kafka.topics.uploaded": "tinh.upload",
            "kafka.consumerGroup": "tinh-ocr",
            "kafka.bootstrapServers": "k1:9092\\,k2:9092",
        }
    )
    config = _configmap(manifests)
    trigger = _trigger(manifests)
    assert trigger["topic"] == config["SOHOA_TOPIC_UPLOADED"] == "tinh.upload"
    assert trigger["consumerGroup"] == config["SOHOA_CONSUMER_GROUP"] == "tinh-ocr"
    assert config["SOHOA_BUS"] == f"kafka://{trigger['bootstrapServers']}" == "kafka://k1:9092,k2:9092"


def test_worker_deployment_leaves_the_replica_count_to_keda(manifests: list[Manifest]) -> None:
    assert "replicas" not in only(manifests, "Deployment", "-worker")["spec"]


@pytest.mark.parametrize(
    ("partitions", "processes", "max_replicas", "expected"),
    [(6, 1, 0, 6), (8, 2, 0, 4), (7, 2, 0, 3), (12, 1, 5, 5), (4, 4, 0, 1)],
)
def test_max_replicas_never_exceed_the_partitions(
    render: Render, partitions: int, processes: int, max_replicas: int, expected: int
) -> None:
    manifests = render(
        {
            "kafka.partitions": partitions,
            "worker.processes": processes,
            "worker.autoscaling.maxReplicas": max_replicas,
        }
    )
    scaled = only(manifests, "ScaledObject", "-worker")["spec"]
    assert scaled["maxReplicaCount"] == expected
    assert scaled["maxReplicaCount"] * processes <= int(_configmap(manifests)["SOHOA_TOPIC_PARTITIONS"]) == partitions
    assert scaled["minReplicaCount"] <= scaled["maxReplicaCount"]


@pytest.mark.parametrize(
    "sets",
    [
        {"kafka.partitions": 4, "worker.autoscaling.maxReplicas": 5},
        {"kafka.partitions": 4, "worker.processes": 2, "worker.autoscaling.maxReplicas": 3},
        {"kafka.partitions": 2, "worker.processes": 3},
        {"kafka.partitions": 4, "worker.autoscaling.enabled": False, "worker.replicas": 5},
    ],
)
def test_more_workers_than_partitions_is_refused(helm: Helm, sets: dict[str, object]) -> None:
    assert "idle" in _fails(helm, sets)


def test_without_keda_the_worker_count_is_fixed(render: Render) -> None:
    manifests = render({"worker.autoscaling.enabled": False, "worker.replicas": 3})
    assert not [m for m in manifests if m["kind"] == "ScaledObject"]
    assert only(manifests, "Deployment", "-worker")["spec"]["replicas"] == 3


# -------------------------------------------------------------------------------------- secrets


def _assert_no_credentials(manifests: list[Manifest]) -> None:
    for config in (m for m in manifests if m["kind"] == "ConfigMap"):
        for key, value in (config.get("data") or {}).items():
            assert not SECRET_NAME.search(key), f"{config['metadata']['name']}: {key} belongs in a Secret"
            assert not URL_WITH_CREDENTIALS.search(str(value)), f"{config['metadata']['name']}: {key} has credentials"


def test_no_credential_in_any_configmap(manifests: list[Manifest]) -> None:
    _assert_no_credentials(manifests)
    config = _configmap(manifests)
    assert "SOHOA_STORE" not in config
    assert config["SOHOA_INDEX"] == "https://elasticsearch:9200"


def test_the_secret_holds_the_store_url_and_the_key(manifests: list[Manifest]) -> None:
    secret = only(manifests, "Secret")["stringData"]
    assert secret["SOHOA_SECRET_KEY"] == "a-test-key-that-is-long-enough"
    assert secret["SOHOA_DATABASE"] == "postgresql://sohoa:test-password@postgres.db:5432/sohoa"
    store = urlparse(secret["SOHOA_STORE"])
    # reserved characters of the key survive the trip through the URL (the S3 adapter unquotes them)
    assert (store.scheme, store.hostname, store.port, store.path) == ("s3", "minio.storage", 9000, "/sohoa-test")
    assert (unquote(store.username or ""), unquote(store.password or "")) == ("test-access", "test/secret+key")


def test_elasticsearch_credentials_move_the_index_url_to_the_secret(render: Render) -> None:
    manifests = render({"elasticsearch.username": "sohoa", "elasticsearch.password": "p@ss:word"})
    _assert_no_credentials(manifests)
    assert "SOHOA_INDEX" not in _configmap(manifests)
    index = urlparse(only(manifests, "Secret")["stringData"]["SOHOA_INDEX"])
    assert (index.scheme, index.hostname, index.port) == ("https", "elasticsearch", 9200)
    assert unquote(index.password or "") == "p@ss:word"


def test_a_generated_secret_key_is_long_enough(render: Render) -> None:
    secret = only(render({"secrets.secretKey": ""}), "Secret")["stringData"]
    assert len(secret["SOHOA_SECRET_KEY"]) >= 16


def test_an_existing_secret_replaces_the_rendered_one(render: Render) -> None:
    manifests = render({"secrets.existingSecret": "sohoa-managed", "s3.accessKey": "", "s3.secretKey": ""})
    assert not [m for m in manifests if m["kind"] == "Secret"]
    for suffix in ("-api", "-worker"):
        pod = only(manifests, "Deployment", suffix)["spec"]["template"]["spec"]
        refs = [e["secretRef"]["name"] for c in pod["containers"] for e in c["envFrom"] if "secretRef" in e]
        assert refs == ["sohoa-managed"]


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({"settings.extra.SOHOA_DB_PASSWORD": "x"}, "secrets.extra"),
        ({"settings.extra.SOHOA_SECRET_KEY": "x"}, "secrets.extra"),
        ({"elasticsearch.url": "http://user:pw@elasticsearch:9200"}, "elasticsearch.username"),
        ({"s3.endpoint": "key:secret@minio:9000"}, "s3.accessKey"),
        ({"secrets.secretKey": "short"}, "at least 16 characters"),
    ],
)
def test_a_credential_given_as_a_plain_setting_is_refused(helm: Helm, sets: dict[str, object], message: str) -> None:
    assert message in _fails(helm, sets)


def test_other_plain_settings_reach_the_configmap(render: Render) -> None:
    assert _configmap(render({"settings.extra.SOHOA_BUS_TIMEOUT_SECONDS": "90"}))["SOHOA_BUS_TIMEOUT_SECONDS"] == "90"


# ------------------------------------------------------------------------------------------ pods


def _deployments(manifests: list[Manifest]) -> list[Manifest]:
    found = [m for m in manifests if m["kind"] == "Deployment"]
    assert {m["metadata"]["name"] for m in found} == {"sohoa-api", "sohoa-worker"}
    return found


def test_containers_run_as_non_root(manifests: list[Manifest]) -> None:
    for deployment in _deployments(manifests):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] > 0
        for c in pod["containers"]:
            context = c["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"]["drop"] == ["ALL"]
            assert context.get("runAsUser", 1) != 0
            # a read-only root needs writable SOHOA_HOME and /tmp
            assert {m["mountPath"] for m in c["volumeMounts"]} >= {"/var/lib/sohoa", "/tmp"}


def test_containers_have_resources(manifests: list[Manifest]) -> None:
    for deployment in _deployments(manifests):
        for c in deployment["spec"]["template"]["spec"]["containers"]:
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(c["resources"].get(bound, {})), (c["name"], bound)


def test_workers_are_told_their_cpu_share_and_a_grace_period(manifests: list[Manifest]) -> None:
    deployment = only(manifests, "Deployment", "-worker")
    worker = container(deployment, "worker")
    env = {e["name"]: e.get("value") for e in worker["env"]}
    # os.cpu_count() in a container sees the node: the OCR pool size must be given explicitly
    assert int(env["SOHOA_OCR_JOBS"]) >= 1
    grace = int(_configmap(manifests)["SOHOA_STOP_GRACE_SECONDS"])
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > grace
    assert _configmap(manifests)["OMP_THREAD_LIMIT"] == "1"


def test_each_role_has_a_disruption_budget_selecting_its_pods(manifests: list[Manifest]) -> None:
    for suffix in ("-api", "-worker"):
        pdb = only(manifests, "PodDisruptionBudget", suffix)
        labels = only(manifests, "Deployment", suffix)["spec"]["template"]["metadata"]["labels"]
        selector = pdb["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items()
        assert "maxUnavailable" in pdb["spec"] or "minAvailable" in pdb["spec"]


def test_the_ingress_reaches_the_api_pods(manifests: list[Manifest]) -> None:
    ingress = only(manifests, "Ingress")
    service = only(manifests, "Service", "-api")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    port = next(p for p in service["spec"]["ports"] if p["name"] == backend["port"]["name"])
    api = container(only(manifests, "Deployment", "-api"), "api")
    assert port_number(api, port["targetPort"]) == API_PORT
    labels = only(manifests, "Deployment", "-api")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]


def test_the_api_keeps_its_home_on_a_volume(manifests: list[Manifest], helm: Helm) -> None:
    api = only(manifests, "Deployment", "-api")["spec"]
    claim = next(v for v in api["template"]["spec"]["volumes"] if v["name"] == "home")["persistentVolumeClaim"]
    assert claim["claimName"] == only(manifests, "PersistentVolumeClaim")["metadata"]["name"]
    assert api["strategy"]["type"] == "Recreate"
    # a ReadWriteOnce volume serves one pod: a second API replica on it is refused
    assert "disable api.persistence" in _fails(helm, {"api.replicas": 2})
