"""Config files: `citecheck.toml`, or `[tool.citecheck]` in `pyproject.toml`.

Every command-line option has a key: its long name (`max-concurrency`, or
`max_concurrency`). Keys at the top apply to every command that has the option;
a table per command (`[tool.citecheck.links]`) applies to that command only. The
command line overrides the file (the file only supplies click's defaults).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from citecheck.errors import UsageError

CONFIG_NAME = "citecheck.toml"


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The first config found in `start`: citecheck.toml, then pyproject.toml's tool table."""
    own = start / CONFIG_NAME
    if own.is_file():
        return own, read_table(own)
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        table = read_table(pyproject)
        if table:
            return pyproject, table
    return None


def read_table(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read config file {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"config file {path} is not valid TOML: {error}") from error
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("citecheck", {})
        return table if isinstance(table, dict) else {}
    return data


def _option_keys(command: click.Command) -> dict[str, click.Option]:
    """Config key -> the click option, for every option of the command."""
    keys: dict[str, click.Option] = {}
    for param in command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        for opt in param.opts:
            if opt.startswith("--"):
                keys[opt[2:]] = param
                keys[opt[2:].replace("-", "_")] = param
    return keys


def _toml_type(param: click.Option) -> tuple[type, ...]:
    """The TOML value types an option takes (one value; a list of them if repeatable)."""
    if param.is_flag:
        return (bool,)
    if isinstance(param.type, click.types.IntParamType):
        return (int,)
    if isinstance(param.type, click.types.FloatParamType):
        return (int, float)
    return (str,)


def checked_value(command: click.Command, param: click.Option, key: str, value: Any,
                  where: str) -> Any:
    """A config value as the option takes it; the wrong type, or a value the option
    refuses, is a usage error naming the key (never a traceback later on)."""
    if param.name == "accept" and isinstance(value, list):
        value = ",".join(str(item) for item in value)  # lychee's config spells a list
    if param.multiple:
        values = value if isinstance(value, list) else [value]
    elif isinstance(value, list):
        raise UsageError(f"{where}: {key} takes one value, not a list")
    else:
        values = [value]
    wanted = _toml_type(param)
    ctx = click.Context(command)
    for item in values:
        # bool is an int to Python, never to a count or a size here
        if not isinstance(item, wanted) or (isinstance(item, bool) and bool not in wanted):
            names = " or ".join("true or false" if kind is bool else
                                {int: "a whole number", float: "a number", str: "a string"}[kind]
                                for kind in wanted)
            raise UsageError(f"{where}: {key} must be {names}, not {item!r}")
        try:
            param.type.convert(item, param, ctx)
        except click.BadParameter as error:
            raise UsageError(f"{where}: {key}: {error.message}") from None
    return values if param.multiple else value  # a repeatable option: one value is a list


def defaults_from_table(
    commands: dict[str, click.Command], table: dict[str, Any], source: Path
) -> dict[str, dict[str, Any]]:
    """click `default_map` from a config table; an unknown key is a usage error."""
    default_map: dict[str, dict[str, Any]] = {}
    known_anywhere: set[str] = set()
    for name, command in commands.items():
        keys = _option_keys(command)
        known_anywhere.update(keys)
        chosen: dict[str, Any] = {}
        for key, value in table.items():
            if isinstance(value, dict):
                continue
            if key in keys:
                param = keys[key]
                chosen[str(param.name)] = checked_value(command, param, key, value, str(source))
        section = table.get(name)
        if isinstance(section, dict):
            for key, value in section.items():
                if key not in keys:
                    raise UsageError(f"{source}: [{name}] has no option {key!r}")
                param = keys[key]
                where = f"{source}: [{name}]"
                chosen[str(param.name)] = checked_value(command, param, key, value, where)
        if chosen:
            default_map[name] = chosen
    for key, value in table.items():
        if isinstance(value, dict):
            if key not in commands:
                raise UsageError(f"{source}: unknown table [{key}]")
        elif key not in known_anywhere:
            raise UsageError(f"{source}: unknown option {key!r}")
    return default_map


def load_config_defaults(ctx: click.Context, explicit: str | None) -> dict[str, dict[str, Any]]:
    """The group's default_map from the config file, if there is one."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise UsageError(f"no such config file: {path}")
        found: tuple[Path, dict[str, Any]] | None = (path, read_table(path))
    else:
        found = find_config(Path.cwd())
    if found is None:
        return {}
    return defaults_from_table(_commands(ctx), found[1], found[0])


def _commands(ctx: click.Context) -> dict[str, click.Command]:
    """Every command of the group (validating keys needs all of them: imports them)."""
    group = ctx.command
    assert isinstance(group, click.Group)
    found = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}
