// What a reviewer should act on about an API key, computed at sync time against an injectable "now", so a
// sync of the same data at the same --now gives the same findings.

export const DEFAULT_EXPIRING_WITHIN_DAYS = 30;
export const DEFAULT_UNUSED_FOR_DAYS = 90;

export interface FindingOptions {
  /** Milliseconds since the epoch the findings are computed at. */
  now: number;
  expiringWithinDays: number;
  unusedForDays: number;
}

/** Finding ids, in the order they are reported. */
export const FINDINGS = ["expired", "expiring_soon", "never_used", "unused", "org_admin", "orphaned", "no_expiry"] as const;
export type Finding = (typeof FINDINGS)[number];

export const FINDING_LABELS: Record<Finding, string> = {
  expired: "expired",
  expiring_soon: "expiring soon",
  never_used: "never used",
  unused: "unused for long",
  org_admin: "org-wide admin",
  orphaned: "orphaned (creator not an active member)",
  no_expiry: "no expiry",
};

export interface KeyFacts {
  expiresAt?: string;
  lastUsedAt?: string;
  /** An org-wide key whose org role is an admin role. */
  orgWideAdmin: boolean;
  /** The key names a creator and that creator is not an active member (left, disabled, or unknown). */
  orphaned: boolean;
}

const DAY_MS = 86_400_000;

export function keyFindings(k: KeyFacts, o: FindingOptions): Finding[] {
  const out: Finding[] = [];
  const expires = parseTime(k.expiresAt);
  const lastUsed = parseTime(k.lastUsedAt);
  if (expires !== undefined && expires <= o.now) out.push("expired");
  else if (expires !== undefined && expires <= o.now + o.expiringWithinDays * DAY_MS) out.push("expiring_soon");
  if (lastUsed === undefined) out.push("never_used");
  else if (lastUsed < o.now - o.unusedForDays * DAY_MS) out.push("unused");
  if (k.orgWideAdmin) out.push("org_admin");
  if (k.orphaned) out.push("orphaned");
  if (expires === undefined) out.push("no_expiry");
  return out;
}

/** LangSmith's FastAPI times may lack a zone (then UTC); undefined when absent or unparsable. */
export function parseTime(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whole-second Date for Baton timestamps (both LangSmith time formats agree on whole seconds). */
export function toWholeSecondDate(iso: string | undefined): Date | undefined {
  const ms = parseTime(iso);
  return ms === undefined ? undefined : new Date(Math.floor(ms / 1000) * 1000);
}
