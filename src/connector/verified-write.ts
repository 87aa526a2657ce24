import { LangSmithError, type Logger } from "../langsmith/index.js";

/** Extra attempts of a write after a failure whose outcome a read showed had not happened. */
export const MAX_PROVEN_RETRIES = 2;

/**
 * Makes a write; when it fails in a way that leaves its outcome unknown (5xx, timeout, dropped connection),
 * reads LangSmith (`applied`) and repeats the write only if that read proves it did not happen. A repeated
 * write refused as a client error (404 on DELETE, 409 on POST) may mean the first one landed after the read:
 * if LangSmith now holds what was asked, that is success.
 */
export async function verifiedWrite(logger: Logger, what: string, write: () => Promise<unknown>, applied: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await write();
      return;
    } catch (err) {
      if (attempt > 0 && err instanceof LangSmithError && !err.transient && (await applied())) return;
      if (!(err instanceof LangSmithError) || !err.transient || attempt >= MAX_PROVEN_RETRIES) throw err;
      logger.warn("could not confirm the write; reading LangSmith to see whether it happened", { action: what, error: err.message });
      if (await applied()) return;
    }
  }
}
