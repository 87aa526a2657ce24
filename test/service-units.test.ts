// The service-mode building blocks on their own: client id/secret parsing, the signed assertion (checked by
// the fake ConductorOne's token endpoint), endpoint derivation, and the token cache driven by a fake clock.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Clock } from "../src/common/clock.js";
import { CredentialsError, TokenSource, parseClientId, parseClientSecret, serviceEndpoints, signAssertion } from "../src/baton/service/index.js";
import { FakeConductorOne } from "./support/fake-c1.js";

function secretOf(jwk: object): string {
  return `secret-token:conductorone.com:v1:${Buffer.from(JSON.stringify(jwk)).toString("base64url")}`;
}

describe("client id and secret", () => {
  it("splits the client id at the first @ and the first / after it; the audience drops the port", () => {
    const id = parseClientId("my-connector@tenant.conductor.one:8443/pcc/x");
    assert.deepEqual({ ...id }, { value: "my-connector@tenant.conductor.one:8443/pcc/x", name: "my-connector", hostPort: "tenant.conductor.one:8443", audience: "tenant.conductor.one" });
    assert.equal(parseClientId("a@h/").hostPort, "h");
    for (const bad of ["no-at", "a@no-slash", "a@/suffix"]) assert.throws(() => parseClientId(bad), CredentialsError, bad);
  });

  it("derives the gRPC and token endpoints; BATON_C1_API_HOST moves both, never the audience", () => {
    const id = parseClientId("c@tenant.conductor.one/pcc");
    assert.deepEqual(serviceEndpoints(id), { grpcBaseUrl: "https://tenant.conductor.one:443", tokenUrl: "https://tenant.conductor.one/auth/v1/token" });
    assert.deepEqual(serviceEndpoints(id, "localhost:9443"), { grpcBaseUrl: "https://localhost:9443", tokenUrl: "https://localhost:9443/auth/v1/token" });
    assert.equal(id.audience, "tenant.conductor.one");
  });

  it("accepts an Ed25519 JWK secret and refuses every malformed one without echoing it", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const jwk = privateKey.export({ format: "jwk" });
    assert.ok(parseClientSecret(secretOf(jwk)).key);
    assert.equal(parseClientSecret(secretOf({ ...jwk, kid: "k1" })).kid, "k1");
    const other = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
    const cases = [
      "secret-token:conductorone.com:v1",
      "secret-token:conductorone.com:v2:abc",
      `${secretOf(jwk)}=`,
      "secret-token:conductorone.com:v1:bm90LWpzb24",
      secretOf({ kty: "RSA", d: jwk.d, x: jwk.x }),
      secretOf({ kty: "OKP", crv: "Ed25519", x: jwk.x }),
      secretOf(publicKey.export({ format: "jwk" })),
      secretOf({ ...jwk, x: other.x }),
    ];
    for (const bad of cases) {
      assert.throws(() => parseClientSecret(bad), (err: Error) => err instanceof CredentialsError && !err.message.includes(bad.split(":")[3] ?? "\u0000"), bad);
    }
  });

  it("signs an assertion with a sorted header (alg, kid, nonce) and integer times ±120 s from one clock read", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    const secret = parseClientSecret(secretOf({ ...privateKey.export({ format: "jwk" }), kid: "k1" }));
    const jws = signAssertion(parseClientId("c@h.example:1/s"), secret, 1_700_000_000_999);
    const [h, p] = jws.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>);
    assert.deepEqual(Object.keys(h!), ["alg", "kid", "nonce"]);
    assert.match(String(h!.nonce), /^[0-9a-f]{32}$/);
    assert.deepEqual(p, { aud: "h.example", exp: 1_700_000_120, iat: 1_700_000_000, iss: "c@h.example:1/s", nbf: 1_699_999_880, sub: "c@h.example:1/s" });
    assert.notEqual(JSON.parse(Buffer.from(signAssertion(parseClientId("c@h/s"), secret, 0).split(".")[0]!, "base64url").toString()).nonce, h!.nonce);
  });
});

describe("token cache (against the fake ConductorOne's verifying token endpoint)", () => {
  let fake: FakeConductorOne;
  before(async () => {
    fake = await FakeConductorOne.start();
  });
  after(async () => fake?.close());

  const fakeClock = (start: number) => {
    const clock: Clock & { t: number } = { t: start, now: () => clock.t, sleep: async () => {} };
    return clock;
  };
  const source = (clock: Clock) => {
    const creds = fake.newCredentials();
    const clientId = parseClientId(creds.clientId);
    return new TokenSource({
      clientId,
      secret: parseClientSecret(creds.clientSecret),
      tokenUrl: serviceEndpoints(clientId).tokenUrl,
      clock,
      userAgent: "test",
      timeoutMs: 30_000,
      ca: fake.ca.caPem,
    });
  };

  it("reuses a token until 10 s before it expires, shares one fetch among concurrent callers, and never caches a failure", async () => {
    fake.script.tokenLifetimeSeconds = 60;
    const clock = fakeClock(Date.now());
    const tokens = source(clock);
    const before = fake.tokenRequests.length;
    const [a, b, c] = await Promise.all([tokens.authorization(), tokens.authorization(), tokens.authorization()]);
    assert.equal(fake.tokenRequests.length - before, 1, "one fetch for three concurrent callers");
    assert.ok(a === b && b === c && a.startsWith("Bearer "), "token_type normalised to Bearer");
    clock.t += 49_000;
    assert.equal(await tokens.authorization(), a, "still reused 11 s before expiry");
    clock.t += 1_000;
    fake.script.tokenFaults.push({ status: 401 });
    await assert.rejects(tokens.authorization(), (err: Error & { code?: number }) => {
      assert.equal(err.code, 16);
      assert.match(err.message, /failed to get token: 401/);
      return true;
    });
    const fresh = await tokens.authorization();
    assert.notEqual(fresh, a, "a new token 10 s before expiry, the failure not cached");
    assert.ok(fake.tokenRequests.slice(before).every((r) => r.ok || r.reason === undefined), "every assertion verified");
    for (const [fault, pattern] of [
      ["empty-token", /no access_token/],
      ["bad-json", /did not answer JSON/],
    ] as const) {
      fake.script.tokenFaults.push(fault);
      await assert.rejects(source(fakeClock(Date.now())).authorization(), (err: Error & { code?: number }) => err.code === 16 && pattern.test(err.message));
    }
  });
});
