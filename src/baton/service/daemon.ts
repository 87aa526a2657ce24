// The service-mode daemon: say hello to ConductorOne, then poll for tasks and run them (up to N at once),
// heartbeating syncs, uploading their files and reporting every task's outcome with FinishTask.
import { create } from "@bufbuild/protobuf";
import { type Any, type Duration, anyPack } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../../common/clock.js";
import { encryptForTargets, encryptionTargetsFromConfigs, type EncryptionTarget } from "../crypto/index.js";
import type { EncryptedData, EncryptionConfig, PlaintextData } from "../gen/c1/connector/v2/encryption_pb.js";
import { GrantManagerServiceGrantResponseSchema, GrantManagerServiceRevokeResponseSchema } from "../gen/c1/connector/v2/grant_manager_pb.js";
import type { ResourceId } from "../gen/c1/connector/v2/resource_pb.js";
import {
  type CreateAccountResponse,
  CreateAccountResponseSchema,
  CreateAccountResponse_ActionRequiredResultSchema,
  CreateAccountResponse_AlreadyExistsResultSchema,
  CreateAccountResponse_InProgressResultSchema,
  CreateAccountResponse_SuccessResultSchema,
  DeleteResourceResponseSchema,
  RotateCredentialResponseSchema,
} from "../gen/c1/connector/v2/resource_actions_pb.js";
import {
  BatonServiceFinishTaskRequestSchema,
  type Task,
  type Task_CreateAccountTask,
  type Task_DeleteResourceTask,
  type Task_RotateCredentialsTask,
  type Task_SyncFullTask,
} from "../gen/c1/connectorapi/baton/v1/baton_pb.js";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import { type BatonServiceClient, CALL_TIMEOUT_MS } from "./client.js";
import type { AccountCreation, ServiceConnector, ServiceLogger, SyncTaskOptions } from "./connector.js";
import { osInfo } from "./host-info.js";
import { NonRetryableError, TaskCancelledError, type TaskFailure, taskFailure } from "./task-status.js";
import { uploadWithRetries } from "./upload.js";

export interface BuildInfo {
  langVersion: string;
  package: string;
  packageVersion: string;
}

export interface DaemonOptions {
  client: BatonServiceClient;
  connector: ServiceConnector;
  hostId: string;
  buildInfo: BuildInfo;
  /** Tasks run at once (1..100); polling pauses while all slots are busy. */
  taskConcurrency: number;
  /** Where sync files are written before upload; each is removed once its task ends. */
  tempDir: string;
  /** Without it, tasks that change anything (grant, revoke, create_account, delete_resource, rotate_credentials) fail with FAILED_PRECONDITION, non-retryable. */
  provisioning: boolean;
  /** sync_full tasks upload an empty sync run instead of syncing. */
  skipFullSync: boolean;
  clock: Clock;
  logger: ServiceLogger;
  /** After stop(), how long cancelled tasks get to report before run() returns anyway. */
  shutdownGraceMs?: number;
}

export type TaskOutcome = "succeeded" | "failed" | "abandoned" | "unsupported" | "cancelled";

/** Codes that end start-up at once: retrying cannot fix credentials, permissions or a refused request. */
const FATAL_HELLO_CODES = new Set([Code.Unauthenticated, Code.PermissionDenied, Code.InvalidArgument, Code.Unimplemented, Code.FailedPrecondition, Code.NotFound]);
const HELLO_BACKOFF_MAX_MS = 300_000;
const POLL_BACKOFF_MAX_MS = 60_000;
const NEXT_POLL_MAX_MS = 300_000;
const HEARTBEAT_DEFAULT_MS = 30_000;
const HEARTBEAT_MIN_MS = 1_000;
const HEARTBEAT_MAX_MS = 300_000;
/** Consecutive failed heartbeats after which a task is given up (ConductorOne will have lost track of it). */
export const MAX_HEARTBEAT_FAILURES = 9;
const FINISH_ATTEMPTS = 3;

export class ServiceDaemon {
  private readonly root = new AbortController();
  private readonly running = new Set<Promise<unknown>>();
  /** Connector calls a cancelled task stopped waiting for; shutdown gives them the grace period to clean up. */
  private readonly lingering = new Set<Promise<unknown>>();
  private freeSlots: number;
  private readonly slotWaiters: Array<() => void> = [];

  constructor(private readonly opts: DaemonOptions) {
    this.freeSlots = opts.taskConcurrency;
  }

  get stopped(): boolean {
    return this.root.signal.aborted;
  }

  /** Stops polling and cancels running tasks; run() returns once they have reported (or the grace ends). */
  stop(reason = "the connector is shutting down"): void {
    if (!this.root.signal.aborted) this.root.abort(new TaskCancelledError(reason));
  }

  /**
   * The start-up Hello, retried with doubling pauses (1 s … 5 min) unless ConductorOne refuses it outright.
   * Throws the refusal (a ConnectError); returns false if stop() came first.
   */
  async bootstrap(): Promise<boolean> {
    const { clock, logger } = this.opts;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.hello("", this.root.signal);
        logger.info("connected to ConductorOne", { hostId: this.opts.hostId });
        return true;
      } catch (err) {
        if (this.root.signal.aborted) return false;
        const e = ConnectError.from(err);
        if (FATAL_HELLO_CODES.has(e.code)) throw e;
        const delay = Math.min(1000 * 2 ** attempt, HELLO_BACKOFF_MAX_MS);
        logger.warn("hello to ConductorOne failed; retrying", { code: Code[e.code], error: e.rawMessage, retryInSeconds: delay / 1000 });
        try {
          await clock.sleep(delay, this.root.signal);
        } catch {
          return false;
        }
      }
    }
  }

  /** Polls and runs tasks until stop(). */
  async run(): Promise<void> {
    const { client, clock, logger, hostId } = this.opts;
    const signal = this.root.signal;
    let waitMs = 0;
    let errors = 0;
    while (!signal.aborted) {
      try {
        await clock.sleep(waitMs, signal);
        await this.acquireSlot(signal);
      } catch {
        break;
      }
      let res;
      try {
        res = await client.getTask({ hostId }, { signal, timeoutMs: CALL_TIMEOUT_MS.unary });
      } catch (err) {
        this.releaseSlot();
        if (signal.aborted) break;
        errors++;
        waitMs = Math.min(errors * errors * 1000, POLL_BACKOFF_MAX_MS);
        const e = ConnectError.from(err);
        logger.warn("polling ConductorOne for tasks failed", { code: Code[e.code], error: e.rawMessage, retryInSeconds: waitMs / 1000 });
        continue;
      }
      errors = 0;
      waitMs = clamp(durationMs(res.nextPoll), 0, NEXT_POLL_MAX_MS);
      const task = res.task;
      if (!task || task.taskType.case === "none") {
        this.releaseSlot();
        continue;
      }
      const p: Promise<unknown> = this.runTask(task)
        .catch((err) => logger.error("task handler failed unexpectedly", { taskId: task.id, error: String(err) }))
        .finally(() => {
          this.releaseSlot();
          this.running.delete(p);
        });
      this.running.add(p);
    }
    await this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running.size === 0 && this.lingering.size === 0) return;
    const grace = new AbortController();
    await Promise.race([
      Promise.allSettled([...this.running]).then(() => Promise.allSettled([...this.lingering])),
      this.opts.clock.sleep(this.opts.shutdownGraceMs ?? 10_000, grace.signal).catch(() => undefined),
    ]);
    grace.abort();
  }

  private async runTask(task: Task): Promise<void> {
    const { logger, clock } = this.opts;
    const ctl = new AbortController();
    const onStop = () => ctl.abort(this.root.signal.reason);
    if (this.root.signal.aborted) onStop();
    else this.root.signal.addEventListener("abort", onStop, { once: true });
    const taskType = taskTypeName(task);
    const started = clock.now();
    logger.info("task started", { taskId: task.id, taskType });
    let result: { outcome: TaskOutcome; failure?: TaskFailure };
    try {
      switch (task.taskType.case) {
        case "hello":
          result = await this.helloTask(task);
          break;
        case "syncFull":
          result = await this.syncTask(task, task.taskType.value, ctl);
          break;
        case "grant": {
          const g = task.taskType.value;
          result = await this.provisioningTask(task, ctl, () => {
            if (!g.entitlement || !g.principal) throw new NonRetryableError(new ConnectError("malformed grant task: the entitlement or principal is missing", Code.Unknown));
            return this.untilAborted(this.opts.connector.grant(g.entitlement, g.principal, ctl.signal), ctl.signal).then((r) => ({
              annotations: r.annotations,
              response: anyPack(GrantManagerServiceGrantResponseSchema, create(GrantManagerServiceGrantResponseSchema, { annotations: r.annotations, grants: r.grants })),
            }));
          });
          break;
        }
        case "revoke": {
          const r = task.taskType.value;
          result = await this.provisioningTask(task, ctl, () => {
            if (!r.grant) throw new NonRetryableError(new ConnectError("invalid task type: the revoke task names no grant", Code.Unknown));
            return this.untilAborted(this.opts.connector.revoke(r.grant, ctl.signal), ctl.signal).then((res) => ({
              annotations: res.annotations,
              response: anyPack(GrantManagerServiceRevokeResponseSchema, create(GrantManagerServiceRevokeResponseSchema, { annotations: res.annotations })),
            }));
          });
          break;
        }
        case "createAccount":
          result = await this.provisioningTask(task, ctl, () => this.createAccount(task.taskType.value as Task_CreateAccountTask, ctl.signal));
          break;
        case "deleteResource":
          result = await this.provisioningTask(task, ctl, () => this.deleteResource(task.taskType.value as Task_DeleteResourceTask, ctl.signal));
          break;
        case "rotateCredentials":
          result = await this.provisioningTask(task, ctl, () => this.rotateCredentials(task.taskType.value as Task_RotateCredentialsTask, ctl.signal));
          break;
        default: {
          const failure: TaskFailure = { status: create(StatusSchema, { code: Code.Unknown, message: "unsupported task type" }), nonRetryable: false };
          await this.finishError(task, failure);
          result = { outcome: "unsupported", failure };
        }
      }
    } finally {
      this.root.signal.removeEventListener("abort", onStop);
    }
    const fields: Record<string, unknown> = { taskId: task.id, taskType, outcome: result.outcome, seconds: (clock.now() - started) / 1000 };
    if (result.failure) Object.assign(fields, { code: Code[result.failure.status.code] ?? result.failure.status.code, error: result.failure.status.message, nonRetryable: result.failure.nonRetryable });
    if (result.outcome === "succeeded") logger.info("task finished", fields);
    else logger.warn("task finished", fields);
  }

  private async helloTask(task: Task): Promise<{ outcome: TaskOutcome; failure?: TaskFailure }> {
    // A hello task is answered by a Hello naming it; there is no FinishTask and no retry.
    try {
      await this.hello(task.id, this.root.signal);
      return { outcome: "succeeded" };
    } catch (err) {
      return { outcome: "failed", failure: taskFailure(err) };
    }
  }

  private async syncTask(task: Task, spec: Task_SyncFullTask, ctl: AbortController): Promise<{ outcome: TaskOutcome; failure?: TaskFailure }> {
    const { client, connector, clock, logger, hostId } = this.opts;
    const path = join(this.opts.tempDir, `baton-sync-upload-${randomBytes(8).toString("hex")}.c1z`);
    try {
      // The first heartbeat tells us whether ConductorOne still wants this task; if it cannot be sent or
      // says cancelled, the task is dropped without a report, as the Go SDK does.
      let first;
      try {
        first = await client.heartbeat({ hostId, taskId: task.id }, { signal: ctl.signal, timeoutMs: CALL_TIMEOUT_MS.unary });
      } catch (err) {
        const e = ConnectError.from(err);
        logger.warn("first heartbeat failed; task abandoned", { taskId: task.id, code: Code[e.code], error: e.rawMessage });
        return { outcome: "abandoned" };
      }
      if (first.cancelled) return { outcome: "abandoned" };
      const stopHeartbeats = new AbortController();
      const heartbeats = this.heartbeatLoop(task.id, heartbeatIntervalMs(first.nextHeartbeat), ctl, stopHeartbeats.signal);
      try {
        // A connector may take a while to notice the abort (a request in flight): the task reports at once,
        // and whatever the connector writes late is removed when it settles.
        await this.untilAborted(connector.sync(syncOptions(spec, this.opts.skipFullSync), path, ctl.signal), ctl.signal, () => rm(path, { force: true }));
        ctl.signal.throwIfAborted();
        await uploadWithRetries(client, { hostId, taskId: task.id, path }, {
          clock,
          signal: ctl.signal,
          onRetry: (attempt, err) => logger.warn("upload failed; retrying", { taskId: task.id, attempt, error: ConnectError.from(err).rawMessage }),
        });
        await this.finishSuccess(task);
        return { outcome: "succeeded" };
      } catch (err) {
        const failure = taskFailure(ctl.signal.aborted ? ctl.signal.reason : err);
        await this.finishError(task, failure);
        return { outcome: ctl.signal.aborted ? "cancelled" : "failed", failure };
      } finally {
        stopHeartbeats.abort();
        await heartbeats;
      }
    } finally {
      await rm(path, { force: true }).catch(() => undefined);
    }
  }

  private async provisioningTask(task: Task, ctl: AbortController, call: () => Promise<ChangeResult>): Promise<{ outcome: TaskOutcome; failure?: TaskFailure }> {
    let done: ChangeResult;
    try {
      if (!this.opts.provisioning) {
        throw new NonRetryableError(
          new ConnectError("provisioning is not enabled: start the connector with --provisioning (-p) to let it change anything (grants, accounts, resources, credentials)", Code.FailedPrecondition),
        );
      }
      done = await call();
    } catch (err) {
      // A provisioning failure is final (ConductorOne must not repeat a change blindly), unless the task
      // was only interrupted by a shutdown: then it may run again.
      const cause = ctl.signal.aborted ? ctl.signal.reason : err instanceof NonRetryableError ? err : new NonRetryableError(err);
      const failure = taskFailure(cause);
      await this.finishError(task, failure);
      return { outcome: ctl.signal.aborted ? "cancelled" : "failed", failure };
    }
    const handedOver = await this.finishSuccess(task, done.annotations, done.response);
    if (done.afterHandover) {
      // The old credential goes only once ConductorOne holds the new one; if the report did not get
      // through, both stay and ConductorOne will see the task fail (and can rotate again).
      if (!handedOver) {
        this.opts.logger.warn("the new credential could not be handed to ConductorOne; the old one is kept", { taskId: task.id });
      } else {
        try {
          await done.afterHandover();
        } catch (err) {
          const e = ConnectError.from(err);
          this.opts.logger.error("the new credential was handed over, but removing the old one failed", { taskId: task.id, code: Code[e.code], error: e.rawMessage });
        }
      }
    }
    return { outcome: "succeeded" };
  }

  /** Baton's create_account handler: the response goes both as the result and, packed, among the annotations. */
  private async createAccount(spec: Task_CreateAccountTask, signal: AbortSignal): Promise<ChangeResult> {
    if (!spec.accountInfo) throw new NonRetryableError(new ConnectError("malformed create account task: the account info is missing", Code.Unknown));
    const targets = encryptionTargets(spec.encryptionConfigs);
    const created = await this.untilAborted(
      this.opts.connector.createAccount({ accountInfo: spec.accountInfo, credentialOptions: spec.credentialOptions, resourceTypeId: spec.resourceTypeId }, signal),
      signal,
    );
    const response = create(CreateAccountResponseSchema, {
      result: accountResult(created.result),
      encryptedData: await encryptAll(created.plaintexts, targets),
      annotations: created.annotations,
    });
    const packed = anyPack(CreateAccountResponseSchema, response);
    return { annotations: [...created.annotations, packed], response: packed };
  }

  private async deleteResource(spec: Task_DeleteResourceTask, signal: AbortSignal): Promise<ChangeResult> {
    if (!isResourceId(spec.resourceId)) throw new NonRetryableError(new ConnectError("malformed delete resource task: the resource id is missing", Code.Unknown));
    // As in the Baton SDK, only the resource id is passed on (the task's parent is not).
    const res = await this.untilAborted(this.opts.connector.deleteResource(spec.resourceId, signal), signal);
    return { annotations: res.annotations, response: anyPack(DeleteResourceResponseSchema, create(DeleteResourceResponseSchema, { annotations: res.annotations })) };
  }

  /**
   * The encryption configs are checked before anything changes; the new secret leaves only encrypted, in
   * the FinishTask this returns, and its plaintext is zeroed once encrypted.
   */
  private async rotateCredentials(spec: Task_RotateCredentialsTask, signal: AbortSignal): Promise<ChangeResult> {
    if (!isResourceId(spec.resourceId)) throw new NonRetryableError(new ConnectError("malformed rotate credentials task: the resource id is missing", Code.Unknown));
    const targets = encryptionTargets(spec.encryptionConfigs);
    if (targets.length === 0) {
      // Without anyone to encrypt to, the new secret would be lost and the old one deleted.
      throw new NonRetryableError(new ConnectError("rotate credentials task carries no encryption config: the new credential could not be handed over", Code.InvalidArgument));
    }
    const rotated = await this.untilAborted(this.opts.connector.rotateCredentials(spec.resourceId, spec.credentialOptions, signal), signal);
    const encryptedData = await encryptAll(rotated.plaintexts, targets);
    const response = anyPack(RotateCredentialResponseSchema, create(RotateCredentialResponseSchema, { encryptedData, resourceId: spec.resourceId, annotations: rotated.annotations }));
    return { annotations: rotated.annotations, response, afterHandover: rotated.afterHandover };
  }

  /** Settles like `work`, or rejects with the abort reason as soon as `signal` aborts (then `work` lingers). */
  private untilAborted<T>(work: Promise<T>, signal: AbortSignal, cleanup?: () => Promise<unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const settled: Promise<unknown> = work
          .then(
            () => cleanup?.(),
            () => cleanup?.(),
          )
          .catch(() => undefined)
          .finally(() => this.lingering.delete(settled));
        this.lingering.add(settled);
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      work.then(
        (v) => {
          signal.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (err: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      );
    });
  }

  private async heartbeatLoop(taskId: string, intervalMs: number, ctl: AbortController, stop: AbortSignal): Promise<void> {
    const { client, clock, logger, hostId } = this.opts;
    let failures = 0;
    for (;;) {
      try {
        await clock.sleep(intervalMs, stop);
      } catch {
        return;
      }
      try {
        const res = await client.heartbeat({ hostId, taskId }, { signal: stop, timeoutMs: CALL_TIMEOUT_MS.unary });
        failures = 0;
        intervalMs = heartbeatIntervalMs(res.nextHeartbeat);
        if (res.cancelled) {
          logger.info("ConductorOne cancelled the task", { taskId });
          ctl.abort(new TaskCancelledError("task was cancelled"));
          return;
        }
      } catch (err) {
        if (stop.aborted) return;
        failures++;
        logger.warn("heartbeat failed", { taskId, failures, error: ConnectError.from(err).rawMessage });
        if (failures >= MAX_HEARTBEAT_FAILURES) {
          ctl.abort(new TaskCancelledError("task failed heartbeat"));
          return;
        }
      }
    }
  }

  private async hello(taskId: string, signal: AbortSignal): Promise<void> {
    const metadata = await this.opts.connector.metadata();
    await this.opts.client.hello(
      { hostId: this.opts.hostId, taskId, buildInfo: this.opts.buildInfo, osInfo: osInfo(), connectorMetadata: metadata },
      { signal, timeoutMs: CALL_TIMEOUT_MS.unary },
    );
  }

  /** Resolves true once ConductorOne accepted the report. */
  private finishSuccess(task: Task, annotations: Any[] = [], response?: Any): Promise<boolean> {
    return this.finish(
      task,
      create(BatonServiceFinishTaskRequestSchema, { hostId: this.opts.hostId, taskId: task.id, finalState: { case: "success", value: { annotations, response } } }),
    );
  }

  private finishError(task: Task, failure: TaskFailure): Promise<boolean> {
    return this.finish(
      task,
      create(BatonServiceFinishTaskRequestSchema, {
        hostId: this.opts.hostId,
        taskId: task.id,
        status: failure.status,
        finalState: { case: "error", value: { nonRetryable: failure.nonRetryable } },
      }),
    );
  }

  /**
   * FinishTask has its own deadline, independent of the task's cancellation, so a cancelled task still
   * reports. Retried on UNAVAILABLE while the daemon runs (ConductorOne accepts repeats); once at shutdown.
   */
  private async finish(task: Task, req: ReturnType<typeof create<typeof BatonServiceFinishTaskRequestSchema>>): Promise<boolean> {
    const { client, clock, logger } = this.opts;
    for (let attempt = 1; ; attempt++) {
      try {
        await client.finishTask(req, { timeoutMs: CALL_TIMEOUT_MS.finishTask });
        return true;
      } catch (err) {
        const e = ConnectError.from(err);
        if (e.code !== Code.Unavailable || attempt >= FINISH_ATTEMPTS || this.root.signal.aborted) {
          logger.error("could not report the task's outcome to ConductorOne", { taskId: task.id, code: Code[e.code], error: e.rawMessage });
          return false;
        }
        await clock.sleep(1000 * attempt);
      }
    }
  }

  private acquireSlot(signal: AbortSignal): Promise<void> {
    if (this.freeSlots > 0) {
      this.freeSlots--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.slotWaiters.indexOf(grant);
        if (i >= 0) this.slotWaiters.splice(i, 1);
        reject(signal.reason);
      };
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      };
      this.slotWaiters.push(grant);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.freeSlots++;
  }
}

/** What a task that changes something reports, and (credential rotation) what must wait until it was reported. */
interface ChangeResult {
  annotations: Any[];
  response: Any;
  afterHandover?: () => Promise<unknown>;
}

/** The task's encryption configs, validated; a bad one fails the task before anything changes. */
function encryptionTargets(configs: EncryptionConfig[]): EncryptionTarget[] {
  try {
    return encryptionTargetsFromConfigs(configs);
  } catch (err) {
    throw new NonRetryableError(new ConnectError(err instanceof Error ? err.message : String(err), Code.InvalidArgument));
  }
}

/** Every secret encrypted to every target; each plaintext is zeroed once encrypted (or on failure). */
async function encryptAll(plaintexts: PlaintextData[], targets: EncryptionTarget[]): Promise<EncryptedData[]> {
  const out: EncryptedData[] = [];
  try {
    for (const p of plaintexts) out.push(...(await encryptForTargets(p, targets)));
  } finally {
    for (const p of plaintexts) p.bytes.fill(0);
  }
  return out;
}

function accountResult(r: AccountCreation["result"]): CreateAccountResponse["result"] {
  switch (r.kind) {
    case "success":
      return { case: "success", value: create(CreateAccountResponse_SuccessResultSchema, { resource: r.resource, isCreateAccountResult: true }) };
    case "action_required":
      return { case: "actionRequired", value: create(CreateAccountResponse_ActionRequiredResultSchema, { resource: r.resource, message: r.message, isCreateAccountResult: true }) };
    case "already_exists":
      return { case: "alreadyExists", value: create(CreateAccountResponse_AlreadyExistsResultSchema, { resource: r.resource, isCreateAccountResult: true }) };
    case "in_progress":
      return { case: "inProgress", value: create(CreateAccountResponse_InProgressResultSchema, { resource: r.resource, isCreateAccountResult: true }) };
  }
}

function isResourceId(id: ResourceId | undefined): id is ResourceId {
  return !!id && id.resource !== "" && id.resourceType !== "";
}

function syncOptions(spec: Task_SyncFullTask, skipFullSync: boolean): SyncTaskOptions {
  return {
    targetedResources: spec.targetedSyncResources,
    resourceTypeIds: spec.syncResourceTypeIds,
    skipEntitlementsAndGrants: spec.skipEntitlementsAndGrants,
    skipGrants: spec.skipGrants,
    skipExpandGrants: spec.skipExpandGrants,
    emptySync: skipFullSync,
  };
}

function taskTypeName(task: Task): string {
  const names: Record<string, string> = {
    none: "none",
    hello: "hello",
    syncFull: "sync_full",
    grant: "grant",
    revoke: "revoke",
    createAccount: "create_account",
    deleteResource: "delete_resource",
    rotateCredentials: "rotate_credentials",
    eventFeed: "event_feed",
  };
  return task.taskType.case ? (names[task.taskType.case] ?? task.taskType.case) : "unknown";
}

function durationMs(d?: Duration): number {
  if (!d) return 0;
  return Number(d.seconds) * 1000 + Math.trunc(d.nanos / 1e6);
}

function heartbeatIntervalMs(d?: Duration): number {
  const ms = durationMs(d);
  if (ms <= 0) return HEARTBEAT_DEFAULT_MS;
  return clamp(ms, HEARTBEAT_MIN_MS, HEARTBEAT_MAX_MS);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), hi);
}
