// Errors of the .c1z store. Each message is one actionable line naming the file.

/** Base class: anything wrong with a .c1z file or its writing. `file` is the path concerned. */
export class C1zError extends Error {
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The output location cannot be written (missing or read-only directory, target is a directory). */
export class C1zTargetError extends C1zError {}

/** Empty file, or the first bytes are not a .c1z magic. */
export class C1zNotC1zError extends C1zError {}

/** A v3 (Pebble) .c1z: baton-sdk's default engine, which this tool cannot read. */
export class C1zV3FormatError extends C1zError {}

/** The zstd stream after the magic is truncated or corrupt. */
export class C1zCorruptError extends C1zError {}

/** The decompressed payload is not a SQLite database, or not a Baton v1 one. */
export class C1zNotSqliteError extends C1zError {}

/** An object handed to the writer cannot be stored (e.g. a grant without a principal id). */
export class C1zInvalidRecordError extends C1zError {}

/** The writer or reader was used after finish(), abort() or close(). */
export class C1zClosedError extends C1zError {}
