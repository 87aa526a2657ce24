/** `/api/v1/orgs/current*` routes (org scope; permission organization:read). */
import { orgPermissions, requireOrgPermission } from "../auth.js";
import type { Invite, User } from "../model.js";
import { apiKeyRow, organizationBody, organizationInfoBody, orgMemberRow, orgPendingRow, roleRow } from "../render.js";
import { pageOf, parseMemberListQuery, type RowView } from "./paging.js";
import type { Route, RouteContext } from "./types.js";

const READ = "organization:read";

function userView(u: User): RowView {
  return { email: u.email, name: u.fullName, role: u.orgRole.name, lsUserId: u.lsUserId, userId: u.userId, disabled: u.disabled, createdAt: u.createdAt, id: u.id };
}

function inviteView(i: Invite): RowView {
  return { email: i.email, name: i.email, role: i.orgRole.name, lsUserId: null, userId: i.userId, disabled: false, createdAt: i.createdAt, id: i.id };
}

function orgRoute(template: string, handler: Route["handler"]): Route {
  return {
    method: "GET",
    template,
    family: "api",
    handler: (ctx: RouteContext) => {
      requireOrgPermission(ctx.caller, READ);
      return handler(ctx);
    },
  };
}

export const orgRoutes: Route[] = [
  orgRoute("/api/v1/orgs/current", (ctx) => ({ body: organizationBody(ctx.caller.store, orgPermissions(ctx.caller)) })),
  orgRoute("/api/v1/orgs/current/info", (ctx) => ({ body: organizationInfoBody(ctx.caller.store, orgPermissions(ctx.caller)) })),
  orgRoute("/api/v1/orgs/current/roles", (ctx) => ({ body: ctx.caller.store.roles.map(roleRow) })),
  orgRoute("/api/v1/orgs/current/service-keys", (ctx) => ({
    body: ctx.caller.store.keys.filter((k) => k.kind === "service").map((k) => apiKeyRow(ctx.caller.store, k)),
  })),
  orgRoute("/api/v1/orgs/current/personal-access-tokens", (ctx) => {
    const owner = ctx.caller.key.kind === "pat" ? ctx.caller.key.owner : null;
    return { body: owner ? ctx.caller.store.keys.filter((k) => k.kind === "pat" && k.owner === owner).map((k) => apiKeyRow(ctx.caller.store, k)) : [] };
  }),
  orgRoute("/api/v1/orgs/current/members", (ctx) => {
    const { store } = ctx.caller;
    const style = ctx.settings.roleNameStyle;
    return {
      body: {
        organization_id: store.id,
        members: store.users.map((u) => orgMemberRow(store, u, style)),
        pending: store.invites.map((i) => orgPendingRow(store, i, style)),
      },
    };
  }),
  orgRoute("/api/v1/orgs/current/members/active", (ctx) => {
    const { store } = ctx.caller;
    const p = parseMemberListQuery(ctx.query, true);
    const { rows, total } = pageOf(store.users, p, userView, ctx.settings.repeatPages);
    return { body: rows.map((u) => orgMemberRow(store, u, ctx.settings.roleNameStyle)), headers: { "X-Pagination-Total": String(total) } };
  }),
  orgRoute("/api/v1/orgs/current/members/pending", (ctx) => {
    const { store } = ctx.caller;
    const p = parseMemberListQuery(ctx.query, false);
    const { rows, total } = pageOf(store.invites, p, inviteView, ctx.settings.repeatPages);
    return { body: rows.map((i) => orgPendingRow(store, i, ctx.settings.roleNameStyle)), headers: { "X-Pagination-Total": String(total) } };
  }),
];
