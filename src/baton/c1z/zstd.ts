// Streaming zstd over files with bounded memory, using zstd-napi's low-level contexts
// (its stream classes cannot pledge a source size, and we want the frame header to carry
// Frame_Content_Size like the SDK's files).
import type { FileHandle } from "node:fs/promises";
import binding from "zstd-napi/binding.js";

const CHUNK = 4 * 1024 * 1024;

export interface CompressOptions {
  level: number;
  /** zstd worker threads (0 = compress on the calling thread). */
  workers: number;
}

/**
 * Compresses `size` bytes read from `input` into ONE zstd frame appended to `output`
 * (at `outputOffset`), with content size and checksum in the frame. Returns bytes written.
 */
export async function compressFile(input: FileHandle, size: number, output: FileHandle, outputOffset: number, opts: CompressOptions): Promise<number> {
  const cctx = new binding.CCtx();
  cctx.setParameter(binding.CParameter.compressionLevel, opts.level);
  cctx.setParameter(binding.CParameter.checksumFlag, 1);
  cctx.setParameter(binding.CParameter.contentSizeFlag, 1);
  if (opts.workers > 0) {
    try {
      cctx.setParameter(binding.CParameter.nbWorkers, opts.workers);
    } catch {
      // libzstd built without multithreading: compress on this thread.
    }
  }
  cctx.setPledgedSrcSize(size);
  const inBuf = Buffer.allocUnsafe(CHUNK);
  const outBuf = Buffer.allocUnsafe(Math.max(binding.cStreamOutSize(), CHUNK));
  let readPos = 0;
  let written = 0;
  const flush = async (n: number) => {
    let off = 0;
    while (off < n) {
      const { bytesWritten } = await output.write(outBuf, off, n - off, outputOffset + written);
      off += bytesWritten;
      written += bytesWritten;
    }
  };
  for (;;) {
    const { bytesRead } = await input.read(inBuf, 0, CHUNK, readPos);
    readPos += bytesRead;
    const last = bytesRead === 0 || readPos >= size;
    let src = inBuf.subarray(0, bytesRead);
    const directive = last ? binding.EndDirective.end : binding.EndDirective.continue;
    for (;;) {
      const [remaining, produced, consumed] = cctx.compressStream2(outBuf, src, directive);
      src = src.subarray(consumed);
      if (produced > 0) await flush(produced);
      if (last ? remaining === 0 : src.length === 0) break;
    }
    if (last) break;
  }
  if (readPos !== size) throw new Error(`database changed size while compressing (${readPos} != ${size} bytes)`);
  return written;
}

export interface DecompressResult {
  bytes: number;
  /** Whether the input ended exactly at a frame boundary. */
  complete: boolean;
}

/**
 * Decompresses zstd frames from `input` (starting at `inputOffset`) into `output`.
 * Throws the binding's error for corrupt data; `complete` is false for a truncated stream.
 */
export async function decompressFile(
  input: FileHandle,
  inputOffset: number,
  output: FileHandle,
  opts: { windowLogMax: number; maxBytes: number },
): Promise<DecompressResult> {
  const dctx = new binding.DCtx();
  dctx.setParameter(binding.DParameter.windowLogMax, opts.windowLogMax);
  const inBuf = Buffer.allocUnsafe(CHUNK);
  const outBuf = Buffer.allocUnsafe(CHUNK);
  let readPos = inputOffset;
  let total = 0;
  let inFrame = false;
  let sawInput = false;
  for (;;) {
    const { bytesRead } = await input.read(inBuf, 0, CHUNK, readPos);
    if (bytesRead === 0) break;
    sawInput = true;
    readPos += bytesRead;
    let src = inBuf.subarray(0, bytesRead);
    while (src.length > 0 || inFrame) {
      const [ret, produced, consumed] = dctx.decompressStream(outBuf, src);
      src = src.subarray(consumed);
      inFrame = ret !== 0;
      if (produced > 0) {
        total += produced;
        if (total > opts.maxBytes) throw new RangeError(`decompressed size exceeds ${opts.maxBytes} bytes`);
        let off = 0;
        while (off < produced) off += (await output.write(outBuf, off, produced - off, total - produced + off)).bytesWritten;
      }
      // Needs more input, or frame finished and no input left.
      if (src.length === 0 && produced < outBuf.length) break;
    }
  }
  return { bytes: total, complete: sawInput && !inFrame };
}
