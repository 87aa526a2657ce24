// What the daemon tells ConductorOne about the machine it runs on and the build it runs.
import { existsSync, readFileSync } from "node:fs";
import { hostname, machine, release } from "node:os";

export interface OsInfo {
  hostname: string;
  os: string;
  platform: string;
  platformVersion: string;
  platformFamily: string;
  kernelVersion: string;
  kernelArch: string;
  virtualizationSystem: string;
}

/** BATON_HOST_ID if set at all (even empty), else the host name; "baton-sdk" if that is empty. */
export function resolveHostId(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.BATON_HOST_ID !== undefined ? env.BATON_HOST_ID : hostname();
  return value === "" ? "baton-sdk" : value;
}

export function osInfo(): OsInfo {
  const rel = readOsRelease();
  const kernelVersion = release() || "unknown";
  const platform = rel.ID || (process.platform === "win32" ? "windows" : process.platform);
  return {
    hostname: hostname() || "unknown",
    os: process.platform === "win32" ? "windows" : process.platform,
    platform,
    platformVersion: rel.VERSION_ID || kernelVersion,
    platformFamily: (rel.ID_LIKE ?? "").split(/\s+/).filter(Boolean)[0] || platform,
    kernelVersion,
    kernelArch: machine() || process.arch,
    virtualizationSystem: existsSync("/.dockerenv") ? "docker" : "none",
  };
}

function readOsRelease(): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const line of readFileSync("/etc/os-release", "utf8").split("\n")) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, "$1");
    }
    return out;
  } catch {
    return {};
  }
}
