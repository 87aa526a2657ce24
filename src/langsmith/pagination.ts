import { PaginationLoopError, type RequestInfo } from "./errors.js";
import type { Page } from "./types.js";

/** Member listings accept `limit` up to 500; more is a 422. */
export const MEMBER_PAGE_LIMIT = 500;

/**
 * Guards one offset-paginated listing: drops rows already seen (offset paging drifts when rows are
 * inserted meanwhile) and fails when a page brings nothing new, which means the server is looping.
 * Safe to share between pages fetched concurrently.
 */
export class OffsetPageGuard<T> {
  private readonly seen = new Set<string>();

  constructor(
    private readonly idOf: (item: T) => string,
    private readonly where: RequestInfo,
  ) {}

  accept(items: T[], offset: number): T[] {
    const fresh: T[] = [];
    for (const item of items) {
      const id = this.idOf(item);
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      fresh.push(item);
    }
    if (items.length > 0 && fresh.length === 0) {
      throw new PaginationLoopError({ ...this.where, offset });
    }
    return fresh;
  }

  get count(): number {
    return this.seen.size;
  }
}

/** A listing is finished when a page comes back shorter than asked for. */
export function isLastPage(received: number, limit: number): boolean {
  return received < limit;
}

/**
 * Walks an offset listing page by page as an async iterable of de-duplicated pages (langsmith-sdk's habit).
 * `fetchPage` makes exactly one request.
 */
export async function* paginate<T>(
  fetchPage: (limit: number, offset: number) => Promise<Page<T>>,
  opts: { limit?: number; idOf: (item: T) => string; where: RequestInfo },
): AsyncGenerator<T[], void, undefined> {
  const limit = opts.limit ?? MEMBER_PAGE_LIMIT;
  const guard = new OffsetPageGuard(opts.idOf, opts.where);
  for (let offset = 0; ; ) {
    const page = await fetchPage(limit, offset);
    const fresh = guard.accept(page.items, offset);
    if (fresh.length) yield fresh;
    if (isLastPage(page.items.length, limit)) return;
    offset += page.items.length;
  }
}
