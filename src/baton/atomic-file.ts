// Publishing a file so readers see either the old one or the complete new one, never a part: written to
// a temporary file beside the target, flushed, renamed over the target, and the directory flushed so the
// rename survives a crash. The file is private: it holds names and emails of every member, so it is
// created 0600 (narrower if the umask asks for it), like the Baton SDK's own atomic file.
import { constants as fsConstants } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import path from "node:path";

/** Owner read/write only. The process umask still applies, so it can only get narrower. */
export const PRIVATE_FILE_MODE = 0o600;

export class AtomicFile {
  private published = false;

  private constructor(
    readonly targetPath: string,
    readonly tempPath: string,
    readonly handle: FileHandle,
  ) {}

  /**
   * Creates `tempPath` (which must sit beside `targetPath`, so the rename stays within one filesystem) with
   * O_EXCL: an existing file of that name is never reused or truncated.
   */
  static async create(targetPath: string, tempPath: string, mode = PRIVATE_FILE_MODE): Promise<AtomicFile> {
    if (path.dirname(path.resolve(tempPath)) !== path.dirname(path.resolve(targetPath))) {
      throw new Error(`temporary file ${tempPath} must be in the directory of ${targetPath}`);
    }
    const handle = await open(tempPath, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, mode);
    return new AtomicFile(targetPath, tempPath, handle);
  }

  /** Flushes the data, renames it over the target and flushes the directory entry. */
  async publish(): Promise<void> {
    await this.handle.sync();
    await this.handle.close();
    await rename(this.tempPath, this.targetPath);
    this.published = true;
    await fsyncDir(path.dirname(this.targetPath));
  }

  /** Removes the temporary file; the target stays as it was. Safe after a failed publish. */
  async discard(): Promise<void> {
    if (this.published) return;
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself already happened.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
