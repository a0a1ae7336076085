"""Which links are checked, and which HTTP statuses count as success.

- `--include` regexes: when given, only URLs matching one are checked; an include
  match wins over `--exclude` and the ignore file (lychee's semantics).
- `--exclude` regexes and `.citecheckignore` (one regex per line, `#` comments):
  a matching URL is EXCLUDED, with the reason.
- `--accept` ranges in lychee's syntax: "200..=204,429", "200..300" (end
  excluded), also "200-299" and single codes. Without it, 2xx is success.
- `--remap "PATTERN REPLACEMENT"` (lychee's form): the first rule whose regex matches
  rewrites the URL before it is checked (`$1`, `${name}` for groups), e.g. a docs
  site's own URLs to the local build or checkout. A link excluded as written, or once
  rewritten, is excluded.
Regexes are searched anywhere in the URL (`re.search`), as lychee does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import msgspec
from msgspec.structs import force_setattr

from citecheck.errors import UsageError
from citecheck.structs import compared_without

IGNORE_FILE_NAME = ".citecheckignore"
DEFAULT_ACCEPT = (range(200, 300),)
_RANGE = re.compile(r"^(?P<start>\d{3})?(?:(?P<op>\.\.=|\.\.|-)(?P<end>\d{3})?)?$")


# A Struct, not a dataclass: start-up cost, see citecheck/models.py (gc=False: no cycles).
@compared_without("_include", "_exclude", "_ignore", "_accepted", "_remap")
class LinkPolicy(msgspec.Struct, frozen=True, gc=False):
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    ignore_file_patterns: tuple[str, ...] = ()
    accept: tuple[range, ...] = ()
    remap: tuple[str, ...] = ()  # "PATTERN REPLACEMENT", as given
    # Derived from the five above in __post_init__ (whatever is passed for them is
    # replaced there: msgspec has no init=False), and left out of ==, hash() and repr().
    _include: tuple[re.Pattern[str], ...] = ()
    _exclude: tuple[re.Pattern[str], ...] = ()
    _ignore: tuple[re.Pattern[str], ...] = ()
    _accepted: frozenset[int] = frozenset()
    _remap: tuple[tuple[re.Pattern[str], str], ...] = ()

    def __post_init__(self) -> None:
        # Compiled once here (frozen: set through force_setattr).
        force_setattr(self, "_include", _compile(self.include, "--include"))
        force_setattr(self, "_exclude", _compile(self.exclude, "--exclude"))
        force_setattr(self, "_ignore", _compile(self.ignore_file_patterns, IGNORE_FILE_NAME))
        # a set of at most 900 codes: one lookup per link instead of a scan of ranges
        codes = frozenset(code for codes in self.accept or DEFAULT_ACCEPT for code in codes)
        force_setattr(self, "_accepted", codes)
        force_setattr(self, "_remap", tuple(parse_remap(rule) for rule in self.remap))

    @classmethod
    def from_options(
        cls,
        include: Iterable[str] | None,
        exclude: Iterable[str] | None,
        accept: str | None,
        ignore_file: Path | None,
        remap: Iterable[str] | None = None,
    ) -> LinkPolicy:
        """Build from command-line values; a bad regex or range raises a one-line UsageError."""
        return cls(
            include=tuple(include or ()),
            exclude=tuple(exclude or ()),
            ignore_file_patterns=read_ignore_file(ignore_file) if ignore_file else (),
            accept=parse_accept(accept) if accept else (),
            remap=tuple(remap or ()),
        )

    @property
    def remaps(self) -> bool:
        return bool(self._remap)

    def decide(self, url: str) -> tuple[str, str | None]:
        """The URL to check for `url` (--remap applied), and why it is not to be checked
        (excluded as written, or once rewritten), or None when it is."""
        reason = self.excluded(url)
        if reason is not None or not self._remap:
            return url, reason
        rewritten = self.remapped(url)
        if rewritten == url:
            return url, None
        return rewritten, self.excluded(rewritten)

    def remapped(self, url: str) -> str:
        """The URL the first matching --remap rule makes of `url` (else `url`)."""
        for pattern, replacement in self._remap:
            if pattern.search(url):
                return pattern.sub(replacement, url, count=1)
        return url

    def excluded(self, url: str) -> str | None:
        """Why the URL is not to be checked, or None when it is."""
        if not (self._include or self._exclude or self._ignore):
            return None  # no filters: the common case, asked once per link
        if any(pattern.search(url) for pattern in self._include):
            return None
        for pattern in self._exclude:
            if pattern.search(url):
                return f"matches --exclude {pattern.pattern!r}"
        for pattern in self._ignore:
            if pattern.search(url):
                return f"matches {IGNORE_FILE_NAME} pattern {pattern.pattern!r}"
        if self._include:
            return "matches no --include pattern"
        return None

    def accepts(self, http_status: int) -> bool:
        """Whether the status counts as success (without --accept: 2xx)."""
        return http_status in self._accepted


def _compile(patterns: Iterable[str], where: str) -> tuple[re.Pattern[str], ...]:
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise UsageError(f"{where}: bad regular expression {pattern!r}: {error}") from None
    return tuple(compiled)


# Rust's replacement syntax: $name and ${name} (a name of letters, digits and _; all
# digits: a group number), $$ for a dollar. "$1x" is the group "1x", as in Rust.
_GROUP = re.compile(r"\$(?:\{(\w+)\}|(\w+)|(\$))")


def parse_remap(rule: str) -> tuple[re.Pattern[str], str]:
    """ "PATTERN REPLACEMENT" -> (compiled regex, replacement in Python's syntax).

    The replacement is written as lychee (Rust's regex crate) writes it: `$1`, `${1}`,
    `$name`, `${name}`, `$$` for a dollar; a backslash is a backslash."""
    parts = rule.split()
    if len(parts) != 2:
        raise UsageError(
            f"--remap: {rule!r} is not 'PATTERN REPLACEMENT' (two words, space between)"
        )
    pattern = _compile([parts[0]], "--remap")[0]

    def group(match: re.Match[str]) -> str:
        braced, bare, dollar = match.groups()
        if dollar:
            return "$"
        wanted = braced or bare
        known = wanted in pattern.groupindex or (wanted.isdigit() and int(wanted) <= pattern.groups)
        if not known:
            raise UsageError(f"--remap: {rule!r} refers to ${wanted}, not a group of its pattern")
        return f"\\g<{int(wanted) if wanted.isdigit() else wanted}>"

    return pattern, _GROUP.sub(group, parts[1].replace("\\", "\\\\"))


def parse_accept(value: str) -> tuple[range, ...]:
    """ "200..=204, 429" -> (range(200, 205), range(429, 430)); bad input: UsageError."""
    ranges: list[range] = []
    for part in value.split(","):
        text = part.strip()
        if not text:
            continue
        match = _RANGE.match(text)
        if match is None or (match.group("op") is None and match.group("start") is None):
            raise _bad_range(text)
        start = int(match.group("start") or 100)
        op, end_text = match.group("op"), match.group("end")
        if op is None:
            end = start + 1
        elif end_text is None:
            if op != "..":
                raise _bad_range(text)
            end = 1000  # "400.." : from 400 up
        else:
            end = int(end_text) + (0 if op == ".." else 1)
        if not 100 <= start < end <= 1000:
            raise _bad_range(text)
        ranges.append(range(start, end))
    if not ranges:
        raise _bad_range(value)
    return tuple(ranges)


def _bad_range(text: str) -> UsageError:
    return UsageError(f"--accept: bad status range {text!r} (use e.g. 200..=204,429 or 200-299)")


def read_ignore_file(path: Path) -> tuple[str, ...]:
    """The regexes of an ignore file: one a line; blank lines and `#` comments skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise UsageError(f"cannot read ignore file {path}: {reason}") from None
    patterns: list[str] = []
    for number, line in enumerate(lines, start=1):
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        try:
            re.compile(pattern)
        except re.error as error:
            raise UsageError(
                f"{path}:{number}: bad regular expression {pattern!r}: {error}"
            ) from None
        patterns.append(pattern)
    return tuple(patterns)


def find_ignore_file(start: Path) -> Path | None:
    """`.citecheckignore` in `start` (the current folder), if there is one."""
    candidate = start / IGNORE_FILE_NAME
    return candidate if candidate.is_file() else None
