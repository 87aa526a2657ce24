// The .c1z v1 store: writer, reader, errors and format helpers.
export { C1zWriter, type C1zCounts, type C1zFinishResult, type C1zWriterOptions } from "./writer.js";
export { C1zReader, type C1zReaderOptions, type C1zTable, type SyncRun } from "./reader.js";
export * from "./errors.js";
export { c1zSchemaSignature, schemaSignature, type SchemaSignature } from "./schema.js";
export { formatSdkTimestamp, parseSdkTimestamp } from "./timestamps.js";
export { newKsuid, parseKsuid } from "./ksuid.js";
export { C1Z_V1_MAGIC, C1Z_V3_MAGIC } from "./format.js";
