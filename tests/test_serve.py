"""``phiguard serve`` as a client sees it: a real server on 127.0.0.1 (a subprocess, as a user starts it)
answering real HTTP requests (issue 32)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from servers import PHIGUARD, Served, serve

pytestmark = pytest.mark.slow

ROSA = "Welcome home, Rosa Díaz! Her new knee is working wonders since March 3."
ROSA_ES = "¡Bienvenida a casa, Rosa Díaz! Su nueva rodilla funciona de maravilla desde el 3 de marzo."
LONG = " ".join(["Free flu shots at the Main Street clinic on Tuesday, no appointment needed."] * 60)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    served = serve(tmp, "--max-posts", "5", "--max-body-bytes", "60000", "--max-in-flight", "1")
    yield served
    assert served.stop() == 0


def lint(s: Served, body: dict[str, object]) -> httpx.Response:
    with s.client() as c:
        return c.post("/v1/lint", json=body)


def test_health_ready_and_openapi(server: Served) -> None:
    with server.client() as c:
        assert c.get("/healthz").json() == {"status": "alive"}
        assert c.get("/readyz").json() == {"status": "ready", "languages": ["en", "es"]}
        paths = c.get("/openapi.json").json()["paths"]
    assert {"/v1/lint", "/v1/fix", "/v1/rules", "/v1/rules/{code}", "/healthz", "/readyz"} <= set(paths)


def test_one_post_masked_with_offsets(server: Served) -> None:
    answer = lint(server, {"post": {"text": ROSA, "id": "draft-7"}})
    assert answer.status_code == 200
    (report,) = answer.json()["reports"]
    assert report["id"] == "draft-7" and report["ok"] is False and report["languages"] == {"body": "en"}
    names = [f for f in report["findings"] if f["entity"] == "PERSON"]
    assert names and ROSA[names[0]["start"] : names[0]["end"]].startswith("Rosa")
    assert {f["category"] for f in report["findings"]} >= {"identifier", "consent"}
    assert "Rosa" not in answer.text and "<PERSON>" in answer.text  # masked
    keys = {"rule", "category", "severity", "entity", "scope", "lang", "message", "value", "start", "end"}
    assert keys <= set(names[0])


def test_batch_in_order_spanish_messages_and_min_severity(server: Served) -> None:
    posts = [
        {"text": "Free BP checks on Tuesday"},
        {"text": ROSA_ES, "id": "es"},
        {"text": "@tina_r halve your warfarin"},
    ]
    answer = lint(server, {"posts": posts, "min_severity": "warning"})
    reports = answer.json()["reports"]
    assert [r["id"] for r in reports] == [None, "es", None]
    assert reports[0]["findings"] == [] and reports[0]["ok"]
    assert reports[1]["languages"] == {"body": "es"}
    assert all(f["lang"] == "es" for f in reports[1]["findings"])
    assert any("paciente" in f["message"] for f in reports[1]["findings"])
    assert {f["category"] for f in reports[2]["findings"]} >= {"advice"}
    assert all(f["severity"] != "info" for r in reports for f in r["findings"])


def test_consent_record_travels_with_the_post(server: Served) -> None:
    consent = [{"id": "CF-1", "patient": "Rosa Díaz", "scope": ["name", "condition", "dates"], "signed": "2026-01-02"}]
    without = lint(server, {"post": {"text": ROSA}}).json()["reports"][0]["findings"]
    with_it = lint(server, {"post": {"text": ROSA, "consent": consent}}).json()["reports"][0]["findings"]
    assert any(f["category"] == "consent" for f in without)
    assert not any(f["category"] == "consent" for f in with_it)
    bad = lint(server, {"post": {"text": ROSA, "consent": [{"id": "CF-2", "scope": ["everything"]}]}})
    assert bad.status_code == 422 and bad.json()["error"].startswith("PG")


def test_values_shown_only_when_the_server_allows(server: Served) -> None:
    answer = lint(server, {"post": {"text": ROSA}, "show_values": True})
    assert answer.status_code == 403 and "Rosa" not in answer.text


def test_bad_requests_never_quote_the_post(server: Served) -> None:
    for body in (
        {"post": {"txt": ROSA}},  # an unknown key
        {"post": {"text": ROSA}, "posts": [{"text": ROSA}]},  # both
        {"post": {"text": ROSA, "lang": "fr"}},
        {"post": {"text": ROSA, "id": "x" * 300}},
    ):
        answer = lint(server, body)
        assert answer.status_code == 422, body
        assert "Rosa" not in answer.text and "Traceback" not in answer.text
    with server.client() as c:
        broken = c.post(
            "/v1/lint", content=b'{"post": {"text": "Rosa D\xc3', headers={"content-type": "application/json"}
        )
    assert broken.status_code in (400, 422) and "Rosa" not in broken.text


def test_size_and_batch_limits(server: Served) -> None:
    assert lint(server, {"posts": [{"text": "hi"}] * 6}).status_code == 413
    assert lint(server, {"post": {"text": "x" * 70_000}}).status_code == 413  # Content-Length over the limit

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        yield b'{"post": {"text": "'
        for _ in range(70):
            yield b"x" * 1000
        yield b'"}}'

    with server.client() as c:
        answer = c.post("/v1/lint", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413


def test_too_many_in_flight_is_503_with_retry_after(server: Served) -> None:
    codes: list[tuple[int, str | None]] = []

    def one() -> None:
        answer = lint(server, {"posts": [{"text": LONG}] * 5})
        codes.append((answer.status_code, answer.headers.get("retry-after")))

    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (200, None) in codes
    assert (503, "1") in codes
    assert {c for c, _ in codes} <= {200, 503}


def test_fix_rewrites_without_the_value(server: Served) -> None:
    with server.client() as c:
        answer = c.post("/v1/fix", json={"post": {"text": ROSA}})
    assert answer.status_code == 200
    (fixed,) = answer.json()["posts"]
    assert "Rosa" not in fixed["text"] and "March 3" not in fixed["text"]
    assert {e["rule"] for e in fixed["edits"]} >= {"PHI002"}
    assert all("Rosa" not in e["new"] for e in fixed["edits"])
    assert "Rosa" not in answer.text


def test_rules(server: Served) -> None:
    with server.client() as c:
        rules = c.get("/v1/rules").json()
        one = c.get("/v1/rules/phi002")
        missing = c.get("/v1/rules/PHI999")
    assert {"PHI002", "CON001"} <= {r["code"] for r in rules}
    assert one.status_code == 200 and one.json()["code"] == "PHI002" and "PHI002" in one.json()["page"]
    assert missing.status_code == 404 and "did you mean" in missing.json()["detail"]


def test_log_has_no_post_text(server: Served) -> None:
    lint(server, {"post": {"text": ROSA}})
    log = server.log_text()
    assert '"POST /v1/lint HTTP/1.1" 200' in log
    assert "Rosa" not in log and "Díaz" not in log and "knee" not in log


def test_token_timeout_and_graceful_drain(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("s3cret-token-for-the-tests\n")
    slow = {"posts": [{"text": LONG * 6}] * 3}
    s = serve(
        tmp_path, "--token-file", str(token), "--timeout", "0.5", "--max-body-bytes", "2000000", "--allow-show-values"
    )
    try:
        assert "a bearer token is required" in s.log_text().splitlines()[0]  # said at start
        good = {"Authorization": "Bearer s3cret-token-for-the-tests"}
        with s.client() as c:
            shown = c.post("/v1/lint", json={"post": {"text": ROSA}, "show_values": True}, headers=good)
            assert any(f["value"] == "Rosa Díaz" for f in shown.json()["reports"][0]["findings"])
            assert c.get("/healthz").status_code == 200  # liveness needs no token
            assert c.get("/v1/rules").status_code == 401
            assert (
                c.get("/v1/rules", headers={"Authorization": "Bearer wrong-token-of-the-same-size"}).status_code == 401
            )
            assert c.get("/v1/rules", headers=good).status_code == 200
            late = c.post("/v1/lint", json=slow, headers=good)
        assert late.status_code == 504
    finally:
        s.stop()
    # SIGTERM while a request is being answered: the answer still comes, then the server exits cleanly
    s = serve(tmp_path, "--token-file", str(token), "--max-body-bytes", "2000000")
    answers: list[int] = []

    def ask() -> None:
        with s.client() as c:
            answers.append(c.post("/v1/lint", json=slow, headers=good).status_code)

    asking = threading.Thread(target=ask)
    asking.start()
    time.sleep(0.3)
    s.proc.send_signal(signal.SIGTERM)
    asking.join(timeout=120)
    assert answers == [200]
    assert s.proc.wait(timeout=60) == 0


def test_other_addresses_need_a_token(tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run([*PHIGUARD, "serve", "--host", "0.0.0.0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "needs a bearer token" in done.stderr and "--token-file" in done.stderr


def test_a_missing_model_stops_the_server(tmp_path: Path) -> None:
    (tmp_path / "phiguard.toml").write_text('[models]\nen = "no_such_model_xyz"\n')
    s = serve(tmp_path, ready=False, cwd=tmp_path)
    assert s.proc.wait(timeout=120) == 2
    assert "PG101" in s.log_text() and "no_such_model_xyz" in s.log_text()
