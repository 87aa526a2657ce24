// Micro-benchmark: the hand-written deterministic encoder (src/baton/wire.ts) against protobuf-es'
// toBinary on the messages a sync writes most (grants, users, entitlements), built by the connector's own
// builders. It keeps wire.ts justified: if toBinary ever catches up, the hand-written encoder should go.
// Usage: npm run bench:encode [-- --grants 200000 --users 20000 --rounds 5]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { EntitlementSchema, GrantSchema, ResourceSchema, canonicalize, encodeDeterministic } from "../baton/model.js";
import { userResource, workspaceResource, workspaceRoleEntitlement, workspaceRoleGrant, workspaceRoleResource } from "../connector/builders.js";

const { values } = parseArgs({ options: { grants: { type: "string", default: "200000" }, users: { type: "string", default: "20000" }, rounds: { type: "string", default: "5" } } });
const GRANTS = Number(values.grants);
const USERS = Number(values.users);
const ROUNDS = Number(values.rounds);

const workspaces = Array.from({ length: 100 }, (_, i) => ({ id: randomUUID(), displayName: `Workspace ${i}`, handle: `ws-${i}`, personal: false, deleted: false, createdAt: "2024-05-01T10:00:00Z" }));
const roles = ["WORKSPACE_ADMIN", "WORKSPACE_USER", "WORKSPACE_VIEWER"].map((name) => ({
  id: randomUUID(),
  name,
  displayName: name.toLowerCase(),
  description: `The ${name} role`,
  accessScope: "workspace" as const,
  custom: false,
  permissions: ["projects:read", "runs:read", "datasets:read"],
}));
const userIds = Array.from({ length: USERS }, () => randomUUID());

const grants = Array.from({ length: GRANTS }, (_, i) => workspaceRoleGrant(workspaces[i % workspaces.length]!.id, roles[i % roles.length]!.id, userIds[i % USERS]!));
const users = userIds.map((id, i) =>
  userResource({ lsUserId: id, orgIdentityId: randomUUID(), email: `user${i}@example.com`, fullName: `User ${i}`, disabled: i % 50 === 0, createdAt: "2024-05-01T10:00:00.123456" }),
);
// 300 distinct entitlements, repeated so the timing is not lost in noise.
const entitlements = Array.from({ length: 100 }, () => workspaces.flatMap((w) => roles.map((r) => workspaceRoleEntitlement(workspaceRoleResource(w, r))))).flat();
const workspaceResources = Array.from({ length: 100 }, () => workspaces.map(workspaceResource)).flat();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(items: T[], encode: (m: T) => Uint8Array): { ms: number; bytes: number } {
  let bytes = 0;
  const t0 = performance.now();
  for (const m of items) bytes += encode(m).length;
  return { ms: performance.now() - t0, bytes };
}

function compare<Desc extends DescMessage>(label: string, schema: Desc, items: MessageShape<Desc>[]): void {
  const ours = (m: MessageShape<Desc>) => encodeDeterministic(schema, m);
  const theirs = (m: MessageShape<Desc>) => toBinary(schema, m);
  // Same bytes (on canonicalized messages, where toBinary's map order is deterministic too).
  let same = true;
  for (const m of items.slice(0, 1000)) if (Buffer.compare(encodeDeterministic(schema, m), Buffer.from(toBinary(schema, canonicalize(schema, m)))) !== 0) same = false;
  time(items.slice(0, 2000), ours); // warm-up
  time(items.slice(0, 2000), theirs);
  const a: number[] = [];
  const b: number[] = [];
  let size = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const x = time(items, ours);
    const y = time(items, theirs);
    a.push(x.ms);
    b.push(y.ms);
    size = x.bytes;
  }
  const perSec = (ms: number) => Math.round((items.length * 1000) / ms).toLocaleString("en-US");
  const mbps = (ms: number) => ((size / 1024 / 1024) * 1000 / ms).toFixed(0);
  console.log(
    `| ${label} | ${items.length.toLocaleString("en-US")} | ${Math.round(size / items.length)} B | ${perSec(median(a))}/s (${mbps(median(a))} MiB/s) | ${perSec(median(b))}/s (${mbps(median(b))} MiB/s) | ${(median(b) / median(a)).toFixed(1)}× | ${same ? "yes" : "NO"} |`,
  );
}

console.log(`Node ${process.version}, median of ${ROUNDS} rounds`);
console.log("| message | count | avg size | wire.ts encodeDeterministic | protobuf-es toBinary | speed-up | same bytes |");
console.log("|---|---|---|---|---|---|---|");
compare("Grant (workspace role)", GrantSchema, grants);
compare("Resource (user)", ResourceSchema, users);
compare("Entitlement (workspace role)", EntitlementSchema, entitlements);
compare("Resource (workspace)", ResourceSchema, workspaceResources);
