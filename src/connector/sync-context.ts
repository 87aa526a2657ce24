import {
  API_PATHS,
  type LangSmithClient,
  type Logger,
  MEMBER_PAGE_LIMIT,
  NotFoundError,
  OffsetPageGuard,
  type PlatformPage,
  type Role,
  UnexpectedResponseError,
  BadRequestError,
  PermissionError,
  type Workspace,
} from "../langsmith/index.js";

export type MembershipSourceOption = "auto" | "platform" | "workspace";

export type MembershipSource = { kind: "platform"; firstPage: PlatformPage } | { kind: "workspace"; reason: string };

export interface Catalog {
  rolesById: Map<string, Role>;
  orgRoles: Role[];
  workspaceRoles: Role[];
  /** Workspaces that are synced: neither personal nor deleted. */
  workspaces: Workspace[];
  workspacesById: Map<string, Workspace>;
  workspaceIds: Set<string>;
  excluded: { personal: number; deleted: number };
}

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

/**
 * State shared by the syncers of one sync run: the role and workspace catalog (fetched once, whoever
 * asks first), which membership listing to use, and one page guard per listing.
 */
export class SyncContext {
  private catalogPromise?: Promise<Catalog>;
  private sourcePromise?: Promise<MembershipSource>;
  private firstPlatformPageTaken = false;
  private readonly guards = new Map<string, OffsetPageGuard<{ identityId: string }>>();

  constructor(
    readonly client: LangSmithClient,
    readonly membershipSourceOption: MembershipSourceOption,
    readonly logger: Logger,
    /** Cancels the run: every request the syncers make carries it. */
    readonly signal?: AbortSignal,
  ) {}

  catalog(): Promise<Catalog> {
    this.catalogPromise ??= this.loadCatalog();
    return this.catalogPromise;
  }

  membershipSource(): Promise<MembershipSource> {
    this.sourcePromise ??= this.detectSource();
    return this.sourcePromise;
  }

  /** The platform page fetched while detecting the source, handed out once so it is not fetched again. */
  takeFirstPlatformPage(source: MembershipSource): PlatformPage | undefined {
    if (source.kind !== "platform" || this.firstPlatformPageTaken) return undefined;
    this.firstPlatformPageTaken = true;
    return source.firstPage;
  }

  /** One guard per listing, shared by its concurrently fetched pages. */
  guard<T extends { identityId: string }>(listing: string, where: { path: string; tenantId?: string }): OffsetPageGuard<T> {
    let g = this.guards.get(listing);
    if (!g) {
      g = new OffsetPageGuard<{ identityId: string }>((m) => m.identityId, { method: "GET", ...where });
      this.guards.set(listing, g);
    }
    return g as unknown as OffsetPageGuard<T>;
  }

  private async loadCatalog(): Promise<Catalog> {
    // include_deleted costs nothing extra and lets the summary say how many deleted workspaces were left out.
    const [roles, all] = await Promise.all([this.client.listRoles({ signal: this.signal }), this.client.listWorkspaces({ includeDeleted: true, signal: this.signal })]);
    const workspaces = all.filter((w) => !w.personal && !w.deleted);
    return {
      rolesById: new Map(roles.map((r) => [r.id, r])),
      orgRoles: roles.filter((r) => r.accessScope === "organization"),
      workspaceRoles: roles.filter((r) => r.accessScope === "workspace"),
      workspaces,
      workspacesById: new Map(workspaces.map((w) => [w.id, w])),
      workspaceIds: new Set(workspaces.map((w) => w.id)),
      excluded: { personal: all.filter((w) => w.personal).length, deleted: all.filter((w) => w.deleted && !w.personal).length },
    };
  }

  private async detectSource(): Promise<MembershipSource> {
    if (this.membershipSourceOption === "workspace") return { kind: "workspace", reason: "--membership-source workspace" };
    let page: PlatformPage;
    try {
      page = await this.client.listPlatformMembersPage({ limit: MEMBER_PAGE_LIMIT, offset: 0, activeOnly: true, signal: this.signal });
    } catch (err) {
      // Older self-hosted servers lack the route (404/HTML); narrower keys may be refused it.
      const unsupported = err instanceof NotFoundError || err instanceof UnexpectedResponseError || err instanceof BadRequestError || err instanceof PermissionError;
      if (!unsupported || this.membershipSourceOption === "platform") throw err;
      this.logger.info("org-wide member listing unavailable; listing members per workspace", { reason: (err as Error).message });
      return { kind: "workspace", reason: "org-wide member listing unavailable" };
    }
    if (!page.allWorkspaces) {
      if (this.membershipSourceOption === "platform") {
        throw new ConfigurationError(
          "--membership-source platform: LangSmith does not show this key every workspace membership in the org-wide listing (X-Members-List-All-Workspaces is not true); use --membership-source workspace or a key with organization:manage",
        );
      }
      this.logger.info("org-wide member listing is limited for this key; listing members per workspace");
      return { kind: "workspace", reason: "org-wide member listing limited for this key" };
    }
    return { kind: "platform", firstPage: page };
  }
}

/** A member row names a role the role listing did not contain: the catalog is stale or incomplete. */
export function unknownRoleError(scope: "organization" | "workspace", roleId: string, lsUserId: string, workspaceId?: string): Error {
  const where = workspaceId ? ` in workspace ${workspaceId}` : "";
  return new Error(
    `member ${lsUserId}${where} holds ${scope} role ${roleId}, which GET ${API_PATHS.roles} did not list as a ${scope} role; refusing to write an incomplete sync (run it again; if it persists, report it)`,
  );
}
