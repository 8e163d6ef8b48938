"""No click message reaches the user in English: every command, every kind of bad option.

Click words its errors through `gettext`, and its wording changes between releases; the
translation table (`evalgen/cli/text.py`) must cover what the installed click says. The test
feeds every command each kind of mistake and fails on any run of English words left over
once the user's own words (quoted values, option and command names, paths) are taken out.
"""

import re

import pytest
from click.testing import CliRunner

from evalgen.cli import main

COMMANDS = {"score": ["2024"], "validate": ["2024"], "explain": ["2024", "宁晋县"]}
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _english_left(output: str, tmp: str) -> list[str]:
    text = output.replace(tmp, "")
    text = re.sub(r"/[^\s（）：，。'“”]*", "", text)  # paths
    text = re.sub(r"'[^']*'|“[^”]*”|\"[^\"]*\"", "", text)  # quoted: the user's own words
    text = re.sub(r"(?<![\w-])-{1,2}[A-Za-z][\w-]*", "", text)  # option names
    text = re.sub(r"\bevalgen(?: (?:score|validate|explain))?\b", "", text)  # the command
    return ENGLISH.findall(text)


def _mistakes(command: str, tmp) -> dict[str, list[str]]:
    """Each kind of mistake, as arguments after the command's name."""
    a_file = tmp / "一个文件.txt"
    a_file.write_text("x", encoding="utf-8")
    folder = tmp / "一个文件夹"
    folder.mkdir(exist_ok=True)
    good = COMMANDS[command]
    cases = {
        "missing argument": good[:-1],
        "bad integer": ["二〇二四", *good[1:]],
        "unknown option": [*good, "--bogus"],
        "misspelt option": [*good, "--inptus", str(folder)],
        "option without its value": [*good, "--inputs"],
        "extra argument": [*good, "多余", "多余2"],
        "file for a folder": [*good, "--inputs", str(a_file)],
        "folder for a file": [*good, "--model", str(folder)],
        "nonexistent folder": [*good, "--inputs", str(tmp / "没有")],
        "nonexistent file": [*good, "--model", str(tmp / "没有.yaml")],
    }
    if command != "explain":
        cases["folder for the issuance file"] = [*good, "--issuance", str(folder)]
    if command == "score":
        cases["output is a file"] = [*good, "--out", str(a_file)]
        cases["templates are a file"] = [*good, "--templates", str(a_file)]
        cases["jobs not a number"] = [*good, "--jobs", "x"]
        cases["jobs zero"] = [*good, "--jobs", "0"]
        cases["flag given a value"] = [*good, "--no-docs=yes"]
    return cases


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_mistake_is_told_in_chinese(command, tmp_path):
    failures = {}
    for kind, args in _mistakes(command, tmp_path).items():
        result = CliRunner().invoke(main, [command, *args], prog_name="evalgen")
        output = result.output  # stdout and stderr
        assert result.exit_code not in (0, 70), (kind, output)
        assert "Traceback" not in output, (kind, output)
        left = _english_left(output, str(tmp_path))
        if left:
            failures[kind] = (left, output)
    assert failures == {}


def test_an_unknown_command_and_a_missing_one_are_chinese():
    for args in (["bogus"], ["scroe", "2024"], []):
        result = CliRunner().invoke(main, args, prog_name="evalgen")
        output = result.output  # stdout and stderr
        assert result.exit_code == 2 or args == [], output
        assert _english_left(output, "") == [] or args == [], output


def test_the_check_itself_catches_english():
    assert _english_left("错误：'--out' 的取值无效：Directory 'a' is a file.", "") == [
        "Directory",
        "is",
        "file",
    ]
    assert (
        _english_left("用法： evalgen score [选项] 年度\n可运行 “evalgen score --help”", "") == []
    )


def test_output_that_is_a_file_is_an_output_error(tmp_path):
    a_file = tmp_path / "结果.txt"
    a_file.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", "2024", "--out", str(a_file)], prog_name="evalgen")
    assert result.exit_code == 4, result.output
    assert f"无法创建输出文件夹 {a_file}：{a_file} 是一个文件，不是文件夹" in result.stderr
    assert a_file.read_text(encoding="utf-8") == "x"
    inside = CliRunner().invoke(
        main, ["score", "2024", "--out", str(a_file / "2024")], prog_name="evalgen"
    )
    assert inside.exit_code == 4, inside.output
    assert f"：{a_file} 是一个文件，不是文件夹" in inside.stderr
    assert "无法创建输出文件夹" in inside.stderr
