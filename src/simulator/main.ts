#!/usr/bin/env node
/**
 * Standalone LangSmith simulator: `npm run simulator -- --users 200 --workspaces 12`.
 * Prints its URL, org id, keys and a ground-truth summary, then serves until SIGINT/SIGTERM.
 */
import { runCli } from "./cli.js";

void runCli(process.argv.slice(2));
