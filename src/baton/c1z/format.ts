// .c1z container: 5 magic bytes, then (v1) one zstd frame of a SQLite database file.
import { C1zNotC1zError, C1zV3FormatError } from "./errors.js";

export const C1Z_V1_MAGIC = Buffer.from("C1ZF\0", "latin1");
export const C1Z_V3_MAGIC = Buffer.from("C1Z3\0", "latin1");
export const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");
/** Same cap as baton-sdk's decoder (BATON_DECODER_MAX_MEMORY_MB = 128 MiB window). */
export const ZSTD_WINDOW_LOG_MAX = 27;
/** Same cap as baton-sdk's decoder (BATON_DECODER_MAX_DECODED_SIZE_MB = 10 GiB). */
export const MAX_DECODED_BYTES = 10 * 1024 ** 3;

/** Throws the matching error unless `head` (the file's first bytes) starts a v1 .c1z. */
export function checkMagic(file: string, head: Buffer, fileSize: number): void {
  if (fileSize === 0) throw new C1zNotC1zError(file, `${file} is empty, not a .c1z file (expected a Baton sync written by this connector or baton-sdk)`);
  const magic = head.subarray(0, 5);
  if (magic.equals(C1Z_V1_MAGIC)) return;
  if (magic.equals(C1Z_V3_MAGIC)) {
    throw new C1zV3FormatError(
      file,
      `${file} is a v3 .c1z written by baton-sdk's default Pebble engine; this tool reads v1 (SQLite) files — re-run the sync with this connector, or convert it by re-running the SDK connector with --storage-engine sqlite`,
    );
  }
  const shown = JSON.stringify(magic.toString("latin1"));
  throw new C1zNotC1zError(file, `${file} is not a .c1z file (starts with ${shown}, expected "C1ZF\\u0000"); pass the file a Baton sync wrote`);
}
