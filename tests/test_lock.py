"""The lock files: `make run`, `make test` and CI install the exact versions of requirements/app.txt and
requirements/dev.txt (pip --require-hashes), so a fresh clone runs what the suite was run with."""

import re
import tomllib
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[^\s;]+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$")


class Pin(NamedTuple):
    version: str
    marker: Marker | None
    hashes: int


def _locked(name: str) -> dict[str, list[Pin]]:
    """The lock file's pins by package: one per version, several where markers pick a version per Python."""
    pins: dict[str, list[Pin]] = {}
    last = None
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        if found := PIN.match(line.strip()):
            last = canonicalize_name(found["name"])
            marker = Marker(found["marker"]) if found["marker"] else None
            pins.setdefault(last, []).append(Pin(found["version"], marker, 0))
        elif line.strip().startswith("--hash=sha256:") and last is not None:
            pin = pins[last][-1]
            pins[last][-1] = pin._replace(hashes=pin.hashes + 1)
    return pins


def _applying(pins: list[Pin]) -> list[Pin]:
    return [pin for pin in pins if pin.marker is None or pin.marker.evaluate()]


APP, DEV = _locked("app.txt"), _locked("dev.txt")


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        (APP, PROJECT["dependencies"]),
        (DEV, PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
    ids=["app", "dev"],
)
def test_every_dependency_of_pyproject_is_locked_at_a_version_its_range_allows(lock, requirements):
    for text in requirements:
        requirement = Requirement(text)
        pins = _applying(lock.get(canonicalize_name(requirement.name), []))
        assert pins, f"{requirement.name} is not in the lock file: run make lock"
        for pin in pins:
            assert requirement.specifier.contains(pin.version, prereleases=True), (
                f"{requirement.name}=={pin.version} is outside {requirement.specifier}: run make lock"
            )


def test_what_running_needs_is_locked_at_the_versions_the_tests_run_with():
    for name, pins in APP.items():
        assert [pin.version for pin in pins] == [pin.version for pin in DEV.get(name, [])], name
    assert set(APP) < set(DEV)


def test_every_locked_version_carries_its_hashes():
    for name, pins in {**APP, **DEV}.items():
        assert all(pin.hashes for pin in pins), f"{name} has no hash"


def test_this_environment_holds_exactly_the_locked_versions():
    """The suite runs on what a fresh clone installs: make test installs requirements/dev.txt into .venv."""
    wrong = []
    for name, pins in DEV.items():
        for pin in _applying(pins):
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                installed = None
            if installed != pin.version:
                wrong.append(f"{name}: locked {pin.version}, installed {installed}")
    assert not wrong, "\n".join(wrong)
