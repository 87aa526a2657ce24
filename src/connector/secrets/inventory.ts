// Per-sync state of the API-key types (service keys, PATs, service accounts): who a `created_by` names,
// the finding options, and the tallies the sync summary shows. One inventory per SyncContext, created on
// first use, so each sync run starts clean.
import { realClock } from "../../common/clock.js";
import { NotFoundError, PermissionError, type ServiceAccountInfo, UnexpectedResponseError } from "../../langsmith/index.js";
import type { SyncContext } from "../sync-context.js";
import { DEFAULT_EXPIRING_WITHIN_DAYS, DEFAULT_UNUSED_FOR_DAYS, FINDINGS, type Finding, type FindingOptions } from "./findings.js";

export type Creator =
  | { kind: "user"; lsUserId: string; active: boolean }
  | { kind: "service_account"; id: string };

interface MemberIndex {
  byKey: Map<string, { lsUserId: string; active: boolean }>;
}

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
  private membersPromise?: Promise<MemberIndex>;
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
   * a bare username).
   */
  async resolveCreator(raw: string | undefined): Promise<Creator | undefined> {
    if (!raw) return undefined;
    const accounts = await this.serviceAccounts();
    const account = accounts?.find((a) => a.id === raw);
    if (account) return { kind: "service_account", id: account.id };
    const members = await this.members();
    const m = members.byKey.get(raw) ?? members.byKey.get(raw.toLowerCase());
    return m ? { kind: "user", ...m } : undefined;
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

  private members(): Promise<MemberIndex> {
    this.membersPromise ??= (async () => {
      const byKey = new Map<string, { lsUserId: string; active: boolean }>();
      for await (const page of this.ctx.client.iterateOrgMembers({ signal: this.ctx.signal })) {
        for (const m of page) {
          const v = { lsUserId: m.lsUserId, active: !m.disabled };
          byKey.set(m.lsUserId, v);
          byKey.set(m.identityId, v);
          if (m.userId) byKey.set(m.userId, v);
          if (m.email) byKey.set(m.email.toLowerCase(), v);
        }
      }
      return { byKey };
    })();
    return this.membersPromise;
  }
}
