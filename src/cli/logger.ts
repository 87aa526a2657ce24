import { redact } from "../langsmith/index.js";
import type { LogFormat, LogLevel } from "./config.js";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface CliLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  readonly level: LogLevel;
  readonly format: LogFormat;
}

/**
 * Logs to stderr as JSON lines (like Baton's zap production logger) or as readable console lines.
 * Every line passes through redact(), whatever the caller put in it.
 */
export function createLogger(level: LogLevel, format: LogFormat, write: (line: string) => void = (l) => process.stderr.write(l)): CliLogger {
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    let line: string;
    if (format === "json") {
      line = JSON.stringify({ level: lvl, ts: new Date().toISOString(), msg, ...fields });
    } else {
      const extras = fields ? Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`) : [];
      line = `${lvl.toUpperCase().padEnd(5)} ${msg}${extras.length ? `  ${extras.join(" ")}` : ""}`;
    }
    write(`${redact(line)}\n`);
  };
  return {
    level,
    format,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}
