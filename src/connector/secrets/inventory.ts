// Per-sync state of the API-key types (service keys, PATs, service accounts): who a `created_by` names,
// the finding options, and the tallies the sync summary shows. One inventory per SyncContext, created on
// first use, so each sync run starts clean.
import { realClock } from "../../common/clock.js";
import { NotFoundError, type OrgMember, PermissionError, type ServiceAccountInfo, UnexpectedResponseError } from "../../langsmith/index.js";
import type { SyncContext } from "../sync-context.js";
import { DEFAULT_EXPIRING_WITHIN_DAYS, DEFAULT_UNUSED_FOR_DAYS, FINDINGS, type Finding, type FindingOptions } from "./findings.js";

export type Creator =
  | { kind: "user"; lsUserId: string; active: boolean }
  | { kind: "service_account"; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Values per filtered member lookup (the listing's filters take repeated query parameters). */
const LOOKUP_BATCH = 100;

export interface SecretsSummary {
  serviceKeys: number;
  /** null when the org-wide PAT listing did not answer. */
  personalAccessTokens: number | null;
  /** Why PATs are not visible, when they are not. */
  patsNotVisible?: string;
  /** null when LangSmith has no service-account listing here. */
  serviceAccounts: number | null;
  findings: Record<Finding, number>;
  workspaceNamesUnmatched: number;
  workspaceNamesAmbiguous: number;
  now: string;
  expiringWithinDays: number;
  unusedForDays: number;
}

const options = new WeakMap<SyncContext, Partial<FindingOptions>>();
const inventories = new WeakMap<SyncContext, SecretInventory>();

/** Sets the finding options of one sync run (call before the sync starts). */
export function configureSecretReview(ctx: SyncContext, opts: Partial<FindingOptions> | undefined): void {
  if (opts) options.set(ctx, opts);
}

export function secretInventory(ctx: SyncContext): SecretInventory {
  let inv = inventories.get(ctx);
  if (!inv) {
    const o = options.get(ctx) ?? {};
    inv = new SecretInventory(ctx, {
      now: o.now ?? realClock.now(),
      expiringWithinDays: o.expiringWithinDays ?? DEFAULT_EXPIRING_WITHIN_DAYS,
      unusedForDays: o.unusedForDays ?? DEFAULT_UNUSED_FOR_DAYS,
    });
    inventories.set(ctx, inv);
  }
  return inv;
}

/** The summary of a finished sync, or undefined when no key type ran. */
export function secretsSummary(ctx: SyncContext): SecretsSummary | undefined {
  return inventories.get(ctx)?.summary();
}

export class SecretInventory {
  /** Member facts by lower-cased ls_user_id, identity id, user id and email. */
  private readonly members = new Map<string, { lsUserId: string; active: boolean }>();
  private readonly looked = new Set<string>();
  private walked = false;
  private lookups: Promise<void> = Promise.resolve();
  private accountsPromise?: Promise<ServiceAccountInfo[] | null>;
  readonly findingCounts = Object.fromEntries(FINDINGS.map((f) => [f, 0])) as Record<Finding, number>;
  serviceKeys = 0;
  personalAccessTokens: number | null = null;
  serviceAccountCount: number | null = null;
  patsNotVisible?: string;
  workspaceNamesUnmatched = 0;
  workspaceNamesAmbiguous = 0;

  constructor(
    private readonly ctx: SyncContext,
    readonly options: FindingOptions,
  ) {}

  count(findings: Finding[]): void {
    for (const f of findings) this.findingCounts[f]++;
  }

  /** Service accounts, or null when LangSmith has no such listing (older or self-hosted servers). */
  serviceAccounts(): Promise<ServiceAccountInfo[] | null> {
    this.accountsPromise ??= this.ctx.client.listServiceAccounts({ signal: this.ctx.signal }).catch((err: unknown) => {
      if (err instanceof NotFoundError || err instanceof UnexpectedResponseError) {
        this.ctx.logger.info("service accounts are not listed by this LangSmith (GET /api/v1/service-accounts answered 404)");
        return null;
      }
      throw err;
    });
    return this.accountsPromise;
  }

  /**
   * Who a `created_by` value names: a service account (by id), else an org member by ls_user_id, org
   * identity id or email (case-insensitive). Undefined when it names no one we know (a person who left,
   * a bare username). Call prepareCreators() with every value first: it looks them up in few requests.
   */
  async resolveCreator(raw: string | undefined): Promise<Creator | undefined> {
    if (!raw) return undefined;
    const accounts = await this.serviceAccounts();
    const account = accounts?.find((a) => a.id === raw);
    if (account) return { kind: "service_account", id: account.id };
    await this.prepareCreators([raw]);
    const m = this.members.get(raw) ?? this.members.get(raw.toLowerCase());
    return m ? { kind: "user", ...m } : undefined;
  }

  /**
   * Looks the values up: ls_user_ids and emails through the member listing's filters (one request per
   * 100), and — only if some id is still unknown, which may be an org identity id (no filter exists) or a
   * person who left — one walk of the whole member listing.
   */
  prepareCreators(values: Array<string | undefined>): Promise<void> {
    // Lookups run one after another, so a value another syncer is looking up is known when this one ends.
    const run = this.lookups.then(() => this.lookUp(values));
    this.lookups = run.catch(() => undefined);
    return run;
  }

  private async lookUp(values: Array<string | undefined>): Promise<void> {
    const accounts = new Set((await this.serviceAccounts())?.map((a) => a.id) ?? []);
    const wanted = [...new Set(values.filter((v): v is string => !!v && !accounts.has(v) && !this.looked.has(v.toLowerCase())))];
    if (wanted.length === 0) return;
    for (const v of wanted) this.looked.add(v.toLowerCase());
    const ids = wanted.filter((v) => UUID.test(v)).map((v) => v.toLowerCase());
    const emails = wanted.filter((v) => v.includes("@")).map((v) => v.toLowerCase());
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) this.index(await this.ctx.client.listOrgMembersPage({ lsUserIds: ids.slice(i, i + LOOKUP_BATCH), limit: LOOKUP_BATCH, signal: this.ctx.signal }));
    for (let i = 0; i < emails.length; i += LOOKUP_BATCH) this.index(await this.ctx.client.listOrgMembersPage({ emails: emails.slice(i, i + LOOKUP_BATCH), limit: LOOKUP_BATCH, signal: this.ctx.signal }));
    if (!this.walked && ids.some((id) => !this.members.has(id))) {
      this.walked = true;
      for await (const page of this.ctx.client.iterateOrgMembers({ signal: this.ctx.signal })) this.index({ items: page });
    }
  }

  private index(page: { items: OrgMember[] }): void {
    for (const m of page.items) {
      const v = { lsUserId: m.lsUserId, active: !m.disabled };
      this.members.set(m.lsUserId.toLowerCase(), v);
      this.members.set(m.identityId.toLowerCase(), v);
      if (m.userId) this.members.set(m.userId.toLowerCase(), v);
      if (m.email) this.members.set(m.email.toLowerCase(), v);
    }
  }

  summary(): SecretsSummary {
    return {
      serviceKeys: this.serviceKeys,
      personalAccessTokens: this.personalAccessTokens,
      ...(this.patsNotVisible !== undefined && { patsNotVisible: this.patsNotVisible }),
      serviceAccounts: this.serviceAccountCount,
      findings: { ...this.findingCounts },
      workspaceNamesUnmatched: this.workspaceNamesUnmatched,
      workspaceNamesAmbiguous: this.workspaceNamesAmbiguous,
      now: new Date(this.options.now).toISOString(),
      expiringWithinDays: this.options.expiringWithinDays,
      unusedForDays: this.options.unusedForDays,
    };
  }

  /** Records that the org-wide PAT listing did not answer, and why (said once, never fails the sync). */
  patsUnavailable(err: unknown): boolean {
    let why: string | undefined;
    if (err instanceof PermissionError) why = "this key lacks organization:pats:read (LangSmith answered 403)";
    else if (err instanceof NotFoundError || err instanceof UnexpectedResponseError) why = "this LangSmith has no org-wide PAT listing (it answered 404)";
    if (!why) return false;
    this.patsNotVisible = why;
    this.ctx.logger.warn(`personal access tokens are not visible to this key: ${why}; the sync continues without them`);
    return true;
  }


}
