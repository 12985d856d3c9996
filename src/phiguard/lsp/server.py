"""The language server: ``phiguard check``'s findings as diagnostics while a draft is written.

- Diagnostics on open, on save and on change (debounced: the last edit of a burst is checked), at the
  places the CLI prints as ``path:line:column``, converted to the editor's position encoding. A draft
  phiguard cannot read (broken front matter, no post text) gets one error diagnostic saying so: text it
  could not check is never shown as clean.
- Code actions: fix this finding, fix every finding of the file (``phiguard fix``'s rewrite, as minimal
  edits), and, in Markdown and text drafts, an inline suppression on the line above.
- Hover on a finding: its rule's page.
- The configuration is the CLI's: the nearest ``phiguard.toml`` or ``pyproject.toml`` above the draft;
  drafts under one configuration share one warm engine (:class:`~phiguard.run.service.Service`).
"""

from __future__ import annotations

import asyncio
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from phiguard import __version__
from phiguard.config import find_config_file
from phiguard.errors import PhiguardError
from phiguard.inputs import reader_for
from phiguard.inputs.draft import line_starts
from phiguard.models import Severity
from phiguard.outputs.base import WriteOptions, with_value
from phiguard.run.check import FileResult, Located
from phiguard.run.linters import LinterCache
from phiguard.run.service import Service, config_for

DEBOUNCE = 0.4  # seconds without an edit before a changed draft is checked
SOURCE = "phiguard"
COMMENTED = frozenset({".md", ".markdown", ".txt", ".html", ".htm"})  # where an inline suppression can be written
_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


@dataclass(frozen=True)
class Checked:
    """What the last check of a document found, on which text."""

    text: str
    located: tuple[Located, ...]


class PhiguardLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("phiguard", __version__)
        self.linters = LinterCache()  # one Linter per configuration, shared by its drafts
        self.services: dict[str, Service] = {}
        self.checked: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}

    def service(self, path: Path) -> Service:
        key = str(find_config_file(path) or "")
        if key not in self.services:
            config, _ = config_for(path)
            self.services[key] = Service(config, self.linters)
        return self.services[key]

    async def check(self, uri: str, delay: float = 0.0) -> None:
        """Check the document now (or after ``delay`` seconds without another edit) and publish."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        if delay:
            self.pending[uri] = asyncio.ensure_future(self._check_later(uri, delay))
            return
        await self._check(uri)

    async def _check_later(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        self.pending.pop(uri, None)
        await self._check(uri)

    async def _check(self, uri: str) -> None:
        doc = self.workspace.get_text_document(uri)
        text, version, path = doc.source, doc.version, Path(doc.path)
        if reader_for(str(path)) is None:
            return  # not a draft format phiguard reads
        try:
            result: FileResult = await asyncio.to_thread(lambda: self.service(path).check_text(str(path), text))
        except PhiguardError as exc:
            self.checked.pop(uri, None)
            self._publish(uri, version, [_unchecked(exc)])
            return
        if self.workspace.get_text_document(uri).source != text:
            return  # edited meanwhile: the newer check publishes
        self.checked[uri] = Checked(text, tuple(result.located))
        self._publish(uri, version, [_diagnostic(doc, loc) for loc in result.located])

    def _publish(self, uri: str, version: int | None, diagnostics: list[lsp.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.checked.pop(uri, None)
        self._publish(uri, None, [])


def _range(doc: TextDocument, text: str, start: int, end: int) -> lsp.Range:
    """File offsets (code points) as a range in the client's position encoding."""
    starts = line_starts(text)

    def position(offset: int) -> lsp.Position:
        line = max(0, _line_of(starts, offset))
        return doc.position_codec.position_to_client_units(
            doc.lines, lsp.Position(line=line, character=offset - starts[line])
        )

    return lsp.Range(start=position(start), end=position(end))


def _line_of(starts: Sequence[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset) - 1


def _offsets(text: str, loc: Located) -> tuple[int, int]:
    """The file offsets of a finding placed at ``line:column`` (1-based, code points; end exclusive)."""
    starts = line_starts(text)
    start = starts[loc.line - 1] + loc.column - 1
    end = starts[loc.end_line - 1] + loc.end_column - 1
    return start, max(end, start)


def _diagnostic(doc: TextDocument, loc: Located) -> lsp.Diagnostic:
    f = loc.finding
    start, end = _offsets(doc.source, loc)
    return lsp.Diagnostic(
        range=_range(doc, doc.source, start, end),
        message=with_value(f, WriteOptions()),
        severity=_SEVERITY[f.severity],
        code=f.rule,
        source=SOURCE,
        data={"fingerprint": loc.fingerprint},
    )


def _unchecked(exc: PhiguardError) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)),
        message=f"phiguard could not check this draft: {exc}",
        severity=lsp.DiagnosticSeverity.Error,
        code=exc.code,
        source=SOURCE,
    )


def _edits(doc: TextDocument, before: str, after: str) -> list[tuple[int, int, lsp.TextEdit]]:
    """The rewrite as minimal edits: (start, end) in ``before`` and the edit."""
    out = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            out.append((a1, a2, lsp.TextEdit(range=_range(doc, before, a1, a2), new_text=after[b1:b2])))
    return out


def _front_matter_end(text: str) -> int:
    """Where a Markdown draft's front matter ends (0 without one): no comment may be written inside it."""
    if not text.startswith("---"):
        return 0
    end = text.find("\n---", 3)
    return 0 if end < 0 else end + 4


def create_server() -> PhiguardLanguageServer:
    server = PhiguardLanguageServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: PhiguardLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        await ls.check(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: PhiguardLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        await ls.check(params.text_document.uri, delay=DEBOUNCE)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: PhiguardLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        await ls.check(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PhiguardLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: PhiguardLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
        from phiguard.rulepack.docs import rule_page

        uri = params.text_document.uri
        checked = ls.checked.get(uri)
        doc = ls.workspace.get_text_document(uri)
        if checked is None or checked.text != doc.source:
            return None
        offset = doc.offset_at_position(params.position)
        rules = ls.linters.rules(ls.service(Path(doc.path)).config)
        pages: list[tuple[str, str]] = []
        spans: list[tuple[int, int]] = []
        for loc in checked.located:  # every finding under the cursor (a name is often PHI002 and CON001)
            start, end = _offsets(checked.text, loc)
            rule = rules.get(loc.finding.rule)
            if start <= offset <= end and rule is not None and rule.code not in {p for p, _ in pages}:
                pages.append((rule.code, rule_page(rule)))
                spans.append((start, end))
        if not pages:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(p for _, p in pages)),
            range=_range(doc, checked.text, min(a for a, _ in spans), max(b for _, b in spans)),
        )

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, lsp.CodeActionKind.SourceFixAll]),
    )
    async def code_action(ls: PhiguardLanguageServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        doc = ls.workspace.get_text_document(uri)
        checked = ls.checked.get(uri)
        if checked is None or checked.text != doc.source or not checked.located:
            return []
        text, path = doc.source, Path(doc.path)
        wanted = [d for d in params.context.diagnostics if d.source == SOURCE and d.code]
        fix = await asyncio.to_thread(lambda: ls.service(path).fix_text(str(path), text))
        edits = [] if fix.problem or not fix.changed else _edits(doc, text, fix.source)
        actions: list[lsp.CodeAction] = []
        for d in wanted:
            start, end = doc.offset_at_position(d.range.start), doc.offset_at_position(d.range.end)
            here = [e for a, b, e in edits if a < max(end, start + 1) and b >= start]
            if here:
                actions.append(
                    lsp.CodeAction(
                        title=f"phiguard: fix {d.code} here",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[d],
                        edit=lsp.WorkspaceEdit(changes={uri: here}),
                    )
                )
            if path.suffix.lower() in COMMENTED and start >= _front_matter_end(text):
                line = d.range.start.line
                comment = f'<!-- phiguard: ignore[{d.code}] reason="say why this may be posted" -->\n'
                at = lsp.Position(line=line, character=0)
                actions.append(
                    lsp.CodeAction(
                        title=f"phiguard: ignore {d.code} on this line (inline suppression)",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[d],
                        edit=lsp.WorkspaceEdit(
                            changes={uri: [lsp.TextEdit(range=lsp.Range(start=at, end=at), new_text=comment)]}
                        ),
                    )
                )
        if edits:
            actions.append(
                lsp.CodeAction(
                    title="phiguard: fix all findings in this file",
                    kind=lsp.CodeActionKind.SourceFixAll,
                    edit=lsp.WorkspaceEdit(changes={uri: [e for _, _, e in edits]}),
                )
            )
        return actions

    return server


def main() -> None:
    create_server().start_io()
