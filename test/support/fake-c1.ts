// A protocol-faithful fake of ConductorOne's side of Baton service mode: one TLS listener (HTTP/2 with
// ALPN h2, HTTP/1.1 allowed) serving the OAuth token endpoint and the BatonService gRPC methods, a
// scripted task queue, scriptable faults, and a record of everything received. Tests synchronise on
// what it records (waitFor), never on elapsed time.
import { create, toBinary } from "@bufbuild/protobuf";
import { type Any, DurationSchema, anyUnpack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify } from "node:crypto";
import { EventEmitter } from "node:events";
import { type Http2SecureServer, type Http2ServerRequest, type Http2ServerResponse, createSecureServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { GrantManagerServiceGrantResponseSchema, GrantManagerServiceRevokeResponseSchema } from "../../src/baton/gen/c1/connector/v2/grant_manager_pb.js";
import {
  BatonService,
  type BatonServiceFinishTaskRequest,
  type BatonServiceHelloRequest,
  type Task,
  TaskSchema,
} from "../../src/baton/gen/c1/connectorapi/baton/v1/baton_pb.js";
import { type TestCa, createTestCa } from "./test-ca.js";

import type { MessageInitShape } from "@bufbuild/protobuf";
export type TaskInit = Omit<Extract<MessageInitShape<typeof TaskSchema>, { $typeName?: undefined }>, "id">;

export interface TokenRequestRecord {
  ok: boolean;
  reason?: string;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  userAgent?: string;
  at: number;
}

export interface RpcRecord {
  method: string;
  userAgent: string;
  token: string;
  at: number;
}

export interface UploadRecord {
  taskId: string;
  data: Buffer;
  chunkSizes: number[];
}

export interface FinishRecord {
  taskId: string;
  request: BatonServiceFinishTaskRequest;
  /** Index of this finish among every event the fake recorded (for ordering checks). */
  seq: number;
}

export interface HeartbeatRecord {
  taskId: string;
  seq: number;
}

export type TokenFault = { status: number; body?: string } | "empty-token" | "bad-json";

/** The fake's knobs; tests change them between steps. */
export interface FakeScript {
  nextPollMs: number;
  nextHeartbeatMs: number;
  tokenLifetimeSeconds: number;
  /** Consumed one per token request. */
  tokenFaults: TokenFault[];
  /** Consumed one per GetTask call. */
  getTaskFaults: Code[];
  /** Consumed one per Hello call. */
  helloFaults: Code[];
  /** Per task id: answers to its heartbeats, consumed in order (after that: not cancelled). */
  heartbeats: Map<string, Array<"cancel" | Code>>;
  /** Consumed one per upload attempt: abort the stream with `code` after `afterChunks` data messages. */
  uploadFaults: Array<{ afterChunks: number; code: Code }>;
  /** Per task id: FinishTask is recorded, then answered with this error code. */
  finishFaults: Map<string, Code>;
}

export class FakeConductorOne extends EventEmitter {
  readonly ca: TestCa;
  readonly script: FakeScript = {
    nextPollMs: 100,
    nextHeartbeatMs: 1000,
    tokenLifetimeSeconds: 3600,
    tokenFaults: [],
    getTaskFaults: [],
    helloFaults: [],
    heartbeats: new Map(),
    uploadFaults: [],
    finishFaults: new Map(),
  };
  readonly queue: Task[] = [];
  readonly tokenRequests: TokenRequestRecord[] = [];
  readonly rpcs: RpcRecord[] = [];
  readonly hellos: BatonServiceHelloRequest[] = [];
  readonly heartbeats: HeartbeatRecord[] = [];
  readonly uploads: UploadRecord[] = [];
  readonly uploadStarts: Array<{ taskId: string; seq: number }> = [];
  readonly finishes: FinishRecord[] = [];
  readonly protocolErrors: string[] = [];
  getTaskCalls = 0;
  private seq = 0;
  private readonly clients = new Map<string, string>(); // client id → public x
  private readonly nonces = new Set<string>();
  private readonly tokens = new Map<string, number>(); // token → expiry ms
  private readonly running = new Map<string, Task>();
  private server!: Http2SecureServer;
  port = 0;

  private constructor(ca: TestCa) {
    super();
    this.setMaxListeners(100);
    this.ca = ca;
  }

  static async start(ca: TestCa = createTestCa()): Promise<FakeConductorOne> {
    const fake = new FakeConductorOne(ca);
    const handler = connectNodeAdapter({ routes: (r) => fake.routes(r), fallback: (req, res) => fake.tokenEndpoint(req as Http2ServerRequest, res as Http2ServerResponse) });
    fake.server = createSecureServer({ key: ca.key, cert: ca.cert, allowHTTP1: true, minVersion: "TLSv1.2" }, handler);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Registers a client and returns its id and secret as ConductorOne would show them. */
  newCredentials(name = "baton-langsmith-test"): { clientId: string; clientSecret: string } {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const jwk = privateKey.export({ format: "jwk" });
    const clientId = `${name}@localhost:${this.port}/pcc`;
    this.clients.set(clientId, publicKey.export({ format: "jwk" }).x!);
    const secret = `secret-token:conductorone.com:v1:${Buffer.from(JSON.stringify(jwk)).toString("base64url")}`;
    return { clientId, clientSecret: secret };
  }

  /** Adds a task to the queue; returns its id (a 27-character KSUID-like id). */
  enqueue(init: TaskInit): string {
    const id = newTaskId();
    this.queue.push(create(TaskSchema, { ...init, id }));
    return id;
  }

  /** Resolves when `pred` holds, checked after every recorded event. */
  waitFor<T>(pred: () => T | undefined | false, what = "condition"): Promise<T> {
    const now = pred();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const check = () => {
        try {
          const v = pred();
          if (v) {
            this.off("event", check);
            resolve(v);
          }
        } catch (err) {
          this.off("event", check);
          reject(err);
        }
      };
      this.on("event", check);
      this.once("close-waiters", () => reject(new Error(`fake C1: gave up waiting for ${what}`)));
    });
  }

  finishOf(taskId: string): FinishRecord | undefined {
    return this.finishes.find((f) => f.taskId === taskId);
  }

  /** Every data byte count of the completed uploads of a task. */
  uploadsOf(taskId: string): UploadRecord[] {
    return this.uploads.filter((u) => u.taskId === taskId);
  }

  private record(): number {
    const s = this.seq++;
    queueMicrotask(() => this.emit("event"));
    return s;
  }

  // ---- token endpoint --------------------------------------------------------------------------

  private tokenEndpoint(req: Http2ServerRequest, res: Http2ServerResponse): void {
    const send = (status: number, body: string, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    if (req.url !== "/auth/v1/token") return send(404, "{}");
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (raw += d));
    req.on("end", () => {
      const rec: TokenRequestRecord = { ok: false, userAgent: String(req.headers["user-agent"] ?? ""), at: Date.now() };
      this.tokenRequests.push(rec);
      try {
        this.checkTokenRequest(req, raw, rec);
      } catch (err) {
        rec.reason = (err as Error).message;
        this.record();
        return send(401, JSON.stringify({ error: "invalid_client", error_description: rec.reason }));
      }
      const fault = this.script.tokenFaults.shift();
      this.record();
      if (fault === "bad-json") return send(200, "{not json");
      if (fault === "empty-token") return send(200, JSON.stringify({ access_token: "", token_type: "Bearer", expires_in: 3600 }));
      if (fault) return send(fault.status, fault.body ?? JSON.stringify({ error: "scripted" }));
      rec.ok = true;
      const token = randomBytes(24).toString("base64url");
      this.tokens.set(token, Date.now() + this.script.tokenLifetimeSeconds * 1000);
      send(200, JSON.stringify({ access_token: token, token_type: "bearer", expires_in: this.script.tokenLifetimeSeconds, scope: "ignored" }));
    });
  }

  private checkTokenRequest(req: Http2ServerRequest, raw: string, rec: TokenRequestRecord): void {
    if (req.method !== "POST") throw new Error("token endpoint: not a POST");
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) throw new Error("token endpoint: not a form");
    const form = new URLSearchParams(raw);
    const clientId = form.get("client_id") ?? "";
    if (form.get("grant_type") !== "client_credentials") throw new Error("grant_type");
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") throw new Error("client_assertion_type");
    if ([...form.keys()].sort().join(",") !== "client_assertion,client_assertion_type,client_id,grant_type") throw new Error("unexpected form fields");
    const x = this.clients.get(clientId);
    if (!x) throw new Error("unknown client_id");
    const parts = (form.get("client_assertion") ?? "").split(".");
    if (parts.length !== 3) throw new Error("assertion is not a compact JWS");
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    rec.header = header;
    rec.payload = payload;
    const headerKeys = Object.keys(header).filter((k) => k !== "kid").sort().join(",");
    if (headerKeys !== "alg,nonce" || header.alg !== "EdDSA") throw new Error(`JWS header: ${JSON.stringify(header)}`);
    if (typeof header.nonce !== "string" || !/^[0-9a-f]{32}$/.test(header.nonce)) throw new Error("nonce is not 32 lower-case hex characters");
    if (this.nonces.has(header.nonce)) throw new Error("nonce reused");
    this.nonces.add(header.nonce);
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    if (!verify(null, Buffer.from(`${parts[0]}.${parts[1]}`, "utf8"), key, Buffer.from(parts[2]!, "base64url"))) throw new Error("signature does not verify");
    if (Object.keys(payload).sort().join(",") !== "aud,exp,iat,iss,nbf,sub") throw new Error(`claims: ${Object.keys(payload).join(",")}`);
    if (payload.iss !== clientId || payload.sub !== clientId) throw new Error("iss/sub");
    if (payload.aud !== "localhost") throw new Error(`aud must be the string "localhost", got ${JSON.stringify(payload.aud)}`);
    const [iat, nbf, exp] = [payload.iat, payload.nbf, payload.exp] as number[];
    if (![iat, nbf, exp].every((n) => Number.isInteger(n))) throw new Error("times are not integers");
    if (exp! - iat! !== 120 || iat! - nbf! !== 120) throw new Error("exp/nbf are not iat ± 120");
    const now = Math.floor(Date.now() / 1000);
    if (now < nbf! - 5 || now > exp! + 5) throw new Error("assertion not valid now");
  }

  // ---- BatonService ----------------------------------------------------------------------------

  private authorize(method: string, ctx: HandlerContext): void {
    const auth = ctx.requestHeader.get("authorization") ?? "";
    const m = /^Bearer (.+)$/.exec(auth);
    const expiry = m ? this.tokens.get(m[1]!) : undefined;
    this.rpcs.push({ method, userAgent: ctx.requestHeader.get("user-agent") ?? "", token: m?.[1] ?? "", at: Date.now() });
    if (expiry === undefined || expiry <= Date.now()) {
      this.protocolErrors.push(`${method} with ${expiry === undefined ? "no valid" : "an expired"} token`);
      throw new ConnectError("missing or expired token", Code.Unauthenticated);
    }
  }

  private routes(router: ConnectRouter): void {
    router.service(BatonService, {
      hello: (req, ctx) => {
        this.authorize("Hello", ctx);
        const fault = this.script.helloFaults.shift();
        if (fault !== undefined) {
          this.record();
          throw new ConnectError("scripted hello failure", fault);
        }
        if (!req.hostId || req.hostId.length > 256) throw new ConnectError("host_id", Code.InvalidArgument);
        if (!req.connectorMetadata?.displayName) throw new ConnectError("connector_metadata.display_name is required", Code.InvalidArgument);
        this.hellos.push(req);
        if (req.taskId) this.running.delete(req.taskId);
        this.record();
        return {};
      },
      getTask: (req, ctx) => {
        this.authorize("GetTask", ctx);
        this.getTaskCalls++;
        const fault = this.script.getTaskFaults.shift();
        if (fault !== undefined) {
          this.record();
          throw new ConnectError("scripted GetTask failure", fault);
        }
        if (!req.hostId) throw new ConnectError("host_id", Code.InvalidArgument);
        const task = this.queue.shift();
        if (task) this.running.set(task.id, task);
        this.record();
        return {
          task: task ?? create(TaskSchema, { taskType: { case: "none", value: {} } }),
          nextPoll: ms(this.script.nextPollMs),
        };
      },
      heartbeat: (req, ctx) => {
        this.authorize("Heartbeat", ctx);
        checkTaskId(req.taskId);
        this.heartbeats.push({ taskId: req.taskId, seq: this.record() });
        const answer = this.script.heartbeats.get(req.taskId)?.shift();
        if (answer !== undefined && answer !== "cancel") throw new ConnectError("scripted heartbeat failure", answer);
        return { nextHeartbeat: ms(this.script.nextHeartbeatMs), cancelled: answer === "cancel" };
      },
      uploadAsset: async (reqs, ctx) => {
        this.authorize("UploadAsset", ctx);
        const fault = this.script.uploadFaults.shift();
        let taskId: string | undefined;
        const chunks: Buffer[] = [];
        let sawEof = false;
        let digest: Buffer | undefined;
        for await (const msg of reqs) {
          if (sawEof) throw new ConnectError("message after eof", Code.InvalidArgument);
          if (msg.msg.case === "metadata") {
            if (taskId !== undefined) throw new ConnectError("metadata twice", Code.InvalidArgument);
            taskId = checkTaskId(msg.msg.value.taskId);
            const t = this.running.get(taskId);
            if (!t || t.taskType.case !== "syncFull") throw new ConnectError("upload for a task that is not a running sync", Code.FailedPrecondition);
            this.uploadStarts.push({ taskId, seq: this.record() });
          } else if (msg.msg.case === "data") {
            if (taskId === undefined) throw new ConnectError("data before metadata", Code.InvalidArgument);
            const d = Buffer.from(msg.msg.value.data);
            if (d.length < 1 || d.length > 1024 * 1024) throw new ConnectError("data must be 1 byte to 1 MiB", Code.InvalidArgument);
            chunks.push(d);
            if (fault && chunks.length >= fault.afterChunks) {
              this.record();
              throw new ConnectError("scripted upload failure", fault.code);
            }
          } else if (msg.msg.case === "eof") {
            if (taskId === undefined) throw new ConnectError("eof before metadata", Code.InvalidArgument);
            digest = Buffer.from(msg.msg.value.sha256Checksum);
            if (digest.length !== 32) throw new ConnectError("checksum must be 32 bytes", Code.InvalidArgument);
            sawEof = true;
          } else {
            throw new ConnectError("empty upload message", Code.InvalidArgument);
          }
        }
        if (!sawEof || taskId === undefined) throw new ConnectError("stream ended without eof", Code.InvalidArgument);
        const data = Buffer.concat(chunks);
        if (!createHash("sha256").update(data).digest().equals(digest!)) throw new ConnectError("checksum mismatch", Code.DataLoss);
        this.uploads.push({ taskId, data, chunkSizes: chunks.map((c) => c.length) });
        this.record();
        return {};
      },
      finishTask: (req, ctx) => {
        this.authorize("FinishTask", ctx);
        checkTaskId(req.taskId);
        if (!req.finalState.case) throw new ConnectError("final_state is required", Code.InvalidArgument);
        const task = this.running.get(req.taskId);
        if (req.finalState.case === "success" && task) {
          if (task.taskType.case === "syncFull" && this.uploadsOf(req.taskId).length === 0) this.protocolErrors.push(`sync ${req.taskId} finished without an upload`);
          const want = task.taskType.case === "grant" ? GrantManagerServiceGrantResponseSchema : task.taskType.case === "revoke" ? GrantManagerServiceRevokeResponseSchema : undefined;
          const got = req.finalState.value.response;
          if (want && got?.typeUrl !== `type.googleapis.com/${want.typeName}`) this.protocolErrors.push(`task ${req.taskId}: response ${got?.typeUrl}`);
        }
        if (!this.finishOf(req.taskId)) this.finishes.push({ taskId: req.taskId, request: req, seq: this.seq });
        // Listeners run before the answer goes back, so a test can look at the world as it was then.
        this.emit("finish", req);
        this.record();
        const fault = this.script.finishFaults.get(req.taskId);
        if (fault !== undefined) throw new ConnectError("scripted FinishTask failure", fault);
        this.running.delete(req.taskId);
        return {};
      },
      startDebugging: () => {
        throw new ConnectError("not implemented", Code.Unimplemented);
      },
    });
  }
}

export function unpackResponse<T extends typeof GrantManagerServiceGrantResponseSchema | typeof GrantManagerServiceRevokeResponseSchema>(any: Any | undefined, schema: T) {
  return any ? anyUnpack(any, schema) : undefined;
}

function ms(n: number) {
  return create(DurationSchema, { seconds: BigInt(Math.floor(n / 1000)), nanos: (n % 1000) * 1e6 });
}

function checkTaskId(id: string): string {
  if (!/^[a-zA-Z0-9]{27}$/.test(id)) throw new ConnectError(`task id ${JSON.stringify(id)} is not 27 alphanumerics`, Code.InvalidArgument);
  return id;
}

const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function newTaskId(): string {
  return [...randomBytes(27)].map((b) => ALNUM[b % 62]).join("");
}

export { toBinary };
