// Page tokens for LangSmith's limit/offset listings. When the first page reports a total, the remaining
// pages are handed to the engine at once so they can be fetched concurrently; the last planned page must
// come back short, otherwise the listing grew meanwhile and paging continues one page at a time.
import { MEMBER_PAGE_LIMIT, isLastPage } from "../langsmith/index.js";

export interface OffsetToken {
  offset: number;
  /** Offset of the last page planned from the reported total; -1 when paging sequentially. */
  planEnd: number;
}

export function parseOffsetToken(token: string): OffsetToken {
  if (token === "") return { offset: 0, planEnd: -1 };
  const m = /^(\d+)\/(-1|\d+)$/.exec(token);
  if (!m) throw new Error(`malformed page token "${token}"`);
  return { offset: Number(m[1]), planEnd: Number(m[2]) };
}

export function formatOffsetToken(t: OffsetToken): string {
  return `${t.offset}/${t.planEnd}`;
}

export function nextOffsetTokens(
  current: OffsetToken,
  received: number,
  total: number | undefined,
  limit = MEMBER_PAGE_LIMIT,
): { nextPageToken?: string; enqueuePageTokens?: string[] } {
  if (isLastPage(received, limit)) return {};
  const firstPage = current.offset === 0 && current.planEnd < 0;
  if (firstPage && total !== undefined && total > limit) {
    const lastOffset = Math.floor((total - 1) / limit) * limit;
    const enqueue: string[] = [];
    for (let o = limit; o <= lastOffset; o += limit) enqueue.push(formatOffsetToken({ offset: o, planEnd: lastOffset }));
    return { enqueuePageTokens: enqueue };
  }
  if (current.planEnd >= 0 && current.offset < current.planEnd) return {}; // a later planned page covers what follows
  return { nextPageToken: formatOffsetToken({ offset: current.offset + received, planEnd: -1 }) };
}
