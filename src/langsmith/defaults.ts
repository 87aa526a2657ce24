// The client's defaults, one constant each (the CLI's flags take theirs from here where they agree).

/** LangSmith Cloud US. */
export { DEFAULT_BASE_URL } from "./base-url.js";

/** Per-request timeout: generous, because an org-wide member page of a large org takes a while to build. */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** Requests in flight at once when the caller sets no ceiling (the CLI sets its own, higher, default). */
export const DEFAULT_MAX_IN_FLIGHT = 8;
