"""Static checks of ``deploy/``: the Helm chart rendered by a real ``helm`` (no cluster needed).

Helm comes from ``SOHOA_HELM`` (``scripts/tools.sh fetch helm`` builds it; ``scripts/test`` exports it) or
``PATH``. Without it the chart tests skip locally and fail under ``CI=true``, like the live tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, unavailable

CHART = ROOT / "deploy" / "helm" / "sohoa"
TEST_VALUES = CHART / "ci" / "test-values.yaml"
RELEASE = "sohoa"
NAMESPACE = "sohoa-test"
HELM_SECONDS = 60

Manifest = dict[str, Any]
Render = Callable[..., list[Manifest]]


def _strict_load_all(text: str) -> list[Manifest]:
    """Every document of ``text``; a key given twice in one mapping fails (the API server rejects it,
    PyYAML alone would keep the last)."""
    try:
        import yaml
    except ImportError:
        unavailable("PyYAML is not installed: it is a dev dependency (pip install -e '.[dev]')")

    class StrictLoader(yaml.SafeLoader):
        pass

    def mapping(loader: StrictLoader, node: Any, deep: bool = False) -> dict[Any, Any]:
        keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicates:
            raise AssertionError(f"duplicate keys {duplicates} {node.start_mark}")
        return loader.construct_mapping(node, deep=deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    return [doc for doc in yaml.load_all(text, Loader=StrictLoader) if doc]  # StrictLoader is a SafeLoader


@pytest.fixture(scope="session")
def helm(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run helm with its config, cache and data homes in a temporary dir (nothing of the user's)."""
    configured = os.environ.get("SOHOA_HELM", "")
    binary = configured or shutil.which("helm") or ""
    if not binary or not os.access(binary, os.X_OK):
        unavailable(
            f"helm not found (SOHOA_HELM={configured!r}, none on PATH): "
            'run scripts/tools.sh fetch helm and eval "$(scripts/tools.sh env)"'
        )
    home = tmp_path_factory.mktemp("helm-home")
    env = {
        **os.environ,
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_DATA_HOME": str(home / "data"),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [binary, *args], capture_output=True, text=True, env=env, timeout=HELM_SECONDS, check=False
        )

    return run


def _set_args(sets: dict[str, object]) -> list[str]:
    args: list[str] = []
    for key, value in sets.items():
        if isinstance(value, bool):
            args += ["--set", f"{key}={str(value).lower()}"]
        elif isinstance(value, int):
            args += ["--set", f"{key}={value}"]
        else:
            args += ["--set-string", f"{key}={value}"]
    return args


def template_args(sets: dict[str, object], *, test_values: bool = True) -> list[str]:
    args = ["template", RELEASE, str(CHART), "--namespace", NAMESPACE]
    if test_values:
        args += ["--values", str(TEST_VALUES)]
    return args + _set_args(sets)


@pytest.fixture(scope="session")
def render(helm: Callable[..., subprocess.CompletedProcess[str]]) -> Render:
    """``render(**sets)`` -> the manifests of ``helm template`` with ci/test-values.yaml plus ``sets``
    (``{"kafka.partitions": 3}``); fails the test with helm's message when it does not render."""

    def run(sets: dict[str, object] | None = None, *, test_values: bool = True) -> list[Manifest]:
        done = helm(*template_args(sets or {}, test_values=test_values))
        if done.returncode != 0:
            pytest.fail(f"helm template failed ({done.returncode}):\n{done.stderr}")
        return _strict_load_all(done.stdout)

    return run


@pytest.fixture(scope="session")
def manifests(render: Render) -> list[Manifest]:
    return render()


def only(manifests: list[Manifest], kind: str, name_suffix: str = "") -> Manifest:
    """The one manifest of ``kind`` whose name ends with ``name_suffix``."""
    found = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"].endswith(name_suffix)]
    assert len(found) == 1, f"expected one {kind} named *{name_suffix}, got {[m['metadata']['name'] for m in found]}"
    return found[0]


def container(deployment: Manifest, name: str) -> Manifest:
    found = [c for c in deployment["spec"]["template"]["spec"]["containers"] if c["name"] == name]
    assert len(found) == 1, f"{deployment['metadata']['name']}: expected one container {name!r}"
    return found[0]


def port_number(container_spec: Manifest, port: int | str) -> int:
    """A probe's port as a number (named ports resolved against the container's ports)."""
    if isinstance(port, int):
        return port
    named = {p["name"]: p["containerPort"] for p in container_spec.get("ports", []) if "name" in p}
    assert port in named, f"probe port {port!r} is not a port of container {container_spec['name']}"
    return int(named[port])


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
