"""The installable package: one version, every module and data file in the wheel, and a wheel
installed in a fresh virtual environment outside the checkout that scores the embedded sample
year exactly as the checkout does (marked `slow`: about a minute)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import evalgen
from evalgen import resources

ROOT = Path(__file__).resolve().parent.parent
DATA = ("scoring", "templates", "sample_inputs")  # shipped as evalgen/_data/<folder>/
SOURCES = ("pyproject.toml", "README.md", "evalgen", *DATA)  # what building the wheel reads
# What pip prints when neither a package index nor its cache can supply a package.
OFFLINE = (
    "No matching distribution found",
    "Could not find a version that satisfies",
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ProxyError",
)


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def checkout_files(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")
    }


# ------------------------------------------------------------------- version and contents


def test_one_version_string_read_statically_by_setuptools():
    """pyproject takes the version from `evalgen.__version__`, a literal assignment that
    setuptools reads without importing evalgen; manifest.json records it."""
    project = pyproject()
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "evalgen.__version__"}
    tree = ast.parse((ROOT / "evalgen" / "__init__.py").read_text(encoding="utf-8"))
    literals = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__version__"]
        and isinstance(node.value, ast.Constant)
    ]
    assert literals == ["0.1.0"] == [evalgen.__version__]
    assert metadata.version("evalgen") == "0.1.0"


def test_every_subpackage_and_data_folder_is_listed():
    """A new subpackage missing from pyproject's list would be missing from the wheel."""
    packages = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "evalgen").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    data = {f"evalgen._data.{folder}" for folder in DATA}
    setuptools = pyproject()["tool"]["setuptools"]
    assert sorted(setuptools["packages"]) == sorted(packages | data)
    assert setuptools["package-dir"] == {f"evalgen._data.{folder}": folder for folder in DATA}


def test_no_upper_bound_on_the_libraries_the_fast_paths_drive():
    """The fast paths switch themselves off on untested releases, so none is capped."""
    dependencies = pyproject()["project"]["dependencies"]
    for name in ("docxtpl", "python-docx", "matplotlib"):
        (spec,) = [d for d in dependencies if d.split(">")[0].split("=")[0].strip() == name]
        assert "<" not in spec, spec


def test_a_checkout_reads_its_own_model_templates_and_samples():
    """A checkout or an editable install has no evalgen/_data: the repository's folders."""
    assert not (ROOT / "evalgen" / "_data").exists()
    assert resources.DEFAULT_MODEL == ROOT / "scoring" / "xingtai-2023-2027.yaml"
    assert resources.DEFAULT_TEMPLATES == ROOT / "templates"
    assert resources.DEFAULT_INPUTS == ROOT / "sample_inputs"


# -------------------------------------------------------------------------- the wheel


def run(command: list, what: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a step; skip the test where pip can reach neither an index nor its cache."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    if result.returncode != 0:
        output = result.stdout + result.stderr
        if any(sign in output for sign in OFFLINE):
            last = output.strip().splitlines()[-1]
            pytest.skip(f"{what}: no package index or pip cache can supply a package ({last})")
        if "ensurepip is not available" in output:
            pytest.skip(f"{what}: this Python cannot create a venv with pip (python3-venv)")
        pytest.fail(f"{what} failed ({result.returncode}):\n{output[-4000:]}")
    return result


def clean_env() -> dict[str, str]:
    """This environment without anything that would point Python at the checkout."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (a build leaves nothing in the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_data")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = work / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-input", "-q", "-w"]
    run([*command, str(dist), str(source)], "building the wheel", env=clean_env())
    (built,) = dist.glob("evalgen-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv outside the checkout (no system site-packages) with the wheel installed;
    its dependencies at this environment's versions, so both runs use the same libraries."""
    venv = tmp_path_factory.mktemp("venv") / "evalgen"
    assert ROOT not in venv.parents
    run([sys.executable, "-m", "venv", str(venv)], "creating the venv", env=clean_env())
    versions = {}
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if name and name != "evalgen":
            versions.setdefault(name, dist.version)  # the one imported comes first
    constraints = venv / "constraints.txt"
    constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(versions.items())))
    python = venv / "bin" / "python"
    command = [str(python), "-m", "pip", "install", "--no-input", "-q", "-c", str(constraints)]
    run([*command, str(wheel)], "installing the wheel", env=clean_env())
    return venv


@pytest.mark.slow
def test_the_wheel_carries_every_module_and_data_file(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    for folder in DATA:
        expected = {f"evalgen/_data/{folder}/{name}" for name in checkout_files(ROOT / folder)}
        shipped = {name for name in names if name.startswith(f"evalgen/_data/{folder}/")}
        assert shipped == expected
    modules = {f"evalgen/{name}" for name in checkout_files(ROOT / "evalgen")}
    assert modules <= names
    assert "evalgen/_data/scoring/xingtai-2023-2027.yaml" in names  # as the design card says


@pytest.mark.slow
def test_the_installed_wheel_scores_the_sample_as_the_checkout_does(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env()
    where = run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import evalgen, evalgen.resources as r; print(evalgen.__file__); "
            "print(r.DEFAULT_MODEL); print(r.DEFAULT_TEMPLATES); print(r.DEFAULT_INPUTS)",
        ],
        "importing the installed evalgen",
        cwd=elsewhere,
        env=env,
    ).stdout.splitlines()
    site = next(installed.glob("lib/python3*/site-packages"))
    assert Path(where[0]) == site / "evalgen" / "__init__.py"
    assert [Path(p) for p in where[1:]] == [
        site / "evalgen/_data/scoring/xingtai-2023-2027.yaml",
        site / "evalgen/_data/templates",
        site / "evalgen/_data/sample_inputs",
    ]

    command = [str(installed / "bin" / "evalgen"), "score", "2024", "--out"]
    run([*command, str(elsewhere / "out")], "evalgen score (wheel)", cwd=elsewhere, env=env)
    command = [sys.executable, "-m", "evalgen", "score", "2024", "--out"]
    run([*command, str(tmp_path / "checkout")], "evalgen score (checkout)", cwd=ROOT, env=env)

    ours, theirs = elsewhere / "out", tmp_path / "checkout"
    assert checkout_files(ours) == checkout_files(theirs)
    assert (ours / "results.json").read_bytes() == (theirs / "results.json").read_bytes()
    # The manifest holds names and hashes, no paths: the same bytes, every output included.
    assert (ours / "manifest.json").read_bytes() == (theirs / "manifest.json").read_bytes()
