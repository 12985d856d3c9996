"""Linting never opens a network connection, including Presidio's e-mail and URL recognizers
(tldextract downloads a suffix list by default). Sockets are blocked for the whole test, model
loading included."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from imagekit import draw_lines, exif_for, face
from phiguard import Linter, Post, Severity
from phiguard.rulepack.schema import ImageRecipe


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"network access attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.slow
def test_lint_with_sockets_blocked(no_network: None) -> None:
    linter = Linter()  # fresh: models and recognizers load with the network blocked
    texts = [
        "Cards for Priya can be sent to priya.raman77@gmail.com or gofundme.com/f/help-priya",
        "Escribe a la familia en andres.familia@hotmail.es o https://www.gofundme.com/f/ayuda",
        "Login from 203.0.113.45 for the patient portal, see https://example.org/x",
        "@kev_m since your BP is still high, take an extra lisinopril tonight.",  # loads the drug dictionary
    ]
    reports = list(linter.lint_many(texts))
    entities = {f.entity for r in reports for f in r.at_least(Severity.WARNING)}
    assert {"EMAIL", "URL", "ADVICE"} <= entities


@pytest.mark.slow
@pytest.mark.ocr
def test_images_with_sockets_blocked(no_network: None, tmp_path: Path) -> None:
    """Metadata, OCR (a separate program) and the face model all run offline; a web address is refused."""
    photo = tmp_path / "board.jpg"
    draw_lines(["Bed 3: John Miller"]).save(photo, exif=exif_for(ImageRecipe(gps=(40.4, -3.7))))
    portrait = tmp_path / "face.png"
    face().save(portrait)
    post = Post(text="Night shift", images=(str(photo), str(portrait), "https://example.org/a.jpg"), lang="en")
    rules = {f.rule for f in Linter().lint(post).findings}
    assert {"PHI001", "PHI059", "PHI060", "IMG001"} <= rules
