"""Config files supply option defaults; the command line overrides them."""

from __future__ import annotations

from pathlib import Path

from cli_run import citecheck

DOC = "A fact.[^1]\n\n[^1]: https://facts.example/one\n"


def test_citecheck_toml_sets_defaults_for_every_command(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(DOC)
    (tmp_path / "citecheck.toml").write_text('format = "json"\noffline = true\nout = "r"\n')
    result = citecheck("check", "doc.md", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["run-1.json"]


def test_command_line_overrides_the_file(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(DOC)
    (tmp_path / "citecheck.toml").write_text('format = "json"\noffline = true\nout = "r"\n')
    result = citecheck("check", "doc.md", "-q", "--format", "md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["run-1.md"]


def test_pyproject_tool_table_and_per_command_section(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(DOC)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.citecheck]\nout = "r"\n\n'
        '[tool.citecheck.check]\noffline = true\nformat = "json"\n'
    )
    result = citecheck("check", "doc.md", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r" / "run-1.json").is_file()
    assert "excluded" in (tmp_path / "r" / "run-1.json").read_text()


def test_unknown_key_and_bad_toml_are_one_line_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(DOC)
    (tmp_path / "citecheck.toml").write_text("max-speed = 9\n")
    result = citecheck("check", "doc.md", cwd=tmp_path)
    assert result.returncode == 2
    assert "max-speed" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "citecheck.toml").write_text("format = [unclosed\n")
    result = citecheck("check", "doc.md", cwd=tmp_path)
    assert result.returncode == 2
    assert "not valid TOML" in result.stderr and "Traceback" not in result.stderr


def test_explicit_config_path(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(DOC)
    (tmp_path / "ci.toml").write_text('format = "json"\noffline = true\nout = "elsewhere"\n')
    result = citecheck("--config", "ci.toml", "check", "doc.md", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "elsewhere" / "run-1.json").is_file()
    missing = citecheck("--config", "nope.toml", "check", "doc.md", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.toml" in missing.stderr


def test_values_of_the_wrong_type_are_one_line_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text("[a](https://a.example/)\n")
    for line, named in [
        ("db = 5", "db must be a string"),
        ("ignore-file = 7", "ignore-file must be a string"),
        ('output = ["a"]', "output takes one value"),
        ("record = true", "record must be a string"),
        ('max-retries = "3"', "max-retries must be a whole number"),
        ("allow-private = 1", "allow-private must be true or false"),
        ("max-concurrency = 0", "max-concurrency: 0 is not in the range"),
        ('fail-on = ["sometimes"]', "fail-on: 'sometimes' is not one of"),
    ]:
        (tmp_path / "citecheck.toml").write_text(f"[links]\n{line}\n")
        result = citecheck("links", "doc.md", "--offline", cwd=tmp_path)
        assert result.returncode == 2, (line, result.stderr)
        assert named in result.stderr, (line, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_accept_may_be_a_list_as_lychee_writes_it(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text("[a](https://a.example/)\n")
    (tmp_path / "citecheck.toml").write_text('[links]\naccept = [200, "204..=299", 403]\n')
    result = citecheck("links", "doc.md", "--offline", "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_flag_the_file_turns_on_the_command_line_turns_off(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text("[a](https://a.example/)\n")
    (tmp_path / "citecheck.toml").write_text(
        "[links]\noffline = true\nno-cache = true\nquiet = true\n"
    )
    quiet = citecheck("links", "doc.md", cwd=tmp_path)
    assert quiet.returncode == 0 and "links" not in quiet.stdout  # no summary
    assert not (tmp_path / "citecheck.db").exists()
    loud = citecheck("links", "doc.md", "--no-quiet", "--cache", cwd=tmp_path)
    assert loud.returncode == 0 and "1 link" in loud.stdout
    assert (tmp_path / "citecheck.db").exists()  # the cache the file turned off


def test_a_repeatable_option_may_be_one_string(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text("[a](https://skip.example/) [b](https://docs.example/x)\n")
    (tmp_path / "citecheck.toml").write_text(
        '[links]\nexclude = "skip"\nremap = "^https://docs\\\\.example/x https://docs.example/y"\n'
    )
    result = citecheck("links", "doc.md", "--dump", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "https://skip.example/  doc.md:1:5  (excluded: matches --exclude 'skip')",
        "https://docs.example/y  doc.md:1:32",
    ]
