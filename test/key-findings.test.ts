// Findings of an API key at a fixed "now": each threshold at, just inside and just outside its boundary.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type KeyFacts, keyFindings } from "../src/connector/secrets/findings.js";

const NOW = Date.parse("2025-07-01T00:00:00Z");
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();
const opts = { now: NOW, expiringWithinDays: 30, unusedForDays: 90 };
const fresh: KeyFacts = { expiresAt: at(NOW + 400 * DAY), lastUsedAt: at(NOW - DAY), orgWideAdmin: false, orphaned: false };

describe("key findings", () => {
  it("a healthy key has none", () => assert.deepEqual(keyFindings(fresh, opts), []));

  it("expiry: expired at now, expiring soon up to the threshold, nothing after; no expiry is its own finding", () => {
    assert.deepEqual(keyFindings({ ...fresh, expiresAt: at(NOW) }, opts), ["expired"]);
    assert.deepEqual(keyFindings({ ...fresh, expiresAt: at(NOW + 1000) }, opts), ["expiring_soon"]);
    assert.deepEqual(keyFindings({ ...fresh, expiresAt: at(NOW + 30 * DAY) }, opts), ["expiring_soon"]);
    assert.deepEqual(keyFindings({ ...fresh, expiresAt: at(NOW + 30 * DAY + 1000) }, opts), []);
    assert.deepEqual(keyFindings({ ...fresh, expiresAt: undefined }, opts), ["no_expiry"]);
    assert.deepEqual(keyFindings({ ...fresh, expiresAt: at(NOW + 10 * DAY) }, { ...opts, expiringWithinDays: 7 }), [], "threshold configurable");
  });

  it("use: never used, unused past the threshold (not at it)", () => {
    assert.deepEqual(keyFindings({ ...fresh, lastUsedAt: undefined }, opts), ["never_used"]);
    assert.deepEqual(keyFindings({ ...fresh, lastUsedAt: at(NOW - 90 * DAY) }, opts), []);
    assert.deepEqual(keyFindings({ ...fresh, lastUsedAt: at(NOW - 90 * DAY - 1000) }, opts), ["unused"]);
    assert.deepEqual(keyFindings({ ...fresh, lastUsedAt: at(NOW - 40 * DAY) }, { ...opts, unusedForDays: 30 }), ["unused"]);
  });

  it("org-wide admin and orphaned, in the fixed order; zone-less FastAPI times read as UTC", () => {
    assert.deepEqual(keyFindings({ expiresAt: "2025-06-01T00:00:00.000000", lastUsedAt: undefined, orgWideAdmin: true, orphaned: true }, opts), [
      "expired", "never_used", "org_admin", "orphaned",
    ]);
  });
});
