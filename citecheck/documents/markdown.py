"""Markdown -> Document, with markdown-it-py (CommonMark) and its footnote plugin.

Every link is a Reference and the sentence holding it a Claim: inline links
`[text](url)`, reference-style links `[text][label]` with `[label]: url "title"`,
autolinks `<https://...>`, and footnotes `[^1]` with `[^1]: text` definitions.
Code blocks and inline code never yield links (the parser already knows them).

Ids stay stable when text is added: footnotes "fn-<label>" (marker "^<label>"),
labelled links "link-<label>" (marker: the label), other links
"link-<8 hex of sha1(url)>" (marker: the same).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from citecheck.documents.assemble import assemble
from citecheck.documents.citation_text import parse_citation_text, reference_from_fields
from citecheck.documents.claims import MarkedText, build_claims, normalise_space, slugify
from citecheck.models import Document, Reference

KIND = "markdown"

_DEFINITION = re.compile(r"^\s{0,3}\[(?P<label>[^\]]+)\]:")
_UNDEFINED_FOOTNOTE = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
# Only links with a scheme cite something; "#anchor" and "docs/x.md" are the document's own.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)---[ \t]*\n", re.S)
_FRONT_TITLE = re.compile(r"^title:\s*(?P<title>.+?)\s*$", re.M)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(footnote_plugin).enable("table")


def _inline_text(children: list[Token]) -> str:
    return "".join(
        child.content for child in children if child.type in ("text", "code_inline")
    )


@dataclass
class _Collector:
    lines: list[str]
    definitions: dict[str, dict[str, object]]  # markdown-it's env["references"]
    marked: MarkedText = field(default_factory=MarkedText)
    references: dict[str, Reference] = field(default_factory=dict)  # marker -> reference
    label_case: dict[str, str] = field(default_factory=dict)  # LABEL -> label as written
    problems: list[str] = field(default_factory=list)
    undefined: dict[str, str] = field(default_factory=dict)  # marker -> id, for the stand-ins
    # (href, title) -> the first definition's key: a link finds its label without a scan.
    by_target: dict[tuple[object, object], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, definition in self.definitions.items():
            line = _map_start(definition.get("map"))
            if line is not None and (match := _DEFINITION.match(self.lines[line])):
                self.label_case[key] = match["label"].strip()
            self.by_target.setdefault((definition.get("href"), definition.get("title", "")), key)

    def _link_reference(self, token: Token, text: str, line: int) -> str:
        href = str(token.attrs.get("href", ""))
        title = token.attrs.get("title")
        key = self.by_target.get((href, title or ""))
        if key is not None:
            definition = self.definitions[key]
            label = self.label_case.get(key, key.lower())
            marker, ref_id = label, f"link-{slugify(label)}"
            def_line = _map_start(definition.get("map"))
            line = def_line + 1 if def_line is not None else line
            raw = self.lines[def_line].strip() if def_line is not None else href
        else:
            marker = ref_id = "link-" + hashlib.sha1(href.encode("utf-8")).hexdigest()[:8]
            raw = f"[{text}]({href})" if token.markup != "autolink" else f"<{href}>"
        if marker not in self.references:
            extra = (("text", text),) if text and text != href else ()
            self.references[marker] = Reference(
                id=ref_id, marker=marker, url=href or None, title=str(title) if title else None,
                raw=raw, line=line, extra=extra,
            )  # fmt: skip
        return marker

    def paragraph(self, token: Token, *, claims: bool) -> None:
        """Walk one inline token; with `claims`, its text and markers go to the body."""
        line = (_map_start(token.map) or 0) + 1
        out = self.marked if claims else MarkedText()
        out.add_text("", line)
        children = token.children or []
        index = 0
        while index < len(children):
            child = children[index]
            if child.type == "link_open":
                close = _closing(children, index)
                text = normalise_space(_inline_text(children[index + 1 : close]))
                out.add_text(text)
                if _SCHEME.match(str(child.attrs.get("href", ""))):
                    at = out.line_at(out.length) or line
                    out.add_marker(self._link_reference(child, text, at))
                index = close + 1
                continue
            if child.type == "footnote_ref":
                out.add_marker("^" + _footnote_label(child))
            elif child.type in ("text", "code_inline"):
                self._text(child.content, out, code=child.type == "code_inline")
            elif child.type in ("softbreak", "hardbreak"):
                out.add_text("\n")
            index += 1
        if claims:
            out.paragraph_break()

    def _text(self, content: str, out: MarkedText, *, code: bool) -> None:
        if code:
            out.add_text(content)
            return
        position = 0
        for match in _UNDEFINED_FOOTNOTE.finditer(content):
            out.add_text(content[position : match.start()])
            label = match["label"]
            out.add_marker("^" + label)
            if "^" + label not in self.undefined:
                self.undefined["^" + label] = f"fn-{slugify(label)}"
                self.problems.append(f"footnote [^{label}] used but never defined")
            position = match.end()
        out.add_text(content[position:])

    def footnote(self, label: str, inlines: list[Token]) -> None:
        """A footnote definition: its text read as a written-out citation."""
        pieces: list[str] = []
        links: list[tuple[str, str]] = []
        for token in inlines:
            children = token.children or []
            index = 0
            while index < len(children):
                child = children[index]
                if child.type == "link_open":
                    close = _closing(children, index)
                    text = normalise_space(_inline_text(children[index + 1 : close]))
                    href = str(child.attrs.get("href", ""))
                    links.append((href, text))
                    pieces.append(f'"{text}" {href}' if text and text != href else href)
                    index = close + 1
                    continue
                if child.type in ("text", "code_inline"):
                    pieces.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    pieces.append(" ")
                index += 1
            pieces.append(" ")
        written = normalise_space("".join(pieces))
        fields = parse_citation_text(written)
        line = next((_map_start(t.map) for t in inlines if t.map), None)
        url = fields.url or (links[0][0] if links else None)
        self.references["^" + label] = reference_from_fields(
            fields,
            ref_id=f"fn-{slugify(label)}",
            marker="^" + label,
            url=url,
            title=fields.title or (links[0][1] if links and links[0][1] != links[0][0] else None),
            raw=self.lines[line].strip() if line is not None else written,
            line=line + 1 if line is not None else None,
        )


def _footnote_label(token: Token) -> str:
    """The footnote's label; inline footnotes (`^[text]`) have none, so their number."""
    meta = token.meta or {}
    if meta.get("label") is not None:
        return str(meta["label"])
    return f"inline-{int(meta.get('id', 0)) + 1}"


def _map_start(value: object) -> int | None:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return None


def _closing(children: list[Token], start: int) -> int:
    depth = 0
    for index in range(start, len(children)):
        if children[index].type == "link_open":
            depth += 1
        elif children[index].type == "link_close":
            depth -= 1
            if depth == 0:
                return index
    return len(children) - 1


def _strip_front_matter(text: str) -> tuple[str, str | None]:
    """Blank out YAML front matter (keeping line numbers) and read its title."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, None
    title = _FRONT_TITLE.search(match["body"])
    blank = "\n" * match.group(0).count("\n")
    found = title["title"].strip("\"'") if title else None
    return blank + text[match.end() :], found


def parse(text: str, source: str) -> Document:
    body_text, front_title = _strip_front_matter(text)
    env: dict[str, object] = {}
    tokens = _parser().parse(body_text, env)
    definitions = env.get("references")
    collector = _Collector(
        lines=body_text.splitlines() or [""],
        definitions=definitions if isinstance(definitions, dict) else {},
    )
    heading: str | None = None
    subject: str | None = None
    in_footnote: str | None = None
    footnote_inlines: list[Token] = []
    for index, token in enumerate(tokens):
        if token.type == "footnote_open":
            in_footnote, footnote_inlines = _footnote_label(token), []
        elif token.type == "footnote_close" and in_footnote is not None:
            collector.footnote(in_footnote, footnote_inlines)
            in_footnote = None
        elif token.type == "inline":
            if in_footnote is not None:
                footnote_inlines.append(token)
                continue
            parent = tokens[index - 1].type if index else ""
            if parent == "heading_open":
                if tokens[index - 1].tag == "h1" and subject is None:
                    subject = normalise_space(_inline_text(token.children or [])) or None
                heading = heading or subject
            collector.paragraph(token, claims=parent == "paragraph_open")
    claims = build_claims(collector.marked)
    # Links used only in headings or tables still count as references, in document order.
    references = sorted(
        collector.references.values(), key=lambda r: (r.line is None, r.line or 0, r.id)
    )
    title = front_title or heading
    return assemble(
        source=source,
        kind=KIND,
        references=references,
        claims=claims,
        problems=collector.problems,
        title=title,
        subject=subject or title,
        id_for_missing=collector.undefined,
    )
