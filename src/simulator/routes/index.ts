/** Route table and path matching. */
import { orgMemberRoutes } from "./org-members.js";
import { keyRoutes } from "./keys.js";
import { orgRoutes } from "./orgs.js";
import { platformRoutes } from "./platform.js";
import type { Route } from "./types.js";
import { workspaceRoutes } from "./workspaces.js";

export const routes: Route[] = [...orgRoutes, ...orgMemberRoutes, ...keyRoutes, ...workspaceRoutes, ...platformRoutes];

interface Compiled {
  route: Route;
  parts: string[];
}

const compiled: Compiled[] = routes.map((route) => ({ route, parts: route.template.split("/") }));

function matchParts(parts: string[], segs: string[]): Record<string, string> | null {
  if (parts.length !== segs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segs[i]!;
    if (p.startsWith("{") && p.endsWith("}")) {
      if (s === "") return null;
      params[p.slice(1, -1)] = decodeURIComponent(s);
    } else if (p !== s) return null;
  }
  return params;
}

export type MatchResult =
  | { kind: "route"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; family: Route["family"] }
  | { kind: "none" };

export function matchRoute(method: string, path: string): MatchResult {
  const segs = path.split("/");
  let pathMatched: Route | null = null;
  for (const c of compiled) {
    const params = matchParts(c.parts, segs);
    if (!params) continue;
    if (c.route.method === method) return { kind: "route", route: c.route, params };
    pathMatched ??= c.route;
  }
  return pathMatched ? { kind: "method-not-allowed", family: pathMatched.family } : { kind: "none" };
}

export function isPlatformPath(path: string): boolean {
  return path.startsWith("/v1/platform/") || path.startsWith("/api/v1/platform/");
}

export function isApiPath(path: string): boolean {
  return path === "/api/v1" || path.startsWith("/api/v1/") || path.startsWith("/v1/platform/");
}
