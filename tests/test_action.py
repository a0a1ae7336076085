"""The GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml).

The Action's shell steps are run for real with bash, their `${{ … }}` expressions
substituted the way the runner would, against a fixture folder and a local server;
the hook's entry is run the way pre-commit runs it (entry, args, then file names).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from httpservers import Route, ServerURL, serve

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
VENV_BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def substitute(text: str, context: Mapping[str, str]) -> str:
    """`${{ inputs.x }}` and friends replaced from `context`; an unknown one fails the test."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in context, f"action.yml uses ${{{{ {name} }}}}, which the test does not know"
        return context[name]

    return EXPRESSION.sub(value, text)


def step(step_id: str) -> dict[str, Any]:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)


def context(tmp_path: Path, **inputs: str) -> dict[str, str]:
    """What the runner knows: the inputs (defaults, then the workflow's `with:`)."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update({name.replace("_", "-"): value for name, value in inputs.items()})
    known = {f"inputs.{name}": value for name, value in values.items()}
    known["inputs.github-token"] = ""  # its default is ${{ github.token }}: none in a test
    known["github.action_path"] = str(REPO)
    return known


def run_step(
    step_spec: dict[str, Any], known: Mapping[str, str], cwd: Path, extra_env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"  # `citecheck` as installed
    env.update(extra_env)
    env.update({name: substitute(str(v), known) for name, v in step_spec.get("env", {}).items()})
    assert step_spec["shell"] == "bash"
    script = substitute(step_spec["run"], known)
    # GitHub runs bash steps as `bash --noprofile --norc -eo pipefail {0}`
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60,
    )


def outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture
def site() -> Iterator[ServerURL]:
    routes = {
        "/ok": Route(200, body=b"<title>Fine</title>", headers={"Content-Type": "text/html"}),
        "/gone": Route(404, body=b"<title>Gone</title>", headers={"Content-Type": "text/html"}),
    }
    with serve(routes) as base_url:
        yield base_url


@pytest.fixture
def checkout(tmp_path: Path, site: ServerURL) -> Path:
    """A docs repository with one good and one broken link."""
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "index.md").write_text(f"# Docs\n\nSee [the guide]({site}/ok).\n")
    (repo / "docs" / "old.md").write_text(f"An [old page]({site}/gone).\n")
    return repo


# --- action.yml ------------------------------------------------------------------------


def test_action_is_a_composite_with_the_documented_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"args", "format", "fail", "cache-db", "python-version", "sarif", "job-summary"} <= set(
        ACTION["inputs"]
    )
    uses = [s.get("uses", "") for s in ACTION["runs"]["steps"]]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("actions/cache/restore@") for u in uses)
    assert any(u.startswith("actions/cache/save@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)


def test_every_input_the_action_uses_is_declared() -> None:
    used = set(re.findall(r"inputs\.([\w-]+)", (REPO / "action.yml").read_text()))
    assert used <= set(ACTION["inputs"])


def test_action_installs_citecheck_from_its_own_checkout() -> None:
    install = next(s for s in ACTION["runs"]["steps"] if s.get("name") == "Install citecheck")
    command = substitute(install["run"], {"github.action_path": "/actions/citecheck"})
    assert shlex.split(command)[-4:] == ["install", "--disable-pip-version-check", "--quiet",
                                         "/actions/citecheck"]


def test_action_check_step_writes_summary_sarif_and_outputs(
    tmp_path: Path, checkout: Path
) -> None:
    summary, github_output = tmp_path / "summary.md", tmp_path / "output.txt"
    known = context(tmp_path, args="docs --allow-private --max-retries 0",
                    cache_db=".citecheck/links.db", sarif_file="results/links.sarif")
    result = run_step(step("links"), known, checkout, {
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(github_output),
        "RUNNER_TEMP": str(tmp_path),
    })
    assert result.returncode == 0, result.stderr  # the verdict is a later step's job
    found = outputs(github_output)
    assert found["exit-code"] == "1"
    assert found["sarif-file"] == "results/links.sarif"
    # the log: workflow commands that annotate the line of the broken link
    assert "::error file=docs/old.md,line=1,col=" in result.stdout
    sarif = json.loads((checkout / "results" / "links.sarif").read_text())
    [broken] = sarif["runs"][0]["results"]
    location = broken["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "docs/old.md"
    assert "## citecheck links" in summary.read_text()
    assert (checkout / ".citecheck" / "links.db").is_file()  # what actions/cache keeps


def fake_citecheck(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A `citecheck` first on PATH that writes the words it was given as JSON."""
    bin_dir, argv_file = tmp_path / "fakebin", tmp_path / "argv.json"
    bin_dir.mkdir()
    script = bin_dir / "citecheck"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(argv_file)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    script.chmod(0o755)
    path = os.pathsep.join([str(bin_dir), str(VENV_BIN), os.environ.get("PATH", "")])
    return {"PATH": path}, argv_file


def test_action_args_are_split_like_shell_words_but_never_evaluated(tmp_path: Path) -> None:
    work, ran, backticked = tmp_path / "work", tmp_path / "PWNED", tmp_path / "PWNED-too"
    work.mkdir()
    (work / "a.md").write_text("a glob, if the shell expanded one, would match me\n")
    args = (f"README.md $(touch {ran}) `touch {backticked}` --exclude 'a b' "
            '"c d" *.md; echo $HOME')
    env, argv_file = fake_citecheck(tmp_path)
    env.update({"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
                "GITHUB_OUTPUT": str(tmp_path / "output.txt"), "RUNNER_TEMP": str(tmp_path)})
    result = run_step(step("links"), context(tmp_path, args=args), work, env)
    assert result.returncode == 0, result.stderr
    assert not ran.exists() and not backticked.exists()
    argv = json.loads(argv_file.read_text())
    assert argv[:12] == ["links", "README.md", "$(touch", f"{ran})", "`touch",
                         f"{backticked}`", "--exclude", "a b", "c d", "*.md;", "echo", "$HOME"]
    assert argv[12:14] == ["--db", ".citecheck/links.db"]


def test_action_args_with_an_unbalanced_quote_are_a_usage_error(tmp_path: Path) -> None:
    env, argv_file = fake_citecheck(tmp_path)
    github_output = tmp_path / "output.txt"
    env.update({"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
                "GITHUB_OUTPUT": str(github_output), "RUNNER_TEMP": str(tmp_path)})
    result = run_step(step("links"), context(tmp_path, args="docs --exclude 'a b"), tmp_path, env)
    assert result.returncode == 2
    assert outputs(github_output)["exit-code"] == "2"
    assert "::error::" in result.stdout
    assert not argv_file.exists()  # citecheck never ran


@pytest.mark.parametrize(
    ("exit_code", "fail", "expected"),
    [("0", "true", 0), ("1", "true", 1), ("1", "false", 0), ("2", "false", 2)],
)
def test_action_verdict_step(tmp_path: Path, exit_code: str, fail: str, expected: int) -> None:
    known = context(tmp_path, fail=fail)
    known["steps.links.outputs.exit-code"] = exit_code
    result = run_step(step("verdict"), known, tmp_path, {})
    assert result.returncode == expected


# --- .pre-commit-hooks.yaml -----------------------------------------------------------


def test_pre_commit_hook_declares_what_pre_commit_needs() -> None:
    [hook] = HOOKS
    assert hook["id"] == "citecheck-links"
    assert hook["entry"] == "citecheck links"
    assert hook["language"] == "python"
    assert set(hook["types_or"]) == {"markdown", "html", "rst"}


def test_pre_commit_hook_entry_checks_the_files_it_is_given(checkout: Path) -> None:
    [hook] = HOOKS
    # pre-commit runs: entry, the hook's args (from the user's config), the staged files
    command = [*shlex.split(hook["entry"]), "--allow-private", "--no-cache",
               "--max-retries", "0", "docs/index.md", "docs/old.md"]
    command[0] = str(VENV_BIN / command[0])
    result = subprocess.run(command, cwd=checkout, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "docs/old.md:1:" in result.stdout
    assert "1 failed" in result.stdout
