// Benchmark of the .c1z store: writes N realistic LangSmith workspace-role grants (plus
// users, workspaces and roles) in pages of 500, then reads everything back.
//
//   npm run bench:c1z -- --grants 1000000 [--level 3] [--workers N] [--work-dir DIR] [--keep]
//
// "write" is end to end: building the grant objects, encoding, inserting, building the
// deferred indexes and compressing into the final file.
import { randomUUID } from "node:crypto";
import { rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { C1zReader } from "../baton/c1z/reader.js";
import { workspaceRoleResourceId } from "../connector/ids.js";
import { C1zWriter } from "../baton/c1z/writer.js";
import {
  ResourceType_Trait,
  entitlementId,
  groupTrait,
  newEntitlement,
  newGrant,
  newResource,
  newResourceType,
  resourceId,
  roleTrait,
  userTrait,
  type Resource,
} from "../baton/model.js";

const { values } = parseArgs({
  options: {
    grants: { type: "string", default: "1000000" },
    level: { type: "string" },
    workers: { type: "string" },
    "work-dir": { type: "string" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const N = Number(values.grants);
const PAGE = 500;
const MEMBERS_PER_WORKSPACE = 5000;
const ROLES = ["Admin", "Editor", "Viewer", "Annotator"].map((name) => ({ id: randomUUID(), name }));

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));

async function main(): Promise<void> {
  const out = values.out ?? path.join(os.tmpdir(), `c1z-bench-${process.pid}.c1z`);
  const workspaces = Math.max(1, Math.ceil(N / MEMBERS_PER_WORKSPACE));
  // Each workspace lists distinct users, so the pool is at least one workspace big.
  const users = Array.from({ length: Math.max(Math.min(N, MEMBERS_PER_WORKSPACE), Math.min(20_000, Math.ceil(N / 50))) }, () => randomUUID());

  const t0 = performance.now();
  const writer = await C1zWriter.create(out, {
    workDir: values["work-dir"],
    compressionLevel: values.level !== undefined ? Number(values.level) : undefined,
    compressionWorkers: values.workers !== undefined ? Number(values.workers) : undefined,
  });
  const userType = newResourceType("user", "User", [ResourceType_Trait.USER]);
  const wsType = newResourceType("workspace", "Workspace", [ResourceType_Trait.GROUP]);
  const roleType = newResourceType("workspace_role", "Workspace role", [ResourceType_Trait.ROLE]);
  writer.putResourceTypes([userType, wsType, roleType]);
  for (let i = 0; i < users.length; i += PAGE) {
    writer.putResources(
      users.slice(i, i + PAGE).map((u, k) =>
        newResource(resourceId("user", u), `User ${i + k}`, {
          annotations: [userTrait({ emails: [{ address: `user${i + k}@example.com`, primary: true }], login: `user${i + k}@example.com`, profile: { email: `user${i + k}@example.com`, full_name: `User ${i + k}`, ls_user_id: u } })],
        }),
      ),
    );
  }

  let written = 0;
  for (let w = 0; w < workspaces && written < N; w++) {
    const wsId = randomUUID();
    const ws = newResource(resourceId("workspace", wsId), `Workspace ${w}`, { annotations: [groupTrait({ profile: { tenant_id: wsId } })] });
    const roles: Resource[] = ROLES.map((r) =>
      newResource(resourceId("workspace_role", workspaceRoleResourceId(wsId, r.id)), `${r.name} (Workspace ${w})`, { parent: ws.id, annotations: [roleTrait({ profile: { role_id: r.id } })] }),
    );
    writer.putResources([ws, ...roles]);
    writer.putEntitlements(roles.map((r) => newEntitlement(r, "assigned", "assignment", { grantableTo: [userType] })));
    // Grants embed the entitlement as {id, resource{id}} and the principal as {id}, as the SDK's real files do.
    const ents = roles.map((r) => ({ id: entitlementId(r.id!, "assigned"), resource: newResource(r.id!, "") }));
    for (let m = 0; m < MEMBERS_PER_WORKSPACE && written < N; m += PAGE) {
      const page = [];
      for (let k = 0; k < PAGE && written < N; k++, written++) {
        const user = users[(w * 7919 + m + k) % users.length]!;
        page.push(newGrant(ents[(m + k) % ents.length]!, resourceId("user", user)));
      }
      writer.putGrants(page);
    }
    sample();
  }
  const tPut = performance.now();
  const done = await writer.finish();
  const t1 = performance.now();
  sample();

  const reader = await C1zReader.open(out, { workDir: values["work-dir"] });
  const tOpen = performance.now();
  let read = 0;
  for (const g of reader.grants()) if (g.principal?.id) read++;
  const t2 = performance.now();
  const counts = reader.counts();
  reader.close();
  sample();
  clearInterval(sampler);
  if (read !== N || counts.grants !== N) throw new Error(`read back ${read} grants (counts: ${counts.grants}), expected ${N}`);
  const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(`grants                 ${fmt(N)} (+ ${fmt(done.counts.resources)} resources, ${fmt(done.counts.entitlements)} entitlements)`);
  console.log(`write end to end       ${fmt(N / ((t1 - t0) / 1000))} grants/s  (${((t1 - t0) / 1000).toFixed(1)} s: put ${((tPut - t0) / 1000).toFixed(1)} s, finish ${((t1 - tPut) / 1000).toFixed(1)} s)`);
  console.log(`read back              ${fmt(N / ((t2 - t1) / 1000))} grants/s  (${((t2 - t1) / 1000).toFixed(1)} s: decompress ${((tOpen - t1) / 1000).toFixed(1)} s, decode ${((t2 - tOpen) / 1000).toFixed(1)} s)`);
  console.log(`finish                 indexes ${(done.timings.indexes / 1000).toFixed(1)} s, compress ${(done.timings.compress / 1000).toFixed(1)} s`);
  console.log(`file size              ${(done.bytes / 1024 / 1024).toFixed(1)} MiB (${(done.bytes / N).toFixed(1)} bytes/grant)`);
  console.log(`peak RSS               ${(maxRss / 1024 / 1024).toFixed(0)} MiB`);
  if (!values.keep) rmSync(out, { force: true });
  else console.log(`kept                   ${out} (${statSync(out).size} bytes)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
