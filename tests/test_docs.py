"""The README documents every command and every option: the two must not drift apart."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from citecheck.cli import all_commands

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    return sorted(all_commands().items())


@pytest.mark.parametrize(("name", "command"), _commands())
def test_every_command_is_in_the_readme(name: str, command: click.Command) -> None:
    assert f"citecheck {name}" in README


@pytest.mark.parametrize(
    ("name", "option"),
    [
        (name, opt)
        for name, command in _commands()
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--")
    ],
)
def test_every_option_is_in_the_readme(name: str, option: str) -> None:
    assert f"`{option}" in README, f"{option} of `citecheck {name}` is not documented"
