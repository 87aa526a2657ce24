// `report` and `diff`: read .c1z files (nothing remote), write a report or print what changed.
import { randomBytes } from "node:crypto";
import { open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { C1zError } from "../baton/c1z/errors.js";
import { loadAccessModel } from "../review/access-model.js";
import { diffFiles, type DiffResult } from "../review/diff.js";
import { formatDiffText } from "../review/diff-text.js";
import { csvChunks, jsonChunks } from "../review/report-formats.js";
import { toReportData } from "../review/report-data.js";
import { renderHtml } from "../review/report-html.js";
import { UsageError } from "./config.js";

export type ReportFormat = "html" | "csv" | "json";

export interface ReportOptions {
  output?: string;
  format?: string;
  since?: string;
  now?: () => Date;
}

export async function reportCommand(file: string, opts: ReportOptions): Promise<{ output: string; bytes: number }> {
  const format = parseFormat(opts.format, ["html", "csv", "json"]) as ReportFormat;
  const output = opts.output ?? defaultOutput(file, format);
  if (output !== "-") await checkOutputDir(output);
  const model = await asInput(() => loadAccessModel(file));
  const diff = opts.since ? await asInput(() => diffFiles(opts.since!, file)) : undefined;
  const now = (opts.now ?? (() => new Date()))();
  const chunks: Iterable<string> = format === "csv" ? csvChunks(model) : format === "json" ? jsonChunks(model, diff) : [renderHtml(toReportData(model, now, diff))];
  const bytes = output === "-" ? await writeStdout(chunks) : await writePrivate(output, chunks);
  return { output, bytes };
}

async function writeStdout(chunks: Iterable<string>): Promise<number> {
  let bytes = 0;
  for (const c of chunks) {
    bytes += Buffer.byteLength(c);
    if (!process.stdout.write(c)) await new Promise((r) => process.stdout.once("drain", r));
  }
  return bytes;
}

export async function diffCommand(oldFile: string, newFile: string, opts: { format?: string }): Promise<DiffResult> {
  const format = parseFormat(opts.format, ["text", "json"]);
  const diff = await asInput(() => diffFiles(oldFile, newFile));
  process.stdout.write(format === "json" ? `${JSON.stringify(diff, null, 2)}\n` : formatDiffText(diff));
  return diff;
}

function parseFormat(v: string | undefined, allowed: string[]): string {
  const f = v ?? allowed[0]!;
  if (!allowed.includes(f)) throw new UsageError(`--format must be one of ${allowed.join(", ")}, not "${f}"`);
  return f;
}

function defaultOutput(file: string, format: ReportFormat): string {
  const dir = path.dirname(file);
  return path.join(dir, `${path.basename(file).replace(/\.c1z$/i, "")}.${format}`);
}

/** A .c1z that cannot be read is bad input (exit 2), like a bad flag. */
async function asInput<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof C1zError) throw new UsageError(`${err.message}; pass a .c1z written by a sync`, { cause: err });
    throw err;
  }
}

async function checkOutputDir(output: string): Promise<void> {
  const dir = path.dirname(path.resolve(output));
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`cannot write ${output}: directory ${dir} does not exist (create it first or pass another -o)`);
  const target = await stat(output).catch(() => undefined);
  if (target?.isDirectory()) throw new UsageError(`cannot write ${output}: it is a directory; pass a file path such as report.html`);
}

/** The report holds people's data: 0600, written beside the target and renamed, so it is never half-written. */
async function writePrivate(output: string, chunks: Iterable<string>): Promise<number> {
  const tmp = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let fh: FileHandle | undefined;
  let bytes = 0;
  try {
    fh = await open(tmp, "wx", 0o600);
    for (const c of chunks) {
      const b = Buffer.from(c);
      bytes += b.length;
      await fh.write(b);
    }
    await fh.close();
    fh = undefined;
    await rename(tmp, output);
    return bytes;
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw new UsageError(`cannot write ${output}: ${(err as Error).message}`, { cause: err });
  }
}
