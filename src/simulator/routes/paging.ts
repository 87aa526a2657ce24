/**
 * Query handling of the FastAPI member lists (`limit` 1–500 default 50, `offset` ≥ 0,
 * `emails`, `q`, `sort_by`, `sort_by_desc`, and for active lists `ls_user_ids`,
 * `user_ids`, `is_disabled`). The unfiltered default order is served straight from
 * the pre-sorted list, so a page costs O(limit).
 */
import { qBool, qEnum, qInt, qList, qString, qUuidList, validationError, type Query, type ValidationIssue } from "../http-util.js";

export const SORT_FIELDS = ["name", "email", "role", "created_at"] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export interface MemberListParams {
  limit: number;
  offset: number;
  emails: string[];
  q: string | null;
  sortBy: SortField;
  sortDesc: boolean;
  lsUserIds: string[];
  userIds: string[];
  isDisabled: boolean | null;
}

export function parseMemberListQuery(query: Query, active: boolean): MemberListParams {
  const issues: ValidationIssue[] = [];
  const p: MemberListParams = {
    limit: qInt(query, "limit", 50, { ge: 1, le: 500 }, issues),
    offset: qInt(query, "offset", 0, { ge: 0 }, issues),
    emails: qList(query, "emails").map((e) => e.toLowerCase()),
    q: qString(query, "q"),
    sortBy: qEnum(query, "sort_by", SORT_FIELDS, "created_at", issues),
    sortDesc: qBool(query, "sort_by_desc", issues) ?? true,
    lsUserIds: active ? qUuidList(query, "ls_user_ids", issues) : [],
    userIds: active ? qUuidList(query, "user_ids", issues) : [],
    isDisabled: active ? qBool(query, "is_disabled", issues) : null,
  };
  if (issues.length) throw validationError(issues);
  return p;
}

export interface RowView {
  email: string;
  name: string;
  role: string;
  lsUserId: string | null;
  userId: string | null;
  disabled: boolean;
  createdAt: number;
  id: string;
}

export function hasFilters(p: MemberListParams): boolean {
  return p.emails.length > 0 || p.q !== null || p.lsUserIds.length > 0 || p.userIds.length > 0 || p.isDisabled !== null;
}

/**
 * Returns one page of `sorted` (created_at desc, id asc) and the total after filters.
 * `repeatPages` simulates a misbehaving server that ignores `offset`.
 */
export function pageOf<T>(sorted: T[], p: MemberListParams, view: (t: T) => RowView, repeatPages: boolean): { rows: T[]; total: number } {
  const offset = repeatPages ? 0 : p.offset;
  if (!hasFilters(p) && p.sortBy === "created_at") {
    const n = sorted.length;
    if (p.sortDesc) return { rows: sorted.slice(offset, offset + p.limit), total: n };
    const rows: T[] = [];
    for (let i = n - 1 - offset; i >= 0 && rows.length < p.limit; i--) rows.push(sorted[i]!);
    return { rows, total: n };
  }
  const q = p.q?.toLowerCase() ?? null;
  const emails = new Set(p.emails);
  const ls = new Set(p.lsUserIds);
  const uids = new Set(p.userIds);
  let list = sorted.filter((t) => {
    const v = view(t);
    if (emails.size && !emails.has(v.email.toLowerCase())) return false;
    if (q !== null && !v.email.toLowerCase().includes(q) && !v.name.toLowerCase().includes(q)) return false;
    if (ls.size && (v.lsUserId === null || !ls.has(v.lsUserId))) return false;
    if (uids.size && (v.userId === null || !uids.has(v.userId))) return false;
    if (p.isDisabled !== null && v.disabled !== p.isDisabled) return false;
    return true;
  });
  if (p.sortBy !== "created_at") {
    const key = (t: T): string => {
      const v = view(t);
      return p.sortBy === "name" ? v.name.toLowerCase() : p.sortBy === "email" ? v.email.toLowerCase() : v.role;
    };
    const keyed = list.map((t) => ({ t, k: key(t), id: view(t).id }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    list = keyed.map((x) => x.t);
    if (p.sortDesc) list.reverse();
  } else if (!p.sortDesc) list.reverse();
  return { rows: list.slice(offset, offset + p.limit), total: list.length };
}
