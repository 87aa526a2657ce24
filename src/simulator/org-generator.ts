/**
 * Builds a seeded, reproducible organization of any size.
 *
 * Shape (all derived from `seed`):
 * - 7 built-in roles + 1–3 custom workspace roles (name "CUSTOM").
 * - `workspaces` regular workspaces, plus max(1, ⌊workspaces/200⌋) personal and
 *   max(1, ⌊workspaces/100⌋) soft-deleted ones (both excluded from a sync).
 * - `users` active org members: user 0 and user ⌊users/2⌋ are Org Admins, ~2 % more
 *   admins, ~3 % operators, ~80 % users, ~15 % viewers; ~1 % disabled (at least one
 *   when users ≥ 3); every 97th user shares its created_at with the previous one.
 * - Each user is in 1–8 regular workspaces (mean 4.5, skewed so a few workspaces are
 *   large): 50k users / 1000 workspaces gives ~225k workspace memberships.
 * - max(1, ⌊users/50⌋) pending org invites, most of them also pending in 1–2 workspaces.
 */
import { Prng } from "./prng.js";
import { OrgStore, type BuiltinRoleName } from "./store.js";
import type { ApiKey, Invite, LoginProvider, Provisioning, Role, ServiceAccount, User, Workspace, WorkspacePending } from "./model.js";

export interface GenerateOptions {
  users: number;
  workspaces: number;
  seed: number;
  /** Distinguishes several orgs built from one seed (0 = main org). */
  stream?: number;
  displayName?: string;
}

export interface GeneratedKeys {
  admin: string;
  pat: string;
  viewer: string;
  workspaceScoped: string;
}

const MS = 1000; // µs per ms

const FIRST = [
  "Alice", "Bob", "Carol", "Dave", "Erin", "Farah", "Gustavo", "Hana", "Ivan", "Jamal", "Keiko", "Liam", "Maya", "Nikhil",
  "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe", "Amara", "Bruno",
  "Chloe", "Dmitri", "Elif", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Kofi", "Lena", "Mateo", "Noor",
];
const LAST = [
  "Nguyen", "Okafor", "Diaz", "Smith", "Kowalski", "Haddad", "Silva", "Tanaka", "Petrov", "Johnson", "Mueller", "Rossi",
  "Kim", "Patel", "Garcia", "Larsen", "Novak", "Ahmed", "Brown", "Costa", "Dubois", "Eriksen", "Fischer", "Gomez", "Horvat",
  "Ito", "Jensen", "Khan", "Lopez", "Moreau",
];
const TEAMS = [
  "Production", "Staging", "Research", "Support Bot", "Evaluation", "Data Platform", "Search", "Agents", "Sales Assist",
  "Billing", "Onboarding", "Growth", "Security", "Analytics", "Docs QA", "Mobile",
];
const CUSTOM_ROLES: Array<{ displayName: string; description: string; permissions: string[] }> = [
  {
    displayName: "Dataset Curator",
    description: "Curates datasets; read access elsewhere",
    permissions: ["datasets:create", "datasets:read", "datasets:update", "projects:read", "runs:read", "workspaces:read"],
  },
  {
    displayName: "Prompt Engineer",
    description: "Edits prompts and runs experiments",
    permissions: ["experiments:run", "projects:read", "prompts:create", "prompts:read", "prompts:update", "runs:read", "workspaces:read"],
  },
  {
    displayName: "Auditor",
    description: "Reads traces and feedback only",
    permissions: ["feedback:read", "projects:read", "runs:read", "workspaces:read"],
  },
];

const ORG_ADMIN_PERMS = ["organization:manage", "organization:pats:create", "organization:pats:read", "organization:read"];
const WS_VIEWER_PERMS = [
  "annotation-queues:read", "charts:read", "datasets:read", "feedback:read", "projects:read", "prompts:read", "rules:read",
  "runs:read", "workspaces:read",
];
const WS_EDITOR_PERMS = [
  ...WS_VIEWER_PERMS,
  "annotation-queues:create", "annotation-queues:delete", "annotation-queues:update", "charts:create", "charts:update",
  "datasets:create", "datasets:delete", "datasets:share", "datasets:update", "feedback:create", "feedback:update",
  "projects:update", "prompts:create", "prompts:delete", "prompts:share", "prompts:update", "rules:create", "rules:delete",
  "rules:update", "runs:create", "runs:share",
].sort();
const WS_ADMIN_PERMS = [
  ...WS_EDITOR_PERMS,
  "charts:delete", "feedback:delete", "projects:create", "projects:delete", "runs:delete", "workspaces:manage",
  "workspaces:manage-members",
].sort();

const BUILTINS: Array<{ name: BuiltinRoleName; displayName: string; description: string; permissions: string[] }> = [
  { name: "ORGANIZATION_ADMIN", displayName: "Organization Admin", description: "Manages the organization, its members and workspaces", permissions: ORG_ADMIN_PERMS },
  { name: "ORGANIZATION_OPERATOR", displayName: "Organization Operator", description: "Manages workspaces and non-admin members", permissions: ORG_ADMIN_PERMS.filter((p) => p !== "organization:pats:read") },
  { name: "ORGANIZATION_USER", displayName: "Organization User", description: "Reads the organization and creates personal tokens", permissions: ["organization:pats:create", "organization:read"] },
  { name: "ORGANIZATION_VIEWER", displayName: "Organization Viewer", description: "Reads the organization", permissions: ["organization:read"] },
  { name: "WORKSPACE_ADMIN", displayName: "Admin", description: "Everything in the workspace, including settings and members", permissions: WS_ADMIN_PERMS },
  { name: "WORKSPACE_USER", displayName: "Editor", description: "Everything except workspace settings, members and run deletion", permissions: WS_EDITOR_PERMS },
  { name: "WORKSPACE_VIEWER", displayName: "Viewer", description: "Read-only access to the workspace", permissions: WS_VIEWER_PERMS },
];

function apiKeyString(rng: Prng, kind: "pt" | "sk"): string {
  return `lsv2_${kind}_${rng.hex(32)}_${rng.hex(10)}`;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export function generateOrg(opts: GenerateOptions): { store: OrgStore; keys: GeneratedKeys } {
  const U = Math.max(1, Math.floor(opts.users));
  const W = Math.max(1, Math.floor(opts.workspaces));
  const rng = new Prng(opts.seed, opts.stream ?? 0);

  const t0 = (Date.UTC(2023, 0, 2) + rng.int(180) * 86_400_000) * MS + rng.int(86_400_000) * MS;
  const tEnd = Date.UTC(2025, 5, 30) * MS;
  const span = tEnd - t0;
  const orgDomain = `org${opts.seed}${opts.stream ? `-${opts.stream}` : ""}.example`;

  const store = new OrgStore({
    id: rng.uuid(),
    displayName: opts.displayName ?? `Acme AI ${opts.seed}`,
    createdAt: t0,
    seed: opts.seed + (opts.stream ?? 0) * 7919,
  });

  // ---- roles
  for (const b of BUILTINS) {
    store.addRole({
      id: rng.uuid(),
      name: b.name,
      displayName: b.displayName,
      description: b.description,
      organizationId: null,
      permissions: [...b.permissions],
      accessScope: b.name.startsWith("ORGANIZATION_") ? "organization" : "workspace",
      custom: false,
    });
  }
  const customCount = U >= 1000 ? 3 : U >= 100 ? 2 : 1;
  const customRoles: Role[] = [];
  for (let i = 0; i < customCount; i++) {
    const c = CUSTOM_ROLES[i]!;
    const role: Role = {
      id: rng.uuid(),
      name: "CUSTOM",
      displayName: c.displayName,
      description: c.description,
      organizationId: store.id,
      permissions: [...c.permissions],
      accessScope: "workspace",
      custom: true,
    };
    customRoles.push(role);
    store.addRole(role);
  }
  const R = store.builtin;

  // ---- workspaces
  const newWorkspace = (displayName: string, createdAt: number, isPersonal: boolean, isDeleted: boolean): Workspace => ({
    id: rng.uuid(),
    displayName,
    handle: slug(displayName),
    createdAt,
    isPersonal,
    isDeleted,
    members: [],
    pending: [],
  });
  const regular: Workspace[] = [];
  for (let i = 0; i < W; i++) {
    const base = TEAMS[i % TEAMS.length]!;
    const name = i < TEAMS.length ? base : `${base} ${Math.floor(i / TEAMS.length) + 1}`;
    const createdAt = t0 + Math.floor((i / W) * span * 0.6) + rng.int(3_600_000) * MS;
    const ws = newWorkspace(name, createdAt, false, false);
    regular.push(ws);
  }
  const personalCount = Math.max(1, Math.floor(W / 200));
  const deletedCount = Math.max(1, Math.floor(W / 100));
  const personal: Workspace[] = [];
  const deleted: Workspace[] = [];
  for (let i = 0; i < deletedCount; i++) {
    const createdAt = t0 + Math.floor(((i + 0.5) / deletedCount) * span * 0.5) + rng.int(3_600_000) * MS;
    deleted.push(newWorkspace(`Old Experiments ${i + 1}`, createdAt, false, true));
  }
  // Personal workspaces get their owner's name once users exist.
  for (let i = 0; i < personalCount; i++) {
    const createdAt = t0 + Math.floor(((i + 0.5) / personalCount) * span * 0.7) + rng.int(3_600_000) * MS;
    personal.push(newWorkspace("Personal", createdAt, true, false));
  }
  for (const ws of [...regular, ...personal, ...deleted].sort((a, b) => a.createdAt - b.createdAt)) store.addWorkspace(ws);

  // ---- users
  const users: User[] = [];
  let disabledCount = 0;
  for (let i = 0; i < U; i++) {
    const first = FIRST[rng.int(FIRST.length)]!;
    const last = LAST[rng.int(LAST.length)]!;
    let orgRole: Role;
    if (i === 0 || (U >= 3 && i === Math.floor(U / 2))) orgRole = R.ORGANIZATION_ADMIN;
    else {
      const r = rng.next();
      orgRole = r < 0.02 ? R.ORGANIZATION_ADMIN : r < 0.05 ? R.ORGANIZATION_OPERATOR : r < 0.85 ? R.ORGANIZATION_USER : R.ORGANIZATION_VIEWER;
    }
    const pr = rng.next();
    const provider: LoginProvider = pr < 0.7 ? "email" : pr < 0.95 ? "supabase:sso" : "oidc";
    let provisioning: Provisioning = provider === "supabase:sso" ? (rng.chance(0.5) ? "scim" : "saml:jit") : null;
    let disabled = i > 0 && orgRole !== R.ORGANIZATION_ADMIN && rng.chance(0.01);
    if (!disabled && disabledCount === 0 && U >= 3 && i === U - 1) disabled = true;
    if (disabled) {
      disabledCount++;
      provisioning = "scim";
    }
    let createdAt = t0 + Math.floor((i / U) * span) + rng.int(86_400_000) * MS + rng.int(1000);
    if (i > 0 && i % 97 === 0) createdAt = users[i - 1]!.createdAt; // bulk-provisioned together
    const user: User = {
      id: rng.uuid(),
      lsUserId: rng.uuid(),
      userId: rng.uuid(),
      loginId: rng.uuid(),
      email: `${first}.${last}.${i}@${orgDomain}`.toLowerCase(),
      fullName: `${first} ${last}`,
      firstName: first,
      lastName: last,
      provider,
      provisioning,
      createdAt,
      disabled,
      orgRole,
      memberships: [],
      removed: false,
    };
    users.push(user);
    store.putUser(user);
  }

  // ---- workspace memberships
  const wsRoleFor = (): Role => {
    const r = rng.next();
    if (r < 0.15) return R.WORKSPACE_ADMIN;
    if (r < 0.65) return R.WORKSPACE_USER;
    if (r < 0.93) return R.WORKSPACE_VIEWER;
    return customRoles[rng.int(customRoles.length)]!;
  };
  const memberCreated = (user: User, ws: Workspace): number =>
    Math.min(Math.max(user.createdAt, ws.createdAt) + rng.int(60 * 86_400) * 1_000_000 + rng.int(1_000_000), tEnd);
  const chosen = new Set<number>();
  for (const user of users) {
    const k = Math.min(W, 1 + rng.int(8));
    chosen.clear();
    for (let attempts = 0; chosen.size < k && attempts < k * 6; attempts++) {
      const x = rng.next();
      chosen.add(Math.min(W - 1, Math.floor(W * x * x)));
    }
    for (let j = 0; chosen.size < k && j < W; j++) chosen.add(j);
    for (const idx of [...chosen].sort((a, b) => a - b)) {
      const ws = regular[idx]!;
      store.putMembership({ id: rng.uuid(), ws, user, role: wsRoleFor(), createdAt: memberCreated(user, ws) });
    }
    if (rng.chance(0.05)) {
      const ws = deleted[rng.int(deleted.length)]!;
      store.putMembership({ id: rng.uuid(), ws, user, role: wsRoleFor(), createdAt: memberCreated(user, ws) });
    }
  }
  // Personal workspaces: one owner each (never user 0, so the PAT owner has a clean slate).
  personal.forEach((ws, i) => {
    const owner = users[U > 1 ? 1 + ((i * 7) % (U - 1)) : 0]!;
    ws.displayName = `${owner.firstName}'s Workspace`;
    ws.handle = `personal-${i + 1}`;
    store.putMembership({ id: rng.uuid(), ws, user: owner, role: R.WORKSPACE_ADMIN, createdAt: Math.max(ws.createdAt, owner.createdAt) });
  });
  // Deleted workspaces always have at least one (hidden) member.
  for (const ws of deleted) {
    const u = users[rng.int(U)]!;
    if (!u.memberships.some((m) => m.ws === ws)) {
      store.putMembership({ id: rng.uuid(), ws, user: u, role: R.WORKSPACE_ADMIN, createdAt: memberCreated(u, ws) });
    }
  }

  // ---- pending invites
  const inviteCount = Math.max(1, Math.floor(U / 50));
  for (let i = 0; i < inviteCount; i++) {
    const createdAt = tEnd - rng.int(90 * 86_400) * 1_000_000 - rng.int(1_000_000);
    const wsCount = i === 0 ? 1 : rng.int(3);
    const targets = new Set<Workspace>();
    if (i === 0) targets.add(regular[0]!); // the first workspace always has a pending invite
    while (targets.size < Math.min(wsCount, W)) targets.add(regular[rng.int(W)]!);
    const inv: Invite = {
      id: rng.uuid(),
      email: `invitee.${i}@${orgDomain}`,
      orgRole: rng.chance(0.8) ? R.ORGANIZATION_USER : R.ORGANIZATION_VIEWER,
      workspaceRole: targets.size > 0 ? (rng.chance(0.6) ? R.WORKSPACE_VIEWER : R.WORKSPACE_USER) : null,
      workspaces: [],
      createdAt,
      userId: rng.chance(0.1) ? rng.uuid() : null,
    };
    for (const ws of targets) {
      const p: WorkspacePending = { id: rng.uuid(), invite: inv, member: null, email: inv.email, role: inv.workspaceRole ?? R.WORKSPACE_VIEWER, ws, createdAt };
      inv.workspaces.push(p);
    }
    store.putInvite(inv);
  }

  store.finalize();

  // ---- API keys and service accounts
  // Times are relative to tEnd (2025-06-30), so findings computed "now = 2025-07-01" are stable.
  const admin0 = users[0]!;
  const firstWs = regular[0]!;
  const DAY = 86_400_000_000;
  const keyRng = new Prng(opts.seed, 1000 + (opts.stream ?? 0));
  type KeyInit = Omit<ApiKey, "id" | "key" | "createdAt" | "createdBy" | "lastUsedAt" | "expiresAt" | "owner" | "serviceAccount" | "defaultWorkspace"> &
    Partial<Pick<ApiKey, "createdAt" | "createdBy" | "lastUsedAt" | "expiresAt" | "owner" | "serviceAccount" | "defaultWorkspace">>;
  const mkKey = (k: KeyInit, kind: "pt" | "sk"): ApiKey => {
    const key: ApiKey = {
      owner: null,
      serviceAccount: null,
      defaultWorkspace: firstWs,
      createdBy: admin0.lsUserId,
      lastUsedAt: null,
      expiresAt: null,
      ...k,
      id: keyRng.uuid(),
      key: apiKeyString(keyRng, kind),
      createdAt: k.createdAt ?? tEnd - keyRng.int(30 * 86_400) * 1_000_000,
    };
    store.addKey(key);
    return key;
  };
  const adminKey = mkKey({ kind: "service", description: "baton-langsmith sync", accessScope: "organization", workspaces: [], role: R.WORKSPACE_ADMIN, orgRole: R.ORGANIZATION_ADMIN }, "sk");
  const viewerKey = mkKey(
    { kind: "service", description: "read-only org viewer", accessScope: "organization", workspaces: [], role: null, orgRole: R.ORGANIZATION_VIEWER, createdBy: admin0.email },
    "sk",
  );
  const wsKey = mkKey(
    {
      kind: "service", description: `ci-deployer (${firstWs.displayName} only)`, accessScope: "workspace", workspaces: [firstWs], role: R.WORKSPACE_ADMIN, orgRole: null,
      createdBy: admin0.id, lastUsedAt: tEnd - 2 * DAY,
    },
    "sk",
  );
  const patKey = mkKey({ kind: "pat", description: `${admin0.firstName} laptop`, accessScope: "organization", workspaces: [], role: null, orgRole: null, owner: admin0 }, "pt");

  // Keys a governance review should flag. Their creators come in every form LangSmith uses.
  const member = (i: number): User => users[Math.min(U - 1, i)]!;
  const disabledUser = users.find((u) => u.disabled) ?? null;
  mkKey(
    {
      kind: "service", description: "legacy exporter", accessScope: "organization", workspaces: [], role: R.WORKSPACE_VIEWER, orgRole: R.ORGANIZATION_USER,
      createdBy: keyRng.uuid(), // a person who has left the org
      createdAt: tEnd - 400 * DAY, lastUsedAt: tEnd - 200 * DAY, expiresAt: tEnd - 10 * DAY,
    },
    "sk",
  );
  const wsA = regular[Math.min(1, W - 1)]!;
  const wsB = regular[Math.min(2, W - 1)]!;
  mkKey(
    {
      kind: "service", description: "nightly evaluations", accessScope: "workspace", workspaces: wsA === wsB ? [wsA] : [wsA, wsB], role: R.WORKSPACE_USER, orgRole: null,
      createdBy: member(1).email.toUpperCase(), lastUsedAt: tEnd - 5 * DAY, expiresAt: tEnd + 10 * DAY, defaultWorkspace: wsA,
    },
    "sk",
  );
  mkKey(
    {
      kind: "service", description: "terraform (org admin)", accessScope: "organization", workspaces: [], role: R.WORKSPACE_ADMIN, orgRole: R.ORGANIZATION_ADMIN,
      createdBy: "deploy-bot", expiresAt: tEnd + 180 * DAY,
    },
    "sk",
  );
  if (deleted[0]) {
    mkKey(
      {
        kind: "service", description: "old experiments uploader", accessScope: "workspace", workspaces: [firstWs, deleted[0]], role: R.WORKSPACE_VIEWER, orgRole: null,
        createdBy: disabledUser?.email ?? member(2).email, createdAt: tEnd - 300 * DAY, lastUsedAt: tEnd - 120 * DAY,
      },
      "sk",
    );
  }
  // A service account with a key of its own.
  const botCreated = tEnd - 60 * DAY;
  const bot: ServiceAccount = { id: keyRng.uuid(), name: "ci-bot", organizationIdentityId: keyRng.uuid(), defaultWorkspace: firstWs, createdAt: botCreated, updatedAt: botCreated };
  store.serviceAccounts.push(bot);
  mkKey(
    {
      kind: "service", description: "ci-bot key", accessScope: "workspace", workspaces: [firstWs], role: R.WORKSPACE_USER, orgRole: null,
      createdBy: bot.id, serviceAccount: bot, createdAt: botCreated, lastUsedAt: tEnd - 1 * DAY, expiresAt: tEnd + 90 * DAY,
    },
    "sk",
  );
  // Other people's PATs, visible only in the org-wide PAT listing.
  if (U > 1) mkKey({ kind: "pat", description: `${member(1).firstName} notebook`, accessScope: "organization", workspaces: [], role: null, orgRole: null, owner: member(1), createdBy: member(1).lsUserId, lastUsedAt: tEnd - 3 * DAY }, "pt");
  if (disabledUser) {
    mkKey(
      { kind: "pat", description: `${disabledUser.firstName} scripts`, accessScope: "organization", workspaces: [], role: null, orgRole: null, owner: disabledUser, createdBy: disabledUser.lsUserId, expiresAt: tEnd + 400 * DAY },
      "pt",
    );
  }

  return { store, keys: { admin: adminKey.key, pat: patKey.key, viewer: viewerKey.key, workspaceScoped: wsKey.key } };
}
