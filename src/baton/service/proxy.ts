// HTTPS_PROXY support: both the token request and the gRPC (HTTP/2) connection are tunnelled through an
// HTTP CONNECT proxy when the environment names one, as Go's HTTP and gRPC clients do.
import { Agent as HttpsAgent } from "node:https";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";

export interface Proxy {
  readonly url: URL;
  /** An agent for https.request that tunnels to the URL's host, or undefined when NO_PROXY exempts it. */
  httpsAgent(target: URL): HttpsAgent | undefined;
  /** A `createConnection` for http2.connect that tunnels, or undefined when NO_PROXY exempts the target. */
  http2Connection(target: URL, tls: ConnectionOptions): (() => Duplex) | undefined;
}

/** The proxy named by HTTPS_PROXY (or https_proxy), honouring NO_PROXY; undefined when none is set. */
export function proxyFromEnv(env: NodeJS.ProcessEnv = process.env): Proxy | undefined {
  const raw = env.HTTPS_PROXY ?? env.https_proxy;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw new ProxyConfigError("HTTPS_PROXY is not a URL: set it to http://host:port (or unset it)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ProxyConfigError("HTTPS_PROXY must be an http:// or https:// URL");
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const exempt = (host: string) =>
    noProxy.some((entry) => entry === "*" || host === entry.replace(/^\./, "").replace(/:\d+$/, "") || host.endsWith(entry.startsWith(".") ? entry : `.${entry}`));
  return {
    url,
    httpsAgent(target) {
      if (exempt(target.hostname.toLowerCase())) return undefined;
      return new TunnelAgent(url);
    },
    http2Connection(target, tls) {
      if (exempt(target.hostname.toLowerCase())) return undefined;
      return () => tlsConnect({ ...tls, socket: new TunnelStream(url, hostPort(target)) });
    },
  };
}

export class ProxyConfigError extends Error {
  override name = "ProxyConfigError";
}

function hostPort(u: URL): string {
  return `${u.hostname}:${u.port || "443"}`;
}

/** Opens a CONNECT tunnel to `target` through the proxy. */
function openTunnel(proxy: URL, target: string, cb: (err: Error | null, socket?: Socket, head?: Buffer) => void): void {
  const auth = proxy.username ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64")}` : undefined;
  const req = (proxy.protocol === "https:" ? httpsRequest : httpRequest)({
    host: proxy.hostname,
    port: proxy.port || (proxy.protocol === "https:" ? 443 : 80),
    method: "CONNECT",
    path: target,
    headers: { host: target, ...(auth ? { "proxy-authorization": auth } : {}) },
  });
  req.once("connect", (res, socket, head) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      cb(new Error(`the proxy refused to connect to ${target}: ${res.statusCode} ${res.statusMessage ?? ""}`.trim()));
      return;
    }
    cb(null, socket, head);
  });
  req.once("error", (err) => cb(new Error(`cannot reach the proxy ${proxy.host}: ${err.message}`)));
  req.end();
}

class TunnelAgent extends HttpsAgent {
  constructor(private readonly proxy: URL) {
    super({ keepAlive: false });
  }

  // Node's agent accepts a socket delivered through the callback.
  override createConnection(options: ConnectionOptions & { host?: string; port?: number | string; servername?: string }, cb: (err: Error | null, s?: Duplex) => void): undefined {
    openTunnel(this.proxy, `${options.host}:${options.port ?? 443}`, (err, socket) => {
      if (err || !socket) return cb(err ?? new Error("proxy tunnel failed"));
      cb(null, tlsConnect({ ...options, socket, servername: options.servername ?? options.host }));
    });
    return undefined;
  }
}

/**
 * A duplex stream that becomes a CONNECT tunnel once the proxy accepts; writes made before that are held.
 * http2.connect needs its connection synchronously, the tunnel needs a round trip: this bridges the two.
 */
class TunnelStream extends Duplex {
  private socket?: Socket;
  private held: Array<{ chunk: Buffer; cb: (err?: Error | null) => void }> = [];

  constructor(proxy: URL, target: string) {
    super();
    openTunnel(proxy, target, (err, socket, head) => {
      if (err || !socket) return this.destroy(err ?? new Error("proxy tunnel failed"));
      this.socket = socket;
      if (head && head.length) this.push(head);
      socket.on("data", (d: Buffer) => {
        if (!this.push(d)) socket.pause();
      });
      socket.on("end", () => this.push(null));
      socket.on("error", (e) => this.destroy(e));
      for (const { chunk, cb } of this.held.splice(0)) socket.write(chunk, cb);
    });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.socket) this.socket.write(chunk, cb);
    else this.held.push({ chunk, cb });
  }

  override _read(): void {
    this.socket?.resume();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.socket) this.socket.end(cb);
    else cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket?.destroy();
    cb(err);
  }
}
