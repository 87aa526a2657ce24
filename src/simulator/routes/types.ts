import type { Caller } from "../auth.js";
import type { Query } from "../http-util.js";
import type { RoleNameStyle } from "../render.js";

export type PlatformMembersMode = "full" | "limited" | "absent";

export type PatListingMode = "available" | "forbidden" | "absent";

export interface RouteSettings {
  roleNameStyle: RoleNameStyle;
  repeatPages: boolean;
  platformMembers: PlatformMembersMode;
  /** The org-wide PAT listing: answers, refuses everyone (403), or does not exist (404). */
  patListing: PatListingMode;
  /** `/api/v1/service-accounts`: answers or does not exist (404). */
  serviceAccounts: "available" | "absent";
}

export interface RouteContext {
  caller: Caller;
  headers: Record<string, string | string[] | undefined>;
  query: Query;
  params: Record<string, string>;
  body: unknown;
  bodyPresent: boolean;
  bodyError: string | null;
  settings: RouteSettings;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type RouteFamily = "api" | "platform";

export interface Route {
  method: string;
  /** Path template, `{name}` for parameters. */
  template: string;
  family: RouteFamily;
  handler: (ctx: RouteContext) => RouteResult;
  /** When false for the current settings the route answers 404 as if it did not exist. */
  available?: (settings: RouteSettings) => boolean;
}
