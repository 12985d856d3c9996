"""The HTML report opened in a real headless browser (Debian's Chromium; `.ci/run` installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from phiguard.cli import main

CLI = Path(__file__).parent / "fixtures" / "cli"
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.slow
@pytest.mark.skipif(BROWSER is None, reason="no headless browser installed (.ci/run installs chromium)")
def test_html_report_renders_in_a_browser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.html"
    main(
        ["check", "--no-progress", "--format", "html", "-o", str(report), str(CLI / "story.md"), str(CLI / "event.md")]
    )
    capsys.readouterr()
    assert BROWSER is not None
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert 'id="count-files">2<' in dom
    assert dom.count('<mark class="error"') >= 2 and "W********" in dom and "Wendeline" not in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            BROWSER,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--window-size=1000,1400",
            report.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
