/** LangSmith Cloud API hosts, one per region (US is the default). */
export const LANGSMITH_REGIONS = {
  us: "https://api.smith.langchain.com",
  eu: "https://eu.api.smith.langchain.com",
  apac: "https://apac.api.smith.langchain.com",
  aws: "https://aws.api.smith.langchain.com",
} as const;

export const DEFAULT_BASE_URL = LANGSMITH_REGIONS.us;

export class BaseUrlError extends Error {
  override name = "BaseUrlError";
}

/** Web-app hosts people paste by mistake, mapped to their API hosts. */
const UI_HOSTS: Record<string, string> = {
  "smith.langchain.com": LANGSMITH_REGIONS.us,
  "eu.smith.langchain.com": LANGSMITH_REGIONS.eu,
  "apac.smith.langchain.com": LANGSMITH_REGIONS.apac,
  "aws.smith.langchain.com": LANGSMITH_REGIONS.aws,
};

/**
 * Turns what a user configures into the origin (plus optional path prefix) that `/api/v1/...` paths are joined to.
 * Like langsmith-go, one trailing `/api/v1` or `/api` is stripped, so the SDK-style endpoint works too.
 */
export function normalizeBaseUrl(input: string): string {
  const raw = input.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BaseUrlError(`--base-url "${raw}" is not a URL; use e.g. ${DEFAULT_BASE_URL} or https://langsmith.example.com for self-hosted`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new BaseUrlError(`--base-url must use https:// (got ${url.protocol}//)`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new BaseUrlError(`--base-url uses http:// on ${url.hostname}; the API key would travel unencrypted — use https:// (http:// is allowed only for loopback addresses)`);
  }
  if (url.username || url.password) throw new BaseUrlError("--base-url must not contain credentials");
  if (url.search || url.hash) throw new BaseUrlError("--base-url must not contain a query string or fragment");
  const apiHost = UI_HOSTS[url.hostname];
  if (apiHost) {
    throw new BaseUrlError(`--base-url ${url.hostname} is the LangSmith web app; use its API host ${apiHost}`);
  }
  let path = url.pathname.replace(/\/+$/, "");
  path = path.replace(/\/api\/v1$/, "").replace(/\/api$/, "");
  return `${url.protocol}//${url.host}${path}`;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return /^127(\.\d{1,3}){3}$/.test(h);
}
