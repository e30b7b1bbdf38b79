"""deploy/Dockerfile, read statically (images cannot be built here): the OCR packages are the ones
``scripts/_setup.sh`` installs, the image runs as non-root from a wheel built in a first stage."""

from __future__ import annotations

import re
import shlex
import tomllib

from tests.conftest import ROOT
from tests.deploy.conftest import CHART, read

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = ROOT / "deploy" / "Dockerfile.dockerignore"
SETUP = ROOT / "scripts" / "_setup.sh"
TEST_SCRIPT = ROOT / "scripts" / "test"

# In the image but not in _setup.sh, and why: OSD is a dependency of tesseract-ocr on Debian, named in
# the image so that orientation detection never depends on a recommends/depends change.
IMAGE_ONLY = {"tesseract-ocr-osd"}


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    logical: list[str] = []
    current = ""
    for line in read(DOCKERFILE).splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    assert not current, "Dockerfile ends inside a continued line"
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1] if " " in text else "") for text in logical]


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions():
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def _apt_installs(commands: str) -> set[str]:
    """Package names of every ``apt-get install`` in a shell command line."""
    packages: set[str] = set()
    for part in re.split(r"&&|;|\|\|", commands):
        words = shlex.split(part)
        if "apt-get" in words and "install" in words:
            packages |= {w for w in words[words.index("install") + 1 :] if not w.startswith("-")}
    return packages


def _image_packages() -> set[str]:
    runtime = _stages()[-1]
    return set().union(*(_apt_installs(args) for kind, args in runtime if kind == "RUN"))


def _setup_packages() -> set[str]:
    match = re.search(r"^APT_PACKAGES=\((.*)\)", read(SETUP), re.MULTILINE)
    assert match, "scripts/_setup.sh no longer defines APT_PACKAGES=(...)"
    return {w for w in match.group(1).split() if not w.startswith("$")}


def _test_only_packages() -> set[str]:
    match = re.search(r'SOHOA_EXTRA_APT="([^"]*)"', read(TEST_SCRIPT))
    return set(match.group(1).split()) if match else set()


def test_the_image_installs_the_ocr_packages_of_setup() -> None:
    image, setup = _image_packages(), _setup_packages()
    assert {"tesseract-ocr", "tesseract-ocr-vie", "poppler-utils"} <= setup
    assert setup - image == set(), "packages _setup.sh installs that the image lacks"
    assert image - setup == IMAGE_ONLY, "packages in the image that _setup.sh does not install"
    assert not image & _test_only_packages(), "test-only packages (browser, its fonts) in the image"


def test_the_image_is_debian_bookworm_and_multi_stage() -> None:
    stages = _stages()
    assert len(stages) >= 2
    arg_defaults = dict(
        re.match(r"(\w+)=(\S+)", args).groups()  # type: ignore[union-attr]
        for kind, args in _instructions()
        if kind == "ARG" and "=" in args
    )
    bases = [re.sub(r"\$\{(\w+)\}", lambda m: arg_defaults[m.group(1)], stage[0][1].split()[0]) for stage in stages]
    assert all("bookworm" in base for base in bases), bases
    # the runtime installs only the wheels the first stage built, offline
    runtime = " ".join(args for kind, args in stages[-1] if kind == "RUN")
    assert re.search(r"pip install[^&]*--no-index[^&]*--find-links /wheels sohoa", runtime)
    assert "from=build" in runtime
    assert any(kind == "RUN" and "pip wheel" in args for kind, args in stages[0])


def test_the_image_runs_sohoa_as_non_root_with_one_tesseract_thread() -> None:
    runtime = _stages()[-1]
    args = {kind: value for kind, value in runtime}  # the last of each instruction counts
    assert args["ENTRYPOINT"] == '["sohoa"]'
    assert re.search(r"\bOMP_THREAD_LIMIT=1\b", " ".join(v for k, v in runtime if k == "ENV"))
    arg_defaults = dict(re.findall(r"(\w+)=(\S+)", " ".join(v for k, v in runtime if k == "ARG")))
    user = re.sub(r"\$\{(\w+)\}", lambda m: arg_defaults[m.group(1)], args["USER"]).split(":")[0]
    assert user.isdigit() and int(user) > 0, "USER must be a numeric non-root uid (runAsNonRoot checks it)"
    chart_values = read(CHART / "values.yaml")
    assert re.search(rf"^\s+runAsUser: {user}$", chart_values, re.MULTILINE), "chart runAsUser != image uid"


def test_the_build_context_holds_what_the_wheel_needs() -> None:
    """Stage 1 copies pyproject.toml, the readme it names, and the package; the ignore file keeps them."""
    project = tomllib.loads(read(ROOT / "pyproject.toml"))["project"]
    copies = " ".join(args for kind, args in _stages()[0] if kind == "COPY")
    ignore = read(DOCKERIGNORE).splitlines()
    for needed in ("pyproject.toml", project["readme"], "workers"):
        assert needed in copies.split() or f"{needed}/" in copies.split() or needed in copies
        assert (ROOT / needed).exists()
        assert f"!{needed}" in ignore or f"!{needed}/" in ignore
