"""``phiguard lsp`` driven by a real LSP client over stdio (pytest-lsp starts ``python -m phiguard lsp`` as
an editor would): diagnostics where the CLI places findings, debounced re-checks, hover, code actions,
the workspace's configuration, Spanish messages, and a draft it cannot read (issue 32)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.slow

DRAFT = """---
title: Knee class
---
Welcome home, Rosa Díaz! 🎉 Her new knee is working wonders since March 3.

Free BP checks on Tuesday.
"""
SPANISH = "¡Bienvenida a casa, Rosa Díaz! Su nueva rodilla funciona de maravilla desde el 3 de marzo.\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "phiguard", "lsp", "--stdio"]))
async def client(lsp_client: LanguageClient) -> None:
    await lsp_client.initialize_session(lsp.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


async def opened(client: LanguageClient, path: Path, text: str, version: int = 1) -> list[lsp.Diagnostic]:
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=text)
        )
    )
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


def cli_places(path: Path) -> list[tuple[str, int, int, int, int]]:
    done = subprocess.run(
        [sys.executable, "-m", "phiguard", "check", "--format", "json", "--min-severity", "info", str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
    )
    assert done.returncode in (0, 1), done.stderr
    return sorted((f["rule"], f["line"], f["column"], f["end_line"], f["end_column"]) for f in json.loads(done.stdout))


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.asyncio
async def test_the_editor_flow(client: LanguageClient, tmp_path: Path) -> None:
    draft = tmp_path / "welcome.md"
    draft.write_text(DRAFT, encoding="utf-8")
    diagnostics = await opened(client, draft, DRAFT)
    lines = DRAFT.splitlines()

    # 1. the CLI's places, in UTF-16 units (the 🎉 before "March" is two of them)
    got = []
    for d in diagnostics:
        line = lines[d.range.start.line]
        col = len(line.encode("utf-16-le")[: d.range.start.character * 2].decode("utf-16-le")) + 1
        end_line = lines[d.range.end.line]
        end_col = len(end_line.encode("utf-16-le")[: d.range.end.character * 2].decode("utf-16-le")) + 1
        got.append((str(d.code), d.range.start.line + 1, col, d.range.end.line + 1, end_col))
    assert sorted(got) == cli_places(draft)
    date = next(d for d in diagnostics if d.code == "PHI010")
    assert date.range.start.character == utf16(lines[3][: lines[3].index("March")])
    assert all(d.source == "phiguard" and "Rosa" not in d.message for d in diagnostics)
    assert {d.severity for d in diagnostics} >= {lsp.DiagnosticSeverity.Error}

    # 2. hover on the name: the rule's page
    name = next(d for d in diagnostics if d.code == "PHI002")
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=draft.as_uri()), position=name.range.start)
    )
    assert hover is not None and "PHI002" in hover.contents.value  # type: ignore[union-attr]

    # 3. code actions: fix here, an inline suppression, fix all
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=draft.as_uri()),
            range=name.range,
            context=lsp.CodeActionContext(diagnostics=[name]),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, lsp.CodeAction)]
    assert "phiguard: fix PHI002 here" in titles
    assert "phiguard: ignore PHI002 on this line (inline suppression)" in titles
    assert "phiguard: fix all findings in this file" in titles
    fix_all = next(a for a in actions if isinstance(a, lsp.CodeAction) and a.title.endswith("in this file"))
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    fixed = apply(DRAFT, fix_all.edit.changes[draft.as_uri()])
    assert "Rosa" not in fixed and "March 3" not in fixed and fixed.startswith("---\ntitle: Knee class\n---\n")
    here = next(a for a in actions if isinstance(a, lsp.CodeAction) and a.title.endswith("PHI002 here"))
    assert here.edit is not None and here.edit.changes is not None
    only_name = apply(DRAFT, here.edit.changes[draft.as_uri()])
    assert "Rosa" not in only_name and "March 3" in only_name
    ignore = next(a for a in actions if isinstance(a, lsp.CodeAction) and a.title.startswith("phiguard: ignore"))
    assert ignore.edit is not None and ignore.edit.changes is not None
    suppressed = apply(DRAFT, ignore.edit.changes[draft.as_uri()])
    assert '<!-- phiguard: ignore[PHI002] reason="' in suppressed.splitlines()[3]

    # 4. edits are checked once they stop (debounced): the fixed text has no identifier left
    for version, text in enumerate((DRAFT + "x", DRAFT + "xy", fixed), start=2):
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=draft.as_uri(), version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    await client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    after = client.diagnostics[draft.as_uri()]
    assert after and not any(d.range.start.line == 3 for d in after)  # the name and the date are gone
    assert all(d.severity == lsp.DiagnosticSeverity.Information for d in after)  # "Tuesday", for the record

    # 5. a Spanish draft gets Spanish messages
    spanish = tmp_path / "bienvenida.md"
    spanish.write_text(SPANISH, encoding="utf-8")
    es = await opened(client, spanish, SPANISH)
    assert any(d.code == "PHI002" and "paciente" in d.message for d in es)

    # 6. a draft it cannot read is named, never clean
    broken = tmp_path / "broken.md"
    text = "---\ntitle: [unclosed\n---\nWelcome home, Rosa!\n"
    broken.write_text(text, encoding="utf-8")
    bad = await opened(client, broken, text)
    assert len(bad) == 1 and bad[0].severity == lsp.DiagnosticSeverity.Error
    assert "could not check" in bad[0].message and "Rosa" not in bad[0].message

    # 7. a CSV draft: the same places as the CLI's
    sheet = tmp_path / "queue.csv"
    csv_text = 'id,text\n1,"Get well soon, Rosa Díaz! Room 12 misses you."\n2,Free BP checks on Tuesday.\n'
    sheet.write_text(csv_text, encoding="utf-8")
    rows = await opened(client, sheet, csv_text)
    csv_lines = csv_text.splitlines()
    places = sorted(
        (str(d.code), d.range.start.line + 1, len(csv_lines[d.range.start.line][: d.range.start.character]) + 1)
        for d in rows
    )
    assert places == sorted((rule, line, col) for rule, line, col, _, _ in cli_places(sheet))
    assert any(code == "PHI002" for code, *_ in places)

    # 8. the workspace's configuration: a folder whose phiguard.toml ignores PHI010
    team = tmp_path / "team"
    team.mkdir()
    (team / "phiguard.toml").write_text('ignore = ["PHI010"]\n', encoding="utf-8")
    other = team / "welcome.md"
    other.write_text(DRAFT, encoding="utf-8")
    configured = await opened(client, other, DRAFT)
    assert any(d.code == "PHI002" for d in configured) and not any(d.code == "PHI010" for d in configured)


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """The edits applied as an editor does (UTF-16 positions, from the end backwards)."""
    lines = text.splitlines(keepends=True)

    def offset(p: lsp.Position) -> int:
        line = lines[p.line] if p.line < len(lines) else ""
        chars = len(line.encode("utf-16-le")[: p.character * 2].decode("utf-16-le"))
        return sum(len(x) for x in lines[: p.line]) + chars

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a, b = offset(e.range.start), offset(e.range.end)
        text = text[:a] + e.new_text + text[b:]
    return text


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONWARNINGS", "ignore")
