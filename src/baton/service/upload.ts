// Uploading a task's result file: one client stream of metadata, the file in 512 KiB pieces, then the
// file's SHA-256. A failed attempt is repeated as a whole (the server discards partial uploads).
import { create } from "@bufbuild/protobuf";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Clock } from "../../common/clock.js";
import { type BatonServiceUploadAssetRequest, BatonServiceUploadAssetRequestSchema } from "../gen/c1/connectorapi/baton/v1/baton_pb.js";
import { type BatonServiceClient, CALL_TIMEOUT_MS } from "./client.js";

/** The piece size of the Go SDK; ConductorOne accepts up to 1 MiB per message. */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;
/** Attempts per upload, and the pause before each retry. */
export const UPLOAD_ATTEMPTS = 3;
const RETRY_DELAYS_MS = [0, 1000];

export interface UploadTarget {
  hostId: string;
  taskId: string;
  path: string;
}

export async function uploadWithRetries(
  client: BatonServiceClient,
  target: UploadTarget,
  opts: { clock: Clock; signal: AbortSignal; onRetry?: (attempt: number, err: unknown) => void },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await uploadOnce(client, target, opts.signal);
      return;
    } catch (err) {
      if (opts.signal.aborted || attempt >= UPLOAD_ATTEMPTS) throw err;
      opts.onRetry?.(attempt, err);
      await opts.clock.sleep(RETRY_DELAYS_MS[attempt - 1] ?? 1000, opts.signal);
    }
  }
}

export async function uploadOnce(client: BatonServiceClient, target: UploadTarget, signal: AbortSignal): Promise<void> {
  const digest = await sha256File(target.path, signal);
  await client.uploadAsset(messages(target, digest), { signal, timeoutMs: CALL_TIMEOUT_MS.upload });
}

async function* messages(target: UploadTarget, digest: Buffer): AsyncGenerator<BatonServiceUploadAssetRequest> {
  yield create(BatonServiceUploadAssetRequestSchema, { msg: { case: "metadata", value: { hostId: target.hostId, taskId: target.taskId } } });
  const file = await open(target.path, "r");
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(UPLOAD_CHUNK_BYTES);
      let filled = 0;
      while (filled < chunk.length) {
        const { bytesRead } = await file.read(chunk, filled, chunk.length - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled === 0) break;
      yield create(BatonServiceUploadAssetRequestSchema, { msg: { case: "data", value: { data: chunk.subarray(0, filled) } } });
      if (filled < chunk.length) break;
    }
  } finally {
    await file.close();
  }
  yield create(BatonServiceUploadAssetRequestSchema, { msg: { case: "eof", value: { sha256Checksum: digest } } });
}

async function sha256File(path: string, signal: AbortSignal): Promise<Buffer> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: UPLOAD_CHUNK_BYTES, signal })) hash.update(chunk as Buffer);
  return hash.digest();
}
