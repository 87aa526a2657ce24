// Timestamps as baton-sdk stores them in v1 files: zone-less UTC text in Go's layout
// "2006-01-02 15:04:05.999999999" (fraction trailing zeros trimmed, dot dropped at 0).

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Formats `d` (UTC) in the SDK layout, e.g. "2025-12-17 16:31:25.058" or "2025-12-17 16:31:25". */
export function formatSdkTimestamp(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new RangeError("formatSdkTimestamp: invalid date");
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3).replace(/0+$/, "")}`;
}

// The layouts the Baton SDK's SQLite driver (Go) accepts for datetime columns: date, optional time with
// "T" or space, optional fraction, optional Z or ±hh:mm offset.
const LAYOUT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(?:Z|([+-])(\d{2}):(\d{2}))?$/;

/** Parses SDK timestamp text (zone-less = UTC); undefined when it matches no accepted layout. */
export function parseSdkTimestamp(text: string | null | undefined): Date | undefined {
  if (typeof text !== "string") return undefined;
  const m = LAYOUT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", sign, oh, om] = m;
  const ms = Number((frac + "000").slice(0, 3));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (sign) t -= (sign === "+" ? 1 : -1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const out = new Date(t);
  return Number.isNaN(out.getTime()) ? undefined : out;
}
