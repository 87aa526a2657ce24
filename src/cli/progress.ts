import type { SyncProgress } from "../baton/sync/types.js";
import { type Clock, realClock } from "../common/clock.js";

const PHASE_LABEL: Record<SyncProgress["phase"], string> = {
  "resource-types": "resource types",
  resources: "resources",
  entitlements: "entitlements",
  grants: "grants",
  done: "done",
};

/**
 * A live progress line on a terminal: one line per phase, rewritten in place at most every 100 ms,
 * then left behind when the phase ends.
 */
export class ProgressLine {
  private lastPhase?: string;
  private lastDraw = 0;
  private width = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly requests: () => number,
    /** Times the redraw throttle. */
    private readonly clock: Clock = realClock,
  ) {}

  update(p: SyncProgress): void {
    if (p.phase === "resource-types") return; // instantaneous: nothing worth a line
    const now = this.clock.now();
    const phaseChanged = p.phase !== this.lastPhase;
    if (phaseChanged && this.lastPhase !== undefined) this.stream.write("\n");
    if (p.phase === "done") {
      this.lastPhase = undefined;
      return;
    }
    // Throttled, except a phase's first and closing states, so each line ends with the phase's totals.
    if (!phaseChanged && p.callsPending > 0 && now - this.lastDraw < 100) return;
    this.lastPhase = p.phase;
    this.lastDraw = now;
    const c = p.counts;
    const text = `${PHASE_LABEL[p.phase].padEnd(14)} resources ${c.resources}  entitlements ${c.entitlements}  grants ${c.grants}  calls ${p.callsDone}/${p.callsDone + p.callsPending}  requests ${this.requests()}`;
    this.stream.write(`\r${text.padEnd(this.width)}`);
    this.width = text.length;
  }

  end(): void {
    if (this.lastPhase !== undefined) this.stream.write("\n");
    this.lastPhase = undefined;
  }
}
