// How a task's failure is reported to ConductorOne: a google.rpc.Status and whether retrying could help.
import { create, toBinary } from "@bufbuild/protobuf";
import { type Any, AnySchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Status, StatusSchema } from "../gen/google/rpc/status_pb.js";

/** Marks a failure that retrying cannot fix (the SDK's "task failed and is non-retryable"). */
export class NonRetryableError extends Error {
  override name = "NonRetryableError";
  constructor(override readonly cause: unknown) {
    super(errorText(cause));
  }
}

/** A task stopped because ConductorOne cancelled it, its heartbeats kept failing, or the process is stopping. */
export class TaskCancelledError extends Error {
  override name = "TaskCancelledError";
}

export interface TaskFailure {
  status: Status;
  nonRetryable: boolean;
}

/**
 * gRPC status errors keep their code, message and details; a cancelled task is CANCELLED; a deadline is
 * DEADLINE_EXCEEDED; anything else is UNKNOWN with its message. Only NonRetryableError is non-retryable.
 */
export function taskFailure(err: unknown): TaskFailure {
  const nonRetryable = err instanceof NonRetryableError;
  const inner = nonRetryable ? (err as NonRetryableError).cause : err;
  if (inner instanceof ConnectError) {
    return { nonRetryable, status: create(StatusSchema, { code: inner.code, message: inner.rawMessage, details: detailsOf(inner) }) };
  }
  if (inner instanceof TaskCancelledError) return { nonRetryable, status: create(StatusSchema, { code: Code.Canceled, message: inner.message }) };
  if (inner instanceof Error && (inner.name === "AbortError" || inner.name === "TimeoutError")) {
    const code = inner.name === "TimeoutError" ? Code.DeadlineExceeded : Code.Canceled;
    return { nonRetryable, status: create(StatusSchema, { code, message: inner.message }) };
  }
  return { nonRetryable, status: create(StatusSchema, { code: Code.Unknown, message: errorText(inner) }) };
}

function detailsOf(err: ConnectError): Any[] {
  return err.details.map((d) =>
    "desc" in d
      ? create(AnySchema, { typeUrl: `type.googleapis.com/${d.desc.typeName}`, value: toBinaryOf(d) })
      : create(AnySchema, { typeUrl: `type.googleapis.com/${d.type}`, value: d.value }),
  );
}

// An outgoing detail is (schema, init) of one message type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toBinaryOf(d: { desc: any; value: any }): Uint8Array {
  return toBinary(d.desc, create(d.desc, d.value));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
