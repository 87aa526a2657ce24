// API keys end to end through the real CLI against the simulator: the sync matches the ground truth (trait
// fields, grants with the key as principal, findings at a fixed --now, orphaned creators), PATs visible and
// not, service accounts; revocation (idempotent, never the connector's own key); rotation with its faults,
// and a rotated secret decrypted with the private key and used against the simulator.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { compactDecrypt, importJWK } from "jose";
import { C1zReader } from "../src/baton/c1z/reader.js";
import { SecretTraitSchema, getAnnotation, timestampDate } from "../src/baton/model.js";
import { type ApiKeyInfo, type GroundTruth, type Simulator, startSimulator } from "../src/simulator/index.js";
import { assertMatchesTruth, readC1z } from "./support/c1z-content.js";
import { tmpDir } from "./support/cli.js";
import { run } from "./support/robustness.js";
import { call } from "./support/sim-http.js";

const NOW = "2025-07-01T00:00:00Z";
const DAY = 86_400_000;

function env(sim: Simulator, key = sim.keys.admin): Record<string, string> {
  return { BATON_API_KEY: key, BATON_ORGANIZATION_ID: sim.orgId, BATON_BASE_URL: sim.url, BATON_LOG_FORMAT: "console" };
}

/** The findings a key should carry, computed here from the ground truth, independently of the connector. */
function expectedFindings(truth: GroundTruth, k: ApiKeyInfo, adminRoleId: string): string[] {
  const now = Date.parse(NOW);
  const out: string[] = [];
  const exp = k.expiresAt ? Date.parse(k.expiresAt) : undefined;
  const used = k.lastUsedAt ? Date.parse(k.lastUsedAt) : undefined;
  if (exp !== undefined && exp <= now) out.push("expired");
  else if (exp !== undefined && exp <= now + 30 * DAY) out.push("expiring_soon");
  if (used === undefined) out.push("never_used");
  else if (used < now - 90 * DAY) out.push("unused");
  if (k.kind === "service" && k.accessScope === "organization" && k.orgRoleId === adminRoleId) out.push("org_admin");
  const ref = k.kind === "pat" ? k.ownerLsUserId : k.createdBy;
  const member = truth.users.find((u) => ref && [u.lsUserId, u.orgIdentityId, u.email.toLowerCase()].includes(ref.toLowerCase()));
  const account = truth.serviceAccounts.find((a) => a.id === ref);
  if (ref && !account && !(member && !member.disabled)) out.push("orphaned");
  if (exp === undefined) out.push("no_expiry");
  return out;
}

const seconds = (iso: string | null) => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined);

describe("API keys end to end", () => {
  let sim: Simulator;
  let dir: string;
  before(async () => {
    sim = await startSimulator({ users: 20, workspaces: 4, seed: 41 });
    dir = tmpDir();
  });
  after(() => sim.close());

  it("sync: every service key and PAT with trait fields, grants and findings as in the ground truth", async () => {
    const file = join(dir, "keys.c1z");
    const r = await run(["-f", file, "--now", NOW], { env: env(sim) });
    assert.equal(r.code, 0, r.stderr);
    const truth = sim.truth();
    assertMatchesTruth(await readC1z(file), sim);
    const adminRoleId = sim.state.role("ORGANIZATION_ADMIN").id;
    const reader = await C1zReader.open(file);
    try {
      const tally = new Map<string, number>();
      for (const k of [...truth.serviceKeys, ...truth.personalAccessTokens]) {
        const type = k.kind === "pat" ? "personal_access_token" : "service_key";
        const res = reader.getResource({ $typeName: "c1.connector.v2.ResourceId", resourceType: type, resource: k.id, batonResource: false })!;
        assert.ok(res, `${type} ${k.id}`);
        const trait = getAnnotation(res.annotations, SecretTraitSchema)!;
        assert.ok(trait, "SecretTrait");
        const findings = expectedFindings(truth, k, adminRoleId);
        for (const f of findings) tally.set(f, (tally.get(f) ?? 0) + 1);
        assert.deepEqual(res.profile?.findings, findings, `findings of ${k.description}`);
        assert.equal(res.profile?.short_key, k.shortKey);
        assert.equal(trait.createdAt && Math.floor(timestampDate(trait.createdAt).getTime() / 1000), seconds(k.createdAt));
        assert.equal(trait.expiresAt && Math.floor(timestampDate(trait.expiresAt).getTime() / 1000), seconds(k.expiresAt));
        assert.equal(trait.lastUsedAt && Math.floor(timestampDate(trait.lastUsedAt).getTime() / 1000), seconds(k.lastUsedAt));
        // The creator: a member (by ls_user_id, identity id or email), a service account, or left raw.
        const ref = k.kind === "pat" ? k.ownerLsUserId : k.createdBy;
        const member = truth.users.find((u) => ref && [u.lsUserId, u.orgIdentityId, u.email.toLowerCase()].includes(ref.toLowerCase()));
        const account = truth.serviceAccounts.find((a) => a.id === ref);
        const expectedCreator = member ? `user:${member.lsUserId}` : account ? `service_account:${account.id}` : undefined;
        const creator = trait.createdById ? `${trait.createdById.resourceType}:${trait.createdById.resource}` : undefined;
        assert.equal(creator, expectedCreator, `creator of ${k.description}`);
        if (!expectedCreator && k.kind === "service") assert.equal(res.profile?.created_by, k.createdBy, "unresolved creator kept raw");
        if (k.kind === "pat") assert.equal(trait.identityId?.resource, k.ownerLsUserId, "a PAT belongs to its owner");
        if (account) assert.equal(trait.identityId?.resource, account.id, "a service account's key belongs to it");
        // Only the redacted form is ever stored.
        assert.ok(!JSON.stringify(res.profile).includes(sim.state.keySecret(k.id).slice(12, 40)));
      }
      const orphan = truth.serviceKeys.find((k) => k.description === "legacy exporter")!;
      assert.ok(expectedFindings(truth, orphan, adminRoleId).includes("orphaned"), "the key whose creator left is orphaned");
      // The summary counts the same findings.
      const labels: Record<string, string> = {
        expired: "expired", expiring_soon: "expiring soon", never_used: "never used", unused: "unused for long",
        org_admin: "org-wide admin", orphaned: "orphaned \\(creator not an active member\\)", no_expiry: "no expiry",
      };
      for (const [f, n] of tally) assert.match(r.stdout, new RegExp(`[ ,]${labels[f]} ${n}[,  ]`), `summary ${f}`);
      assert.match(r.stdout, new RegExp(`service keys +${truth.serviceKeys.length}`));
      assert.match(r.stdout, new RegExp(`PATs +${truth.personalAccessTokens.length}`));
      // A service account is a user of account type SERVICE, its own type, not a member.
      const sa = truth.serviceAccounts[0]!;
      assert.ok(reader.getResource({ $typeName: "c1.connector.v2.ResourceId", resourceType: "service_account", resource: sa.id, batonResource: false }));
    } finally {
      reader.close();
    }
    // One warning line for the key scoped to a deleted workspace (no grant there, never a guess).
    assert.equal(r.stderr.split("\n").filter((l) => /match no synced workspace/.test(l)).length, 1);
    assert.match(r.stdout, /1 workspace name\(s\) matched no workspace, 0 matched several/);
  });

  it("sync: duplicate workspace names are reported, never guessed", async () => {
    const ws = sim.truth().workspaces;
    sim.state.renameWorkspace(ws[2]!.id, ws[1]!.displayName);
    try {
      const file = join(dir, "dup.c1z");
      const r = await run(["-f", file, "--now", NOW], { env: env(sim) });
      assert.equal(r.code, 0, r.stderr);
      assertMatchesTruth(await readC1z(file), sim);
      assert.match(r.stdout, /matched several: no grant/);
      assert.doesNotMatch(r.stdout, / 0 matched several/);
    } finally {
      sim.state.renameWorkspace(ws[2]!.id, ws[2]!.displayName);
    }
  });

  it("sync: PATs not visible (403 or no such listing) → the sync goes on and says so once", async () => {
    for (const mode of ["forbidden", "absent"] as const) {
      const other = await startSimulator({ users: 8, workspaces: 2, seed: 5, patListing: mode, serviceAccounts: mode === "absent" ? "absent" : "available" });
      try {
        const file = join(dir, `pats-${mode}.c1z`);
        const r = await run(["-f", file, "--now", NOW], { env: env(other) });
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stderr.split("\n").filter((l) => /personal access tokens are not visible to this key/.test(l));
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0]!, mode === "forbidden" ? /organization:pats:read/ : /no org-wide PAT listing/);
        assert.match(r.stdout, /PATs +not visible: /);
        const content = await readC1z(file);
        assert.ok(![...content.resources.keys()].some((k) => k.startsWith("personal_access_token:")));
        assert.ok([...content.resources.keys()].some((k) => k.startsWith("service_key:")));
        if (mode === "absent") assert.match(r.stdout, /service accounts not listed by this LangSmith/);
      } finally {
        await other.close();
      }
    }
  });

  it("delete: removes the key, is idempotent, and refuses the connector's own key", async () => {
    const ws = sim.truth().workspaces[0]!.id;
    const made = await call<{ id: string; key: string }>(sim, "/api/v1/orgs/current/service-keys", { method: "POST", body: { description: "to delete", workspaces: [ws] } });
    const args = ["-p", "--delete-resource", made.body.id, "--delete-resource-type", "service_key"];
    const first = await run(args, { env: env(sim) });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /deleted service key/);
    assert.ok(!sim.truth().serviceKeys.some((k) => k.id === made.body.id));
    assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { key: made.body.key, tenant: ws })).status, 401);
    const again = await run(args, { env: env(sim) });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already gone/);

    const own = sim.truth().serviceKeys.find((k) => sim.state.keySecret(k.id) === sim.keys.admin)!;
    const refused = await run(["-p", "--delete-resource", own.id, "--delete-resource-type", "service_key"], { env: env(sim) });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing to delete service key .* the key this connector is using/);
    assert.ok(sim.truth().serviceKeys.some((k) => k.id === own.id), "own key untouched");
    sim.resetLog();
    const noFlag = await run(["--delete-resource", own.id, "--delete-resource-type", "service_key"], { env: env(sim) });
    assert.equal(noFlag.code, 2);
    assert.match(noFlag.stderr, /add --provisioning/);
    assert.equal(sim.requests.length, 0, "bad input changes nothing remotely");
  });

  describe("rotation", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const publicJwk = JSON.stringify(ec.publicKey.export({ format: "jwk" }));

    async function newKey(description: string, lifetimeDays = 10): Promise<{ id: string; key: string; ws: string }> {
      const ws = sim.truth().workspaces[0]!.id;
      const r = await call<{ id: string; key: string }>(sim, "/api/v1/orgs/current/service-keys", {
        method: "POST",
        body: { description, workspaces: [ws], role_id: sim.state.role("WORKSPACE_VIEWER").id, expires_at: new Date(Date.now() + lifetimeDays * DAY).toISOString() },
      });
      assert.equal(r.status, 200);
      return { ...r.body, ws };
    }

    function rotate(id: string, extra: string[] = []) {
      return run(["-p", "--rotate-credentials", id, "--rotate-credentials-type", "service_key", "--rotate-credentials-public-key", publicJwk, ...extra], { env: env(sim) });
    }

    async function decrypt(stdout: string): Promise<string> {
      const out = JSON.parse(stdout) as { encryptedData: Array<{ provider: string; encryptedBytes: string }> };
      assert.equal(out.encryptedData.length, 1);
      assert.equal(out.encryptedData[0]!.provider, "baton/jwk/v1");
      const jwe = Buffer.from(Buffer.from(out.encryptedData[0]!.encryptedBytes, "base64").toString("utf8"), "base64").toString("utf8");
      const { plaintext } = await compactDecrypt(jwe, await importJWK(ec.privateKey.export({ format: "jwk" }) as never, "ECDH-ES"));
      return new TextDecoder().decode(plaintext);
    }

    it("creates the replacement with the same description, scope, role and lifetime, hands it over encrypted, then deletes the old key", async () => {
      const old = await newKey("rotate me");
      const before = sim.truth().serviceKeys.find((k) => k.id === old.id)!;
      const r = await rotate(old.id);
      assert.equal(r.code, 0, r.stderr);
      const secret = await decrypt(r.stdout);
      assert.match(secret, /^lsv2_sk_/);
      const keys = sim.truth().serviceKeys;
      assert.ok(!keys.some((k) => k.id === old.id), "old key deleted");
      const replacement = keys.filter((k) => k.description === "rotate me");
      assert.equal(replacement.length, 1);
      const n = replacement[0]!;
      assert.deepEqual([n.accessScope, n.workspaceIds, n.roleId], [before.accessScope, before.workspaceIds, before.roleId]);
      const lifetime = (k: ApiKeyInfo) => Date.parse(k.expiresAt!) - Date.parse(k.createdAt);
      assert.ok(Math.abs(lifetime(n) - lifetime(before)) < 60_000, "same lifetime");
      // The decrypted secret is the new key, and it works; the old one does not.
      assert.equal(sim.state.keySecret(n.id), secret);
      assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { key: secret, tenant: old.ws })).status, 200);
      assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { key: old.key, tenant: old.ws })).status, 401);
      // The old key was deleted after the create, never before.
      const writes = sim.requests.filter((q) => q.method !== "GET" && q.path.includes("service-keys")).slice(-2).map((q) => q.method);
      assert.deepEqual(writes, ["POST", "DELETE"]);
      for (const text of [r.stdout, r.stderr]) assert.ok(!text.includes(secret) && !text.includes(secret.slice(8, 40)), "new secret never in clear");
    });

    it("an Ed25519 JWK: the age file opens with Go's age tool and the private key", { skip: hasAge() ? false : "the age binary is not installed (apt-get install age)" }, async () => {
      const ed = generateKeyPairSync("ed25519");
      const keyFile = join(dir, "ed25519.pem");
      writeFileSync(keyFile, ed.privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
      const jwkFile = join(dir, "ed25519.jwk.json");
      writeFileSync(jwkFile, JSON.stringify(ed.publicKey.export({ format: "jwk" })));
      const old = await newKey("rotate with age");
      const r = await run(["-p", "--rotate-credentials", old.id, "--rotate-credentials-type", "service_key", "--rotate-credentials-public-key", jwkFile], { env: env(sim) });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { encryptedData: Array<{ encryptedBytes: string }> };
      const ageFile = join(dir, "key.age");
      writeFileSync(ageFile, Buffer.from(Buffer.from(out.encryptedData[0]!.encryptedBytes, "base64").toString("utf8"), "base64"));
      const secret = execFileSync("age", ["-d", "-i", keyFile, ageFile]).toString("utf8");
      assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { key: secret, tenant: old.ws })).status, 200);
    });

    it("5xx on create: nothing is created or deleted, the old key still works", async () => {
      const old = await newKey("rotate under 503");
      sim.setFailAlways([{ method: "POST", path: "/api/v1/orgs/current/service-keys", status: 503 }]);
      try {
        const r = await rotate(old.id);
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, new RegExp(`creating the replacement failed .* ${old.id} is untouched`));
      } finally {
        sim.setFailAlways([]);
      }
      assert.equal(sim.truth().serviceKeys.filter((k) => k.description === "rotate under 503").length, 1);
      assert.equal((await call(sim, "/api/v1/workspaces/current/members/active", { key: old.key, tenant: old.ws })).status, 200);
    });

    it("5xx on delete: the new key was handed over, the old one is kept, and both ids are reported", async () => {
      const old = await newKey("rotate, delete fails");
      sim.setFailAlways([{ method: "DELETE", path: `/api/v1/orgs/current/service-keys/${old.id}`, status: 500 }]);
      try {
        const r = await rotate(old.id);
        assert.equal(r.code, 1);
        const secret = await decrypt(r.stdout);
        const both = sim.truth().serviceKeys.filter((k) => k.description === "rotate, delete fails");
        assert.equal(both.length, 2);
        const fresh = both.find((k) => k.id !== old.id)!;
        assert.equal(sim.state.keySecret(fresh.id), secret);
        assert.match(r.stderr, new RegExp(`new key ${fresh.id} was handed over, but deleting the old key ${old.id} failed`));
      } finally {
        sim.setFailAlways([]);
      }
    });

    it("a lost answer after the server created the key: read back, no duplicate left, no gap", async () => {
      const old = await newKey("rotate, answer lost");
      sim.setFailAlways([{ method: "POST", path: "/api/v1/orgs/current/service-keys", status: 0, dropAfterApply: true, times: 1 }]);
      const r = await rotate(old.id);
      sim.setFailAlways([]);
      assert.equal(r.code, 0, r.stderr);
      const secret = await decrypt(r.stdout);
      const left = sim.truth().serviceKeys.filter((k) => k.description === "rotate, answer lost");
      assert.equal(left.length, 1, "exactly one key: the stray was deleted, the old one after hand-over");
      assert.equal(sim.state.keySecret(left[0]!.id), secret);
      assert.ok(sim.requests.some((q) => q.fault === "drop-after-apply"));
    });

    it("refuses the connector's own key, an unknown key and a bad public key before changing anything", async () => {
      const own = sim.truth().serviceKeys.find((k) => sim.state.keySecret(k.id) === sim.keys.admin)!;
      const self = await rotate(own.id);
      assert.equal(self.code, 1);
      assert.match(self.stderr, /refusing to rotate service key/);
      const unknown = await rotate("00000000-0000-4000-8000-000000000000");
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /does not exist/);
      sim.resetLog();
      const badKey = await run(["-p", "--rotate-credentials", own.id, "--rotate-credentials-type", "service_key", "--rotate-credentials-public-key", '{"kty":"oct","k":"AAAA"}'], { env: env(sim) });
      assert.equal(badKey.code, 2);
      const noKey = await run(["-p", "--rotate-credentials", own.id, "--rotate-credentials-type", "service_key"], { env: env(sim) });
      assert.equal(noKey.code, 2);
      assert.match(noKey.stderr, /--rotate-credentials-public-key/);
      assert.equal(sim.requests.length, 0, "bad input sends nothing");
    });
  });
});

function hasAge(): boolean {
  try {
    execFileSync("age", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

