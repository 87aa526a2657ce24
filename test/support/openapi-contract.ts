/**
 * Contract checks against LangSmith's published OpenAPI 3.1 document
 * (`../shared/langsmith/openapi.json`, read at run time, never copied).
 *
 * - validateResponse(method, path, status, body): errors of a response body against the
 *   schema the document declares for that operation and status.
 * - validateRequest(method, path, query, body?): query parameter names exist for the
 *   operation and their values parse per their schemas; required ones are present;
 *   path parameters (when a concrete path is given) match their schemas; the body matches
 *   the requestBody schema.
 *
 * `path` may be a template from the document or a concrete request path (a query string is
 * ignored); `/api/v1/platform/...` maps onto the document's `/v1/platform/...`.
 * JSON Schema semantics are kept: additional properties are allowed unless a schema
 * forbids them (the document is known to omit fields that real responses carry).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ErrorObject, ValidateFunction } from "ajv";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const sharedDir = path.resolve(repoRoot, "../shared");
export const openApiPath = path.join(sharedDir, "langsmith", "openapi.json");
/** Set when the document is unavailable; tests pass it to `skip`. */
export const openApiSkipReason: string | undefined = fs.existsSync(openApiPath)
  ? undefined
  : `LangSmith OpenAPI document not found at ${openApiPath} (../shared absent)`;

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const DOC_ID = "langsmith-openapi.json";
const MAX_ERRORS = 25;

interface Loaded {
  doc: Json;
  ajv: InstanceType<typeof Ajv2020Module.default>;
  templates: Array<{ template: string; parts: string[]; literals: number }>;
  cache: Map<string, ValidateFunction>;
}

let loaded: Loaded | null = null;

function load(): Loaded {
  if (loaded) return loaded;
  if (openApiSkipReason) throw new Error(openApiSkipReason);
  const doc = JSON.parse(fs.readFileSync(openApiPath, "utf8"));
  const Ajv = (Ajv2020Module as unknown as { default?: typeof Ajv2020Module.default }).default ?? (Ajv2020Module as unknown as typeof Ajv2020Module.default);
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: unknown) => void;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
  addFormats(ajv);
  for (const f of ["binary", "int64", "int32", "float64", "float", "double", "byte", "password"]) ajv.addFormat(f, true);
  ajv.addSchema({ ...doc, $id: DOC_ID });
  const templates = Object.keys(doc.paths).map((template) => {
    const parts = template.split("/");
    return { template, parts, literals: parts.filter((p) => !p.startsWith("{")).length };
  });
  loaded = { doc, ajv, templates, cache: new Map() };
  return loaded;
}

function ptr(...segments: string[]): string {
  return "#/" + segments.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

function validatorAt(l: Loaded, pointer: string): ValidateFunction {
  let v = l.cache.get(pointer);
  if (!v) {
    v = l.ajv.compile({ $ref: DOC_ID + pointer });
    l.cache.set(pointer, v);
  }
  return v;
}

/** Follows `$ref`s that point into this document. */
function deref(l: Loaded, node: Json): { node: Json; pointer: string | null } {
  let pointer: string | null = null;
  let guard = 0;
  while (node && typeof node === "object" && typeof node.$ref === "string" && node.$ref.startsWith("#/") && guard++ < 32) {
    pointer = node.$ref;
    node = node.$ref
      .slice(2)
      .split("/")
      .map((s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((acc: Json, k: string) => (acc === undefined ? undefined : acc[k]), l.doc);
  }
  return { node, pointer };
}

function formatErrors(prefix: string, errors: ErrorObject[] | null | undefined): string[] {
  if (!errors || errors.length === 0) return [];
  const out = errors.slice(0, MAX_ERRORS).map((e) => {
    const extra =
      e.keyword === "additionalProperties" ? ` (${(e.params as { additionalProperty?: string }).additionalProperty})` :
      e.keyword === "enum" ? ` (allowed: ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : "";
    return `${prefix}: ${e.instancePath || "(root)"} ${e.message ?? e.keyword}${extra}`;
  });
  if (errors.length > MAX_ERRORS) out.push(`${prefix}: … ${errors.length - MAX_ERRORS} more error(s)`);
  return out;
}

export interface ResolvedOperation {
  template: string;
  method: string;
  operation: Json;
  /** Path parameters extracted from a concrete path (empty for templates). */
  pathParams: Record<string, string>;
}

/** Finds the document's operation for a method and a concrete path or template. */
export function resolveOperation(method: string, pathOrTemplate: string): ResolvedOperation | null {
  const l = load();
  const m = method.toLowerCase();
  let p = pathOrTemplate.split("?")[0]!;
  if (p.startsWith("/api/v1/platform/")) p = p.slice("/api".length);
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  const direct = l.doc.paths[p];
  if (direct?.[m]) return { template: p, method: m, operation: direct[m], pathParams: {} };
  const segs = p.split("/");
  let best: { template: string; params: Record<string, string>; literals: number } | null = null;
  for (const t of l.templates) {
    if (t.parts.length !== segs.length || !l.doc.paths[t.template][m]) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const part = t.parts[i]!;
      if (part.startsWith("{") && part.endsWith("}")) params[part.slice(1, -1)] = decodeURIComponent(segs[i]!);
      else ok = part === segs[i];
    }
    if (ok && (!best || t.literals > best.literals)) best = { template: t.template, params, literals: t.literals };
  }
  if (!best) return null;
  return { template: best.template, method: m, operation: l.doc.paths[best.template][m], pathParams: best.params };
}

/** Response statuses the document declares for an operation. */
export function declaredStatuses(method: string, pathOrTemplate: string): string[] {
  const op = resolveOperation(method, pathOrTemplate);
  return op ? Object.keys(op.operation.responses ?? {}) : [];
}

export function validateResponse(method: string, pathTemplate: string, status: number, body: unknown): string[] {
  const l = load();
  const op = resolveOperation(method, pathTemplate);
  const label = `${method.toUpperCase()} ${pathTemplate} → ${status}`;
  if (!op) return [`${label}: no such operation in the OpenAPI document`];
  const responses = op.operation.responses ?? {};
  const key = [String(status), `${String(status)[0]}XX`, "default"].find((k) => k in responses);
  if (!key) return [`${label}: status not declared (declared: ${Object.keys(responses).join(", ") || "none"})`];
  const base = ["paths", op.template, op.method, "responses", key];
  let response = responses[key];
  let pointerSegs = base;
  if (response?.$ref) {
    const d = deref(l, response);
    response = d.node;
    pointerSegs = d.pointer!.slice(2).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  }
  const content = response?.content ?? {};
  const mediaType = ["application/json", ...Object.keys(content).filter((k) => /json/.test(k))].find((k) => content[k]?.schema);
  if (!mediaType) return [];
  const validate = validatorAt(l, ptr(...pointerSegs, "content", mediaType, "schema"));
  return validate(body) ? [] : formatErrors(label, validate.errors);
}

function collectTypes(l: Loaded, schema: Json, out: Set<string>, depth = 0): void {
  if (!schema || typeof schema !== "object" || depth > 16) return;
  const s = deref(l, schema).node;
  if (!s || typeof s !== "object") return;
  if (typeof s.type === "string") out.add(s.type);
  if (Array.isArray(s.type)) for (const t of s.type) out.add(t);
  for (const k of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(s[k])) for (const b of s[k]) collectTypes(l, b, out, depth + 1);
  if (Array.isArray(s.enum)) for (const v of s.enum) out.add(v === null ? "null" : typeof v === "number" ? "number" : typeof v);
  if ("const" in s) out.add(typeof s.const);
}

function itemsSchema(l: Loaded, schema: Json, pointer: string): { pointer: string } | null {
  const d = deref(l, schema);
  const s = d.node;
  const base = d.pointer ?? pointer;
  if (!s || typeof s !== "object") return null;
  if (s.type === "array" || (Array.isArray(s.type) && s.type.includes("array"))) return s.items ? { pointer: `${base}/items` } : { pointer: "" };
  for (const k of ["anyOf", "oneOf"]) {
    if (Array.isArray(s[k])) {
      for (let i = 0; i < s[k].length; i++) {
        const r = itemsSchema(l, s[k][i], `${base}/${k}/${i}`);
        if (r) return r;
      }
    }
  }
  return null;
}

const BOOL_TRUE = new Set(["true", "1", "t"]);
const BOOL_FALSE = new Set(["false", "0", "f"]);

/** Turns a query/path string into the JSON value its schema expects (as FastAPI / Go would parse it). */
function coerce(raw: string, types: Set<string>): unknown {
  if (types.has("integer") && /^[+-]?\d+$/.test(raw)) return Number(raw);
  if (types.has("number") && raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
  if (types.has("boolean")) {
    const v = raw.toLowerCase();
    if (BOOL_TRUE.has(v)) return true;
    if (BOOL_FALSE.has(v)) return false;
  }
  return raw;
}

function schemaAtPointer(l: Loaded, pointer: string): Json {
  return deref(l, { $ref: pointer }).node;
}

export function validateRequest(method: string, pathTemplate: string, query: Record<string, string[]>, body?: unknown): string[] {
  const l = load();
  const op = resolveOperation(method, pathTemplate);
  const label = `${method.toUpperCase()} ${pathTemplate} (request)`;
  if (!op) return [`${label}: no such operation in the OpenAPI document`];
  const errors: string[] = [];

  // Parameters: path-item level first, operation level overrides (by name + in).
  const params = new Map<string, { param: Json; pointer: string }>();
  const addParams = (list: Json[] | undefined, base: string[]): void => {
    (list ?? []).forEach((p, i) => {
      const d = deref(l, p);
      const pointer = d.pointer ?? ptr(...base, String(i));
      params.set(`${d.node.in}:${d.node.name}`, { param: d.node, pointer });
    });
  };
  addParams(l.doc.paths[op.template].parameters, ["paths", op.template, "parameters"]);
  addParams(op.operation.parameters, ["paths", op.template, op.method, "parameters"]);

  const checkValue = (where: string, name: string, pointer: string, values: string[]): void => {
    const schema = schemaAtPointer(l, `${pointer}/schema`);
    const items = itemsSchema(l, schema, `${pointer}/schema`);
    let value: unknown;
    if (items) {
      const itemTypes = new Set<string>();
      if (items.pointer) collectTypes(l, schemaAtPointer(l, items.pointer), itemTypes);
      value = values.map((v) => coerce(v, itemTypes));
    } else {
      if (values.length > 1) errors.push(`${label}: ${where} parameter "${name}" is not an array but was given ${values.length} times`);
      const types = new Set<string>();
      collectTypes(l, schema, types);
      value = coerce(values[values.length - 1] ?? "", types);
    }
    const validate = validatorAt(l, `${pointer}/schema`);
    if (!validate(value)) errors.push(...formatErrors(`${label}: ${where} parameter "${name}"=${JSON.stringify(values)}`, validate.errors));
  };

  for (const [name, values] of Object.entries(query)) {
    const entry = params.get(`query:${name}`);
    if (!entry) {
      errors.push(`${label}: unknown query parameter "${name}"`);
      continue;
    }
    checkValue("query", name, entry.pointer, values);
  }
  for (const [key, { param, pointer }] of params) {
    if (!key.startsWith("path:") || !(param.name in op.pathParams)) continue;
    checkValue("path", param.name, pointer, [op.pathParams[param.name]!]);
  }
  for (const { param } of params.values()) {
    if (param.in === "query" && param.required && !(param.name in query)) errors.push(`${label}: missing required query parameter "${param.name}"`);
  }

  // Body.
  let rb = op.operation.requestBody;
  let rbPointer = ptr("paths", op.template, op.method, "requestBody");
  if (rb?.$ref) {
    const d = deref(l, rb);
    rb = d.node;
    rbPointer = d.pointer!;
  }
  if (body === undefined) {
    if (rb?.required) errors.push(`${label}: request body required`);
  } else if (!rb) {
    errors.push(`${label}: the operation declares no request body`);
  } else {
    const content = rb.content ?? {};
    const mediaType = ["application/json", ...Object.keys(content).filter((k) => /json/.test(k))].find((k) => content[k]?.schema);
    if (!mediaType) errors.push(`${label}: the request body is not JSON in the document`);
    else {
      const validate = validatorAt(l, `${rbPointer}/content/${mediaType.replace(/~/g, "~0").replace(/\//g, "~1")}/schema`);
      if (!validate(body)) errors.push(...formatErrors(`${label}: body`, validate.errors));
    }
  }
  return errors;
}
