/**
 * Errors and request-parsing helpers shared by the routes.
 *
 * One ApiError renders in the style of the route family that raised it:
 * FastAPI (`/api/v1/...`): {"detail": <string | ValidationIssue[]>}
 * Go platform (`/v1/platform/...`): {"error": <code>, "message": <text>} + "\n"
 */
import { normalizeUuid } from "./prng.js";

export type Query = Record<string, string[]>;

export interface ValidationIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | ValidationIssue[],
    readonly code: string = codeFor(status),
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === "string" ? detail : `validation error (${detail.length} issue(s))`);
  }
}

function codeFor(status: number): string {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 422: return "validation_error";
    case 429: return "rate_limited";
    default: return status >= 500 ? "internal_error" : "error";
  }
}

export function validationError(issues: ValidationIssue[]): ApiError {
  return new ApiError(422, issues);
}

/** Pydantic-style issue builders. */
export const issue = {
  missing: (loc: Array<string | number>, input: unknown = null): ValidationIssue => ({ type: "missing", loc, msg: "Field required", input }),
  intParsing: (loc: Array<string | number>, input: unknown): ValidationIssue => ({
    type: "int_parsing", loc, msg: "Input should be a valid integer, unable to parse string as an integer", input,
  }),
  le: (loc: Array<string | number>, input: unknown, le: number): ValidationIssue => ({
    type: "less_than_equal", loc, msg: `Input should be less than or equal to ${le}`, input, ctx: { le },
  }),
  ge: (loc: Array<string | number>, input: unknown, ge: number): ValidationIssue => ({
    type: "greater_than_equal", loc, msg: `Input should be greater than or equal to ${ge}`, input, ctx: { ge },
  }),
  boolParsing: (loc: Array<string | number>, input: unknown): ValidationIssue => ({
    type: "bool_parsing", loc, msg: "Input should be a valid boolean, unable to interpret input", input,
  }),
  boolType: (loc: Array<string | number>, input: unknown): ValidationIssue => ({ type: "bool_type", loc, msg: "Input should be a valid boolean", input }),
  uuidParsing: (loc: Array<string | number>, input: unknown): ValidationIssue => ({
    type: "uuid_parsing", loc, msg: "Input should be a valid UUID, unable to parse string as a UUID", input,
  }),
  uuidType: (loc: Array<string | number>, input: unknown): ValidationIssue => ({ type: "uuid_type", loc, msg: "UUID input should be a string, bytes or UUID object", input }),
  enumValue: (loc: Array<string | number>, input: unknown, values: readonly string[]): ValidationIssue => {
    const expected = values.map((v) => `'${v}'`).join(", ").replace(/, ([^,]*)$/, " or $1");
    return { type: "enum", loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
  },
  dictType: (loc: Array<string | number>, input: unknown): ValidationIssue => ({
    type: "model_attributes_type", loc, msg: "Input should be a valid dictionary or object to extract fields from", input,
  }),
  jsonInvalid: (input: unknown): ValidationIssue => ({ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {}, ctx: { error: String(input) } }),
};

// ---- query parsing (FastAPI semantics: a repeated scalar takes the last value) ---------

const TRUE = new Set(["1", "true", "t", "yes", "y", "on"]);
const FALSE = new Set(["0", "false", "f", "no", "n", "off"]);

export function parseQuery(search: URLSearchParams): Query {
  const q: Query = {};
  for (const [k, v] of search) (q[k] ??= []).push(v);
  return q;
}

function last(q: Query, name: string): string | undefined {
  const v = q[name];
  return v && v.length ? v[v.length - 1] : undefined;
}

export function qInt(q: Query, name: string, def: number, bounds: { ge?: number; le?: number }, issues: ValidationIssue[]): number {
  const raw = last(q, name);
  if (raw === undefined) return def;
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
    issues.push(issue.intParsing(["query", name], raw));
    return def;
  }
  const n = Number(raw.trim());
  if (bounds.ge !== undefined && n < bounds.ge) issues.push(issue.ge(["query", name], raw, bounds.ge));
  else if (bounds.le !== undefined && n > bounds.le) issues.push(issue.le(["query", name], raw, bounds.le));
  return n;
}

export function qBool(q: Query, name: string, issues: ValidationIssue[]): boolean | null {
  const raw = last(q, name);
  if (raw === undefined) return null;
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  issues.push(issue.boolParsing(["query", name], raw));
  return null;
}

export function qEnum<T extends string>(q: Query, name: string, values: readonly T[], def: T, issues: ValidationIssue[]): T {
  const raw = last(q, name);
  if (raw === undefined) return def;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  issues.push(issue.enumValue(["query", name], raw, values));
  return def;
}

export function qString(q: Query, name: string): string | null {
  return last(q, name) ?? null;
}

export function qList(q: Query, name: string): string[] {
  return q[name] ?? [];
}

export function qUuidList(q: Query, name: string, issues: ValidationIssue[]): string[] {
  const out: string[] = [];
  (q[name] ?? []).forEach((raw, i) => {
    const u = normalizeUuid(raw);
    if (u) out.push(u);
    else issues.push(issue.uuidParsing(["query", name, i], raw));
  });
  return out;
}

/** Validates an optional UUID body field; returns canonical value, null, or undefined when absent. */
export function bodyUuid(body: Record<string, unknown>, field: string, issues: ValidationIssue[]): string | null | undefined {
  if (!(field in body)) return undefined;
  const v = body[field];
  if (v === null) return null;
  if (typeof v !== "string") {
    issues.push(issue.uuidType(["body", field], v));
    return undefined;
  }
  const u = normalizeUuid(v);
  if (!u) {
    issues.push(issue.uuidParsing(["body", field], v));
    return undefined;
  }
  return u;
}

export function bodyOptionalBool(body: Record<string, unknown>, field: string, issues: ValidationIssue[]): void {
  if (!(field in body)) return;
  const v = body[field];
  if (v === null || typeof v === "boolean") return;
  if (typeof v === "string" && (TRUE.has(v.toLowerCase()) || FALSE.has(v.toLowerCase()))) return;
  if (typeof v === "number" && (v === 0 || v === 1)) return;
  issues.push(issue.boolType(["body", field], v));
}

/** The JSON object body of a request (422 when missing or not an object). */
export function requireObjectBody(body: unknown, rawPresent: boolean, parseError: string | null): Record<string, unknown> {
  if (parseError !== null) throw validationError([issue.jsonInvalid(parseError)]);
  if (!rawPresent || body === undefined) throw validationError([issue.missing(["body"])]);
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw validationError([issue.dictType(["body"], body)]);
  return body as Record<string, unknown>;
}

export function pathUuid(raw: string, name: string): string {
  const u = normalizeUuid(raw);
  if (!u) throw validationError([issue.uuidParsing(["path", name], raw)]);
  return u;
}

/** Go strconv.ParseBool. */
export function goBool(raw: string): boolean | null {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(raw)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(raw)) return false;
  return null;
}

/** `*` glob → anchored, case-insensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  const esc = glob.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${esc}$`, "i");
}
