// LangSmith API paths for API keys and service accounts: one constant per path.

export const SERVICE_KEYS_PATH = "/api/v1/orgs/current/service-keys";
/** A single service key; the id is appended (URL-encoded). */
export function serviceKeyPath(keyId: string): string {
  return `${SERVICE_KEYS_PATH}/${encodeURIComponent(keyId)}`;
}
/** The caller's own PATs (useless with a service key, which has none). */
export const OWN_PATS_PATH = "/api/v1/orgs/current/personal-access-tokens";
/** Every member's PATs; permission organization:pats:read; in no published spec. */
export const ORG_PATS_PATH = "/api/v1/orgs/current/members/personal-access-tokens";
export const SERVICE_ACCOUNTS_PATH = "/api/v1/service-accounts";
