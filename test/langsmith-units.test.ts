import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BaseUrlError, DEFAULT_RETRY_POLICY, classifyApiKey, normalizeBaseUrl, redact, registerSecret } from "../src/langsmith/index.js";
import { backoffDelay, parseRetryAfter } from "../src/langsmith/retry.js";
import { OffsetPageGuard, PaginationLoopError } from "../src/langsmith/index.js";
import { formatOffsetToken, nextOffsetTokens, parseOffsetToken } from "../src/connector/offset-pages.js";

describe("base URL rules", () => {
  it("accepts the cloud regions and strips one trailing /api/v1 or /api", () => {
    assert.equal(normalizeBaseUrl("https://api.smith.langchain.com"), "https://api.smith.langchain.com");
    assert.equal(normalizeBaseUrl("https://eu.api.smith.langchain.com/"), "https://eu.api.smith.langchain.com");
    assert.equal(normalizeBaseUrl("https://ls.example.com/api/v1/"), "https://ls.example.com");
    assert.equal(normalizeBaseUrl("https://ls.example.com/api"), "https://ls.example.com");
    assert.equal(normalizeBaseUrl("https://ls.example.com/langsmith/api"), "https://ls.example.com/langsmith");
  });
  it("allows http:// only on loopback", () => {
    assert.equal(normalizeBaseUrl("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    assert.equal(normalizeBaseUrl("http://localhost:1"), "http://localhost:1");
    assert.equal(normalizeBaseUrl("http://[::1]:9/api"), "http://[::1]:9");
    assert.throws(() => normalizeBaseUrl("http://langsmith.example.com"), /http:\/\/.*https:\/\//);
  });
  it("refuses non-URLs, credentials, queries and the web-app host", () => {
    assert.throws(() => normalizeBaseUrl("not a url"), BaseUrlError);
    assert.throws(() => normalizeBaseUrl("ftp://x.example.com"), /https/);
    assert.throws(() => normalizeBaseUrl("https://u:p@x.example.com"), /credentials/);
    assert.throws(() => normalizeBaseUrl("https://x.example.com/?a=1"), /query/);
    assert.throws(() => normalizeBaseUrl("https://eu.smith.langchain.com"), /eu\.api\.smith\.langchain\.com/);
  });
});

describe("Retry-After and backoff", () => {
  it("reads seconds, milliseconds and HTTP dates, capped", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter({ "retry-after": "2" }, DEFAULT_RETRY_POLICY, now), 2000);
    assert.equal(parseRetryAfter({ "retry-after": "1.5" }, DEFAULT_RETRY_POLICY, now), 1500);
    assert.equal(parseRetryAfter({ "retry-after-ms": "250", "retry-after": "9" }, DEFAULT_RETRY_POLICY, now), 250);
    assert.equal(parseRetryAfter({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }, DEFAULT_RETRY_POLICY, now), 3000);
    assert.equal(parseRetryAfter({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, DEFAULT_RETRY_POLICY, now), 0, "a date in the past: no wait");
    assert.equal(parseRetryAfter({ "retry-after": "99999" }, DEFAULT_RETRY_POLICY, now), DEFAULT_RETRY_POLICY.maxRetryAfterMs);
    assert.equal(parseRetryAfter({ "retry-after": "soon" }, DEFAULT_RETRY_POLICY, now), undefined);
    assert.equal(parseRetryAfter({}, DEFAULT_RETRY_POLICY, now), undefined);
  });
  it("backs off exponentially with jitter, within [step/2, step], capped", () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(backoffDelay(1, p, () => 0), 50);
    assert.equal(backoffDelay(1, p, () => 1), 100);
    assert.equal(backoffDelay(3, p, () => 1), 400);
    assert.equal(backoffDelay(10, p, () => 1), 1000);
    assert.equal(backoffDelay(10, p, () => 0), 500);
  });
});

describe("keys and redaction", () => {
  it("classifies key shapes", () => {
    assert.equal(classifyApiKey("lsv2_sk_0123456789abcdef0123456789abcdef_0123456789"), "service-key");
    assert.equal(classifyApiKey("lsv2_pt_0123456789abcdef0123456789abcdef_0123456789"), "personal-access-token");
    assert.equal(classifyApiKey("ls__abc"), "legacy");
    assert.equal(classifyApiKey("hunter2"), "unknown");
  });
  it("removes keys by shape and registered secrets by value", () => {
    const key = "lsv2_sk_feedfacefeedfacefeedfacefeedface_0123456789";
    assert.equal(redact(`key=${key}!`).includes("feedface"), false);
    registerSecret("an-odd-secret-value");
    assert.equal(redact("x an-odd-secret-value y"), "x [REDACTED] y");
  });
});

describe("offset paging", () => {
  it("plans the remaining pages from the first page's total", () => {
    const first = nextOffsetTokens(parseOffsetToken(""), 500, 1201);
    assert.deepEqual(first.enqueuePageTokens, ["500/1000", "1000/1000"]);
    assert.equal(first.nextPageToken, undefined);
    // a full middle page defers to the later planned page; the last planned page, if full, continues
    assert.deepEqual(nextOffsetTokens(parseOffsetToken("500/1000"), 500, 1201), {});
    assert.deepEqual(nextOffsetTokens(parseOffsetToken("1000/1000"), 500, 1201), { nextPageToken: "1500/-1" });
    assert.deepEqual(nextOffsetTokens(parseOffsetToken("1000/1000"), 201, 1201), {});
  });
  it("pages sequentially without a total, and stops on a short page", () => {
    assert.deepEqual(nextOffsetTokens(parseOffsetToken(""), 500, undefined), { nextPageToken: formatOffsetToken({ offset: 500, planEnd: -1 }) });
    assert.deepEqual(nextOffsetTokens(parseOffsetToken("500/-1"), 499, undefined), {});
    assert.throws(() => parseOffsetToken("abc"), /malformed/);
  });
  it("guards against repeated pages", () => {
    const g = new OffsetPageGuard<{ id: string }>((x) => x.id, { method: "GET", path: "/x" });
    assert.deepEqual(g.accept([{ id: "a" }, { id: "b" }], 0).map((x) => x.id), ["a", "b"]);
    assert.deepEqual(g.accept([{ id: "b" }, { id: "c" }], 2).map((x) => x.id), ["c"]);
    assert.throws(() => g.accept([{ id: "a" }, { id: "c" }], 4), PaginationLoopError);
    assert.deepEqual(g.accept([], 6), []);
  });
});

// The limiter and retry rules are tested on a fake clock in limiter-retry.test.ts.

