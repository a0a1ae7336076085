"""Policy: --include/--exclude regexes, .citecheckignore, --accept status ranges."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citecheck.errors import UsageError
from citecheck.links.policy import LinkPolicy, find_ignore_file, parse_accept


def test_no_options_checks_everything_and_accepts_2xx() -> None:
    policy = LinkPolicy.from_options(None, None, None, None)
    assert policy.excluded("https://any.example/") is None
    assert policy.accepts(200)
    assert policy.accepts(204)
    assert not policy.accepts(301)
    assert not policy.accepts(404)


def test_exclude_gives_the_reason() -> None:
    policy = LinkPolicy.from_options(None, [r"^https://private\.example/"], None, None)
    assert policy.excluded("https://private.example/a") == (
        "matches --exclude '^https://private\\\\.example/'"
    )
    assert policy.excluded("https://public.example/a") is None


def test_include_only_checks_matches_and_wins_over_exclude() -> None:
    policy = LinkPolicy.from_options([r"docs\.example"], [r"\.example"], None, None)
    assert policy.excluded("https://docs.example/x") is None  # include wins
    assert policy.excluded("https://other.example/x") is not None
    only = LinkPolicy.from_options([r"docs\.example"], None, None, None)
    assert only.excluded("https://elsewhere.test/") == "matches no --include pattern"


def test_ignore_file_patterns_with_comments(tmp_path: Path) -> None:
    (tmp_path / ".citecheckignore").write_text(
        "# flaky hosts\n\nhttps://flaky\\.example/\n  ^mailto:  \n", encoding="utf-8"
    )
    ignore_file = find_ignore_file(tmp_path)
    assert ignore_file == tmp_path / ".citecheckignore"
    policy = LinkPolicy.from_options(None, None, None, ignore_file)
    assert policy.ignore_file_patterns == ("https://flaky\\.example/", "^mailto:")
    assert policy.excluded("https://flaky.example/x") == (
        "matches .citecheckignore pattern 'https://flaky\\\\.example/'"
    )
    assert policy.excluded("mailto:a@mail.example") is not None
    assert policy.excluded("https://solid.example/") is None


def test_no_ignore_file_is_found_in_an_empty_folder(tmp_path: Path) -> None:
    assert find_ignore_file(tmp_path) is None


@pytest.mark.parametrize(
    ("value", "accepted", "refused"),
    [
        ("200..=204,429", [200, 204, 429], [205, 428, 430]),
        ("200..204", [200, 203], [204]),
        ("200-299, 403", [200, 299, 403], [300, 404]),
        ("403", [403], [200]),
        ("..=299", [100, 299], [300]),
        ("400..", [400, 599], [399]),
    ],
)
def test_accept_ranges_in_lychee_syntax(
    value: str, accepted: list[int], refused: list[int]
) -> None:
    policy = LinkPolicy.from_options(None, None, value, None)
    assert all(policy.accepts(code) for code in accepted)
    assert not any(policy.accepts(code) for code in refused)


@pytest.mark.parametrize("value", ["abc", "200..=", "300..=200", "99", "200-", "1000", ","])
def test_bad_accept_range_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match=r"^--accept: bad status range"):
        parse_accept(value)


def test_bad_regexes_are_one_line_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^--exclude: bad regular expression '\(unclosed'"):
        LinkPolicy.from_options(None, ["(unclosed"], None, None)
    with pytest.raises(UsageError, match=r"^--include: bad regular expression"):
        LinkPolicy.from_options(["[z-a]"], None, None, None)
    ignore_file = tmp_path / ".citecheckignore"
    ignore_file.write_text("ok\n*bad\n", encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        LinkPolicy.from_options(None, None, None, ignore_file)
    assert str(raised.value).startswith(f"{ignore_file}:2: bad regular expression '*bad'")
    assert "\n" not in str(raised.value)


def test_missing_ignore_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read ignore file"):
        LinkPolicy.from_options(None, None, None, tmp_path / "nope")


def test_remap_rewrites_with_the_first_matching_rule_and_lychees_group_syntax() -> None:
    policy = LinkPolicy.from_options(
        (), (), None, None,
        remap=[r"^https://docs\.example/(.*) file:///srv/site/$1",
               r"^https://docs\.example/ https://never.example/",  # the first rule won
               r"(?P<host>old)\.example new.example/${host}/$$"],
    )
    assert policy.remaps
    assert policy.remapped("https://docs.example/a/b.md#x") == "file:///srv/site/a/b.md#x"
    assert policy.remapped("https://old.example/p") == "https://new.example/old/$/p"
    assert policy.remapped("https://other.example/") == "https://other.example/"
    assert not LinkPolicy.from_options((), (), None, None).remaps
    spelled = LinkPolicy.from_options((), (), None, None, remap=[
        r"^https://a\.example/(?P<page>\w+)/(\d+) https://b.example/${1}x/$page/${2}"
    ])
    assert spelled.remapped("https://a.example/p/7") == "https://b.example/px/p/7"


@pytest.mark.parametrize(("rule", "message"), [
    ("only-one-word", "not 'PATTERN REPLACEMENT'"),
    ("a b c", "not 'PATTERN REPLACEMENT'"),
    ("(unclosed x", "bad regular expression"),
    ("(a) $2", "refers to $2"),
    ("(a) ${name}", "refers to $name"),
    ("(a) $1x", "refers to $1x"),  # Rust reads the group "1x": ${1}x is meant
])
def test_bad_remap_rules_are_one_line_usage_errors(rule: str, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        LinkPolicy.from_options((), (), None, None, remap=[rule])


def test_decide_gives_the_url_to_check_and_why_not_as_written_or_rewritten() -> None:
    policy = LinkPolicy.from_options(
        (), ("secret", r"^https://new\.example/private"), None, None,
        remap=[r"^https://old\.example/ https://new.example/"],
    )
    assert policy.decide("https://other.example/") == ("https://other.example/", None)
    assert policy.decide("https://old.example/a") == ("https://new.example/a", None)
    assert policy.decide("https://old.example/secret")[1] == "matches --exclude 'secret'"
    url, reason = policy.decide("https://old.example/private")
    assert url == "https://new.example/private" and reason is not None  # once rewritten
