// Redaction lives here so that every error and log line can scrub itself (octokit's habit):
// nothing downstream has to remember to do it.

const KEY_PATTERN = /\b(lsv2_(?:pt|sk)_)[A-Za-z0-9_-]+/g;
const LEGACY_KEY_PATTERN = /\bls__[A-Za-z0-9_-]+/g;
const REDACTED = "[REDACTED]";

const registered = new Set<string>();

/**
 * Remember a secret value so that redact() removes it even if it has no recognisable shape — and, for a
 * LangSmith key, its secret part on its own too (something may echo the key without its `lsv2_sk_` prefix).
 */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) registered.add(value);
  const secretPart = value && /^(?:lsv2_(?:pt|sk)_|ls__)(.+)$/.exec(value)?.[1];
  if (secretPart && secretPart.length >= 16) registered.add(secretPart);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out.replace(KEY_PATTERN, `$1${REDACTED}`).replace(LEGACY_KEY_PATTERN, `ls__${REDACTED}`);
}

/** Deep-redacts strings inside a JSON-like value (used for error details kept from response bodies). */
export function redactValue<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
    return out as T;
  }
  return value;
}

export type KeyKind = "service-key" | "personal-access-token" | "legacy" | "unknown";

export function classifyApiKey(key: string): KeyKind {
  if (/^lsv2_sk_[A-Za-z0-9_-]+$/.test(key)) return "service-key";
  if (/^lsv2_pt_[A-Za-z0-9_-]+$/.test(key)) return "personal-access-token";
  if (key.startsWith("ls__")) return "legacy";
  return "unknown";
}
