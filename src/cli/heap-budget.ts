import v8 from "node:v8";
import vm from "node:vm";

/**
 * Keeps the heap near what a sync really holds. A sync parses hundreds of megabytes of member JSON that
 * die young, and V8 grows the heap lazily instead of collecting, so RSS would track the throughput rather
 * than the live data. After each finished call, if the heap passed its budget, this collects; the budget
 * then becomes twice what survived, so a large org is never collected over and over.
 */
export function createHeapBudget(initialBytes = 96 * 1024 * 1024): () => void {
  const gc = exposeGc();
  if (!gc) return () => {};
  let budget = initialBytes;
  return () => {
    if (process.memoryUsage().heapUsed <= budget) return;
    gc();
    budget = Math.max(initialBytes, 2 * process.memoryUsage().heapUsed);
  };
}

function exposeGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
