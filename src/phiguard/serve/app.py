"""The HTTP API on one warm :class:`~phiguard.run.service.Service`.

Safe by default: every answer masks matched values unless the request asks and the server was started
with ``--allow-show-values``; a bearer token (compared in constant time) guards everything but
``/healthz`` when one is set; the body size, the posts per request, the requests in flight and the
time per request are bounded (413, 413, 503 with ``Retry-After``, 504); an error answer is a code and a
sentence, never a stack trace or a quoted input; nothing of a post reaches the logs.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from phiguard import __version__
from phiguard.codes import unknown_message
from phiguard.errors import PhiguardError
from phiguard.lang import Lang
from phiguard.models import Finding, Post, Report, Severity
from phiguard.outputs.base import WriteOptions, finding_record
from phiguard.run.service import Service

LOG = logging.getLogger("phiguard.serve")
T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one server accepts (``phiguard serve``'s flags)."""

    max_body_bytes: int = 1_000_000
    max_posts: int = 100
    max_in_flight: int = 8
    timeout: float = 30.0
    allow_show_values: bool = False
    token: str | None = None


# -- what a request holds ---------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PostIn(_Strict):
    """One post: its body, the captions and alt texts that travel with it, its language (detected when
    absent) and its consent records (as a draft's ``consent:`` front matter: records or their ids)."""

    id: str | None = Field(default=None, max_length=200, description="the caller's id, echoed back")
    text: str = ""
    captions: list[str] = []
    alt_texts: list[str] = []
    lang: Lang | None = None
    consent: list[dict[str, Any] | str] | None = None

    def post(self) -> Post:
        metadata: dict[str, Any] = {} if self.consent is None else {"consent": self.consent}
        return Post(
            id=self.id,
            text=self.text,
            captions=tuple(self.captions),
            alt_texts=tuple(self.alt_texts),
            lang=self.lang,
            metadata=metadata,
        )


class LintRequest(_Strict):
    """``post`` (one) or ``posts`` (a batch), not both."""

    post: PostIn | None = None
    posts: list[PostIn] | None = None
    show_values: bool = Field(default=False, description="unmasked values: refused unless the server allows it")
    min_severity: Severity = Field(default=Severity.INFO, description="leave out findings below this")

    @model_validator(mode="after")
    def _one_or_many(self) -> LintRequest:
        if (self.post is None) == (self.posts is None):
            raise ValueError("give either `post` or `posts`")
        return self

    def all_posts(self) -> list[PostIn]:
        return [self.post] if self.post is not None else list(self.posts or ())


# -- what an answer holds ---------------------------------------------------------------------------
class FindingOut(BaseModel):
    """A finding as ``phiguard check --format json`` gives it, with offsets into its scope's text instead
    of a file position."""

    rule: str
    category: str
    severity: str
    entity: str
    scope: str
    lang: str
    message: str
    suggestion: str | None
    image: str | None
    box: list[int] | None
    value: str = Field(description="masked (<PERSON>) unless show_values was asked and allowed")
    start: int
    end: int


class ReportOut(BaseModel):
    id: str | None
    ok: bool = Field(description="nothing at the server's fail-on severity or above")
    languages: dict[str, str]
    findings: list[FindingOut]


class LintResponse(BaseModel):
    reports: list[ReportOut]


class EditOut(BaseModel):
    rule: str
    scope: str
    start: int
    end: int
    operator: str
    new: str = Field(description="the replacement: never the matched value")


class FixOut(BaseModel):
    id: str | None
    text: str
    captions: list[str]
    alt_texts: list[str]
    edits: list[EditOut]
    left: list[FindingOut] = Field(description="what the rewrite still has (consent, advice, rules without a fix)")


class FixResponse(BaseModel):
    posts: list[FixOut]


class RuleOut(BaseModel):
    code: str
    name: str
    category: str
    severity: str
    entity: str
    languages: list[str]
    summary: str


class RuleDetail(RuleOut):
    why: str
    hipaa: str | None
    page: str = Field(description="the rule's documentation page (Markdown)")


# -- the app ----------------------------------------------------------------------------------------
def create_app(
    service: Service, limits: Limits = Limits(), on_failure: Callable[[PhiguardError], None] = lambda exc: None
) -> FastAPI:
    """The API. The models load in a thread once the app starts (``/readyz`` says when they are in);
    ``on_failure`` is called if they cannot load (``phiguard serve`` then stops with exit 2)."""
    in_flight = 0
    failure: list[PhiguardError] = []
    # one worker thread lints: the engine takes one call at a time anyway, and threads taking turns
    # would each grow an allocator arena of their own (RSS up 9% over a 16-client run)
    engine_thread: list[anyio.CapacityLimiter] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        def warm() -> None:
            try:
                service.warm()
            except PhiguardError as exc:
                failure.append(exc)
                LOG.error("phiguard serve: cannot start: %s", exc)
                on_failure(exc)

        engine_thread.append(anyio.CapacityLimiter(1))
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: anyio.to_thread.run_sync(warm, limiter=engine_thread[0]))
            yield

    app = FastAPI(
        title="phiguard",
        version=__version__,
        description="Lints draft social-media posts of hospitals and clinics for patient identifiers, patients "
        "featured without consent and personal medical advice.",
        lifespan=lifespan,
    )

    def authorized(request: Request) -> None:
        if limits.token is None:
            return
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), limits.token.encode()):
            raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})

    guarded = [Depends(authorized)]

    @contextmanager
    def admitted() -> Iterator[None]:
        nonlocal in_flight
        if failure:
            raise HTTPException(503, "the models could not load; see the server's log")
        if not service.ready:
            raise HTTPException(503, "the models are still loading", headers={"Retry-After": "5"})
        if in_flight >= limits.max_in_flight:
            raise HTTPException(503, "too many requests in flight", headers={"Retry-After": "1"})
        in_flight += 1
        try:
            yield
        finally:
            in_flight -= 1

    async def in_thread(work: Callable[[], T]) -> T:
        try:
            with anyio.fail_after(limits.timeout):
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True, limiter=engine_thread[0])
        except TimeoutError:
            raise HTTPException(504, f"not answered within {limits.timeout:g} s") from None

    def options_for(request: LintRequest) -> WriteOptions:
        if request.show_values and not limits.allow_show_values:
            raise HTTPException(403, "this server does not show values (start it with --allow-show-values)")
        return WriteOptions(show_values=request.show_values)

    def posts_of(request: LintRequest) -> list[Post]:
        given = request.all_posts()
        if len(given) > limits.max_posts:
            raise HTTPException(413, f"more than {limits.max_posts} posts in one request")
        return [p.post() for p in given]

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "alive"}

    @app.get("/readyz", tags=["health"], dependencies=guarded)
    async def readyz() -> JSONResponse:
        """The models are loaded: requests are answered."""
        if failure:
            return JSONResponse({"status": "failed", "error": failure[0].code}, status_code=503)
        if not service.ready:
            return JSONResponse({"status": "loading"}, status_code=503, headers={"Retry-After": "5"})
        return JSONResponse({"status": "ready", "languages": list(service.config.languages)})

    @app.post("/v1/lint", tags=["lint"], dependencies=guarded)
    async def lint(request: LintRequest) -> LintResponse:
        """Lint one post or a batch; findings as ``phiguard check --format json`` gives them."""
        options = options_for(request)
        posts = posts_of(request)
        with admitted():
            reports = await in_thread(lambda: service.lint(posts))
        return LintResponse(reports=[_report(r, options, request.min_severity) for r in reports])

    @app.post("/v1/fix", tags=["lint"], dependencies=guarded)
    async def fix(request: LintRequest) -> FixResponse:
        """Each post rewritten by ``phiguard fix``'s operators, with its edits and what it still has."""
        options = options_for(request)
        posts = posts_of(request)
        with admitted():
            results = await in_thread(lambda: service.fix(posts))
        return FixResponse(
            posts=[
                FixOut(
                    id=r.original.id,
                    text=r.post.text,
                    captions=list(r.post.captions),
                    alt_texts=list(r.post.alt_texts),
                    edits=[
                        EditOut(rule=e.rule, scope=e.scope, start=e.start, end=e.end, operator=e.operator, new=e.new)
                        for e in r.edits
                    ],
                    left=[_finding(f, options) for f in r.findings if f.severity >= request.min_severity],
                )
                for r in results
            ]
        )

    @app.get("/v1/rules", tags=["rules"], dependencies=guarded)
    async def rules() -> list[RuleOut]:
        """Every rule of the server's rule packs."""
        return [_rule(r) for r in service.linters.rules(service.config).rules]

    @app.get("/v1/rules/{code}", tags=["rules"], dependencies=guarded)
    async def rule(code: str) -> RuleDetail:
        """One rule and its documentation page."""
        from phiguard.rulepack.docs import rule_page

        ruleset = service.linters.rules(service.config)
        found = next((r for r in ruleset.rules if r.code == code.upper()), None)
        if found is None:
            raise HTTPException(404, unknown_message(code[:20], ruleset.codes, exact=True))
        return RuleDetail(**_rule(found).model_dump(), why=found.why, hipaa=found.hipaa or None, page=rule_page(found))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own answer quotes the input, which may be a post: only where and what is wrong
        problems = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return JSONResponse({"error": "invalid request", "problems": problems}, status_code=422)

    @app.exception_handler(PhiguardError)
    async def refused(request: Request, exc: PhiguardError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": exc.message, "fix": exc.fix}, status_code=422)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> JSONResponse:
        LOG.error("phiguard serve: internal error (%s) on %s", exc.__class__.__name__, request.url.path)
        return JSONResponse({"error": "PG900", "message": "internal error"}, status_code=500)

    app.add_middleware(BodyLimit, limit=limits.max_body_bytes)
    return app


def _finding(f: Finding, options: WriteOptions) -> FindingOut:
    return FindingOut(**finding_record(f, options), start=f.start, end=f.end)


def _report(r: Report, options: WriteOptions, least: Severity) -> ReportOut:
    return ReportOut(
        id=r.post.id,
        ok=r.ok,
        languages=dict(r.languages),
        findings=[_finding(f, options) for f in r.findings if f.severity >= least],
    )


def _rule(r: Any) -> RuleOut:
    return RuleOut(
        code=r.code,
        name=r.name,
        category=r.category.value,
        severity=r.severity.value,
        entity=r.entity,
        languages=list(r.languages),
        summary=r.summary,
    )


class _TooLarge(HTTPException):
    """Raised while the body is read: FastAPI answers an HTTPException met there as it is."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over {limit} bytes")


class BodyLimit:
    """Refuses a request body over ``limit`` bytes with 413: by its Content-Length before reading it,
    and while reading a body sent without one."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send, self.limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge(self.limit)
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except _TooLarge:
            if not started:
                await _too_large(send, self.limit)


async def _too_large(send: Send, limit: int) -> None:
    body = JSONResponse({"error": "request too large", "limit_bytes": limit}, status_code=413)
    await send({"type": "http.response.start", "status": 413, "headers": body.raw_headers})
    await send({"type": "http.response.body", "body": body.body})
