"""A fast path is on only for tested library versions with every internal it names present."""

from __future__ import annotations

import pytest

from evalgen import fastpaths
from evalgen.fastpaths import check
from evalgen.pipeline import fast_paths

PRESENT = [
    "docxtpl.DocxTemplate.render_xml_part",  # a class attribute of an imported module
    "docx.opc.pkgwriter._ContentTypesItem.from_parts",  # a private class in a submodule
    "matplotlib.ft2font.FT2Font",
]


@pytest.fixture
def versions(monkeypatch):
    """Installed versions as the test says: {distribution: version or None}."""
    installed: dict[str, str | None] = {}
    monkeypatch.setattr(fastpaths, "_version", installed.get)
    return installed


@pytest.mark.parametrize("version", ["0.20.0", "0.20.2", "0.20", "0.20.11.post1", "0.20.post1"])
def test_a_tested_minor_version_with_every_internal_is_on(versions, version):
    versions["docxtpl"] = version
    path = check("documents", {"docxtpl": ("0.20",)}, PRESENT)
    assert path.active
    assert (path.untested, path.missing) == ((), ())
    assert path.reason == f"已启用（docxtpl {version}）"


@pytest.mark.parametrize(
    "version", ["0.21.0", "1.20.0", "0.2.0", "0.20.0rc1", "0.20.dev3", "0.20rc1", "garbage"]
)
def test_another_version_or_a_pre_release_is_off(versions, version):
    versions["docxtpl"] = version
    path = check("documents", {"docxtpl": ("0.20",)}, PRESENT)
    assert not path.active
    assert path.untested == (f"docxtpl {version}",)
    assert path.missing == ()
    assert path.reason == f"版本未经测试：docxtpl {version}（已测试：docxtpl 0.20.x）"


def test_every_library_must_be_tested(versions):
    versions.update({"docxtpl": "0.20.2", "python-docx": "1.3.0", "matplotlib": "3.10.1"})
    tested = {"docxtpl": ("0.20",), "python-docx": ("1.2",), "matplotlib": ("3.10", "3.11")}
    path = check("x", tested, [])
    assert not path.active
    assert path.untested == ("python-docx 1.3.0",)
    assert "matplotlib 3.10/3.11.x" in path.reason


def test_a_library_not_installed_is_off(versions):
    path = check("x", {"docxtpl": ("0.20",)}, [])
    assert not path.active
    assert path.untested == ("docxtpl （未安装）",)


def test_a_missing_internal_is_off_and_named(versions):
    versions["docxtpl"] = "0.20.2"
    names = [
        *PRESENT,
        "docxtpl.DocxTemplate.no_such_step",
        "docx.opc.pkgwriter._NoSuchItem.from_parts",
        "no_such_module_for_evalgen.thing",
    ]
    path = check("documents", {"docxtpl": ("0.20",)}, names)
    assert not path.active
    assert path.untested == ()
    assert path.missing == tuple(names[3:])
    assert path.reason.startswith("缺少内部接口：docxtpl.DocxTemplate.no_such_step、")


def test_both_reasons_are_given(versions):
    versions["docxtpl"] = "0.21.0"
    path = check("documents", {"docxtpl": ("0.20",)}, ["docxtpl.DocxTemplate.no_such_step"])
    assert path.reason == (
        "版本未经测试：docxtpl 0.21.0（已测试：docxtpl 0.20.x）；"
        "缺少内部接口：docxtpl.DocxTemplate.no_such_step"
    )


def test_every_fast_path_is_listed_by_name():
    paths = fast_paths()
    assert list(paths) == ["documents"]  # the charts' private text renderer went (issue 12)
    assert all(name == path.name for name, path in paths.items())
