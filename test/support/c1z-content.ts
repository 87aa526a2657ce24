// Reads a .c1z into plain sets and compares it with the simulator's ground truth.
import assert from "node:assert/strict";
import { toBinary } from "@bufbuild/protobuf";
import { C1zReader } from "../../src/baton/c1z/reader.js";
import { EntitlementSchema, GrantSchema, ResourceSchema, ResourceTypeSchema, Status_ResourceStatus } from "../../src/baton/model.js";
import type { GroundTruth, Simulator } from "../../src/simulator/index.js";

export interface C1zContent {
  resourceTypes: string[];
  resources: Map<string, { displayName: string; disabled: boolean; login?: string }>;
  entitlements: Set<string>;
  grants: Set<string>;
  /** id → hex of the serialized object, for byte-level comparisons. */
  blobs: Map<string, string>;
}

export async function readC1z(path: string): Promise<C1zContent> {
  const reader = await C1zReader.open(path);
  try {
    const blobs = new Map<string, string>();
    const resourceTypes: string[] = [];
    for (const rt of reader.resourceTypes()) {
      resourceTypes.push(rt.id);
      blobs.set(`rt:${rt.id}`, Buffer.from(toBinary(ResourceTypeSchema, rt)).toString("hex"));
    }
    const resources = new Map<string, { displayName: string; disabled: boolean; login?: string }>();
    for (const r of reader.resources()) {
      const key = `${r.id!.resourceType}:${r.id!.resource}`;
      const email = typeof r.profile?.email === "string" ? r.profile.email : undefined;
      resources.set(key, { displayName: r.displayName, disabled: r.status?.status === Status_ResourceStatus.DISABLED, login: email });
      blobs.set(`r:${key}`, Buffer.from(toBinary(ResourceSchema, r)).toString("hex"));
    }
    const entitlements = new Set<string>();
    for (const e of reader.entitlements()) {
      entitlements.add(e.id);
      blobs.set(`e:${e.id}`, Buffer.from(toBinary(EntitlementSchema, e)).toString("hex"));
    }
    const grants = new Set<string>();
    for (const g of reader.grants()) {
      grants.add(g.id);
      blobs.set(`g:${g.id}`, Buffer.from(toBinary(GrantSchema, g)).toString("hex"));
    }
    return { resourceTypes: resourceTypes.sort(), resources, entitlements, grants, blobs };
  } finally {
    reader.close();
  }
}

/** What a correct sync of the simulator's org contains, in Baton ids. */
export function expectedContent(truth: GroundTruth, opts: { patsVisible?: boolean } = {}) {
  const orgRoles = truth.roles.filter((r) => r.accessScope === "organization");
  const wsRoles = truth.roles.filter((r) => r.accessScope === "workspace");
  const resources = new Set<string>();
  const entitlements = new Set<string>();
  const grants = new Set<string>();
  for (const u of truth.users) {
    resources.add(`user:${u.lsUserId}`);
    grants.add(`org_role:${u.orgRoleId}:assigned:user:${u.lsUserId}`);
  }
  for (const r of orgRoles) {
    resources.add(`org_role:${r.id}`);
    entitlements.add(`org_role:${r.id}:assigned`);
  }
  for (const w of truth.workspaces) {
    resources.add(`workspace:${w.id}`);
    entitlements.add(`workspace:${w.id}:member`);
    for (const r of wsRoles) {
      resources.add(`workspace_role:${w.id}:${r.id}`);
      entitlements.add(`workspace_role:${w.id}:${r.id}:assigned`);
    }
  }
  // An Organization Admin is Admin in every workspace: one expandable grant per workspace to the Org Admin
  // role, and (after expansion) an Admin grant per workspace for each Org Admin — merged with a direct one.
  const orgAdmin = orgRoles.find((r) => r.name === "ORGANIZATION_ADMIN");
  const wsAdmin = wsRoles.find((r) => r.name === "WORKSPACE_ADMIN");
  if (orgAdmin && wsAdmin) {
    for (const w of truth.workspaces) {
      grants.add(`workspace_role:${w.id}:${wsAdmin.id}:assigned:org_role:${orgAdmin.id}`);
      for (const u of truth.users) if (u.orgRoleId === orgAdmin.id) grants.add(`workspace_role:${w.id}:${wsAdmin.id}:assigned:user:${u.lsUserId}`);
    }
  }
  for (const m of truth.workspaceMemberships) {
    grants.add(`workspace:${m.workspaceId}:member:user:${m.lsUserId}`);
    grants.add(`workspace_role:${m.workspaceId}:${m.roleId}:assigned:user:${m.lsUserId}`);
  }
  // Invitations hold the access they bring on acceptance.
  for (const inv of truth.invitations) {
    resources.add(`invitation:${inv.id}`);
    grants.add(`org_role:${inv.orgRoleId}:assigned:invitation:${inv.id}`);
    for (const w of inv.workspaceRoles) {
      grants.add(`workspace:${w.workspaceId}:member:invitation:${inv.id}`);
      grants.add(`workspace_role:${w.workspaceId}:${w.roleId}:assigned:invitation:${inv.id}`);
    }
  }
  for (const inv of truth.memberWorkspaceInvites) {
    const id = `${inv.workspaceId}:${inv.id}`;
    resources.add(`invitation:${id}`);
    grants.add(`workspace:${inv.workspaceId}:member:invitation:${id}`);
    grants.add(`workspace_role:${inv.workspaceId}:${inv.roleId}:assigned:invitation:${id}`);
  }
  // API keys: what each key can do, with the key as principal. Workspace-scoped keys only get grants in
  // synced workspaces whose name is unique (LangSmith names a key's workspaces, never their ids).
  const nameCount = new Map<string, number>();
  for (const w of truth.workspaces) nameCount.set(w.displayName, (nameCount.get(w.displayName) ?? 0) + 1);
  const synced = new Map(truth.workspaces.map((w) => [w.id, w]));
  for (const k of truth.serviceKeys) {
    resources.add(`service_key:${k.id}`);
    if (k.accessScope === "organization" && k.orgRoleId) grants.add(`org_role:${k.orgRoleId}:assigned:service_key:${k.id}`);
    if (k.accessScope === "workspace" && k.roleId) {
      for (const id of k.workspaceIds) {
        const w = synced.get(id);
        if (w && nameCount.get(w.displayName) === 1) grants.add(`workspace_role:${id}:${k.roleId}:assigned:service_key:${k.id}`);
      }
    }
  }
  // Expansion reaches every holder of the Org Admin role: org-wide admin keys and invitations that bring it too.
  if (orgAdmin && wsAdmin) {
    for (const w of truth.workspaces) {
      for (const k of truth.serviceKeys) if (k.accessScope === "organization" && k.orgRoleId === orgAdmin.id) grants.add(`workspace_role:${w.id}:${wsAdmin.id}:assigned:service_key:${k.id}`);
      for (const inv of truth.invitations) if (inv.orgRoleId === orgAdmin.id) grants.add(`workspace_role:${w.id}:${wsAdmin.id}:assigned:invitation:${inv.id}`);
    }
  }
  if (opts.patsVisible ?? true) for (const p of truth.personalAccessTokens) resources.add(`personal_access_token:${p.id}`);
  for (const a of truth.serviceAccounts) resources.add(`service_account:${a.id}`);
  return { resources, entitlements, grants };
}

export function assertMatchesTruth(content: C1zContent, sim: Simulator): void {
  const truth = sim.truth();
  const expected = expectedContent(truth);
  assert.deepEqual(content.resourceTypes, ["invitation", "org_role", "personal_access_token", "service_account", "service_key", "user", "workspace", "workspace_role"]);
  assert.deepEqual(setDiff(new Set(content.resources.keys()), expected.resources), { missing: [], extra: [] }, "resources");
  assert.deepEqual(setDiff(content.entitlements, expected.entitlements), { missing: [], extra: [] }, "entitlements");
  assert.deepEqual(setDiff(content.grants, expected.grants), { missing: [], extra: [] }, "grants");
  for (const u of truth.users) {
    const r = content.resources.get(`user:${u.lsUserId}`)!;
    assert.equal(r.disabled, u.disabled, `status of ${u.email}`);
    assert.equal(r.login, u.email);
    assert.equal(r.displayName, u.fullName);
  }
  const pendingEmails = new Set(sim.state.pendingInvites().map((p) => p.email));
  assert.ok(pendingEmails.size > 0, "the org has pending invites to leave out");
  for (const [key, r] of content.resources) {
    if (key.startsWith("user:")) assert.ok(!r.login || !pendingEmails.has(r.login), `pending invite ${r.login} synced as a user`);
  }
}

function setDiff(actual: Set<string>, expected: Set<string>) {
  return {
    missing: [...expected].filter((x) => !actual.has(x)).slice(0, 5),
    extra: [...actual].filter((x) => !expected.has(x)).slice(0, 5),
  };
}
