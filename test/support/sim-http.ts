/** Tiny fetch wrapper for the simulator tests. */
import type { Simulator } from "../../src/simulator/index.js";

export interface CallOptions {
  key?: string | null; // default: admin key; null = no key
  tenant?: string;
  org?: string;
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export async function call<T = any>(sim: Simulator, path: string, o: CallOptions = {}): Promise<CallResult<T>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = { accept: "application/json", ...(o.headers ?? {}) };
  const key = o.key === undefined ? sim.keys.admin : o.key;
  if (key !== null) headers["X-API-Key"] = key;
  if (o.tenant) headers["X-Tenant-Id"] = o.tenant;
  if (o.org) headers["X-Organization-Id"] = o.org;
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(sim.url + path, {
    method: o.method ?? "GET",
    headers,
    body: o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body),
    redirect: "manual",
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
}

/** Walks an offset-paged list until a short page; returns every row. */
export async function walk<T = any>(sim: Simulator, path: string, limit: number, o: CallOptions = {}): Promise<{ rows: T[]; requests: number }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const rows: T[] = [];
  let requests = 0;
  for (let offset = 0; ; offset += limit) {
    const sep = path.includes("?") ? "&" : "?";
    const r = await call<T[]>(sim, `${path}${sep}limit=${limit}&offset=${offset}`, o);
    requests++;
    if (r.status !== 200) throw new Error(`${path} offset ${offset}: ${r.status} ${r.text}`);
    rows.push(...r.body);
    if (r.body.length < limit) return { rows, requests };
    if (requests > 10_000) throw new Error("runaway paging");
  }
}
