// Runs the engine core in real time: each step's simulated duration elapses on the wall clock,
// scaled by `timeScale` (0.1 = ten times faster). Simulated time follows the wall clock while
// the engine is idle; when the host cannot keep up, steps run back to back and simulated time
// stays exact while falling behind the wall clock.
import { performance } from 'node:perf_hooks';
import type { EngineCore } from './scheduler';

export class RealtimeDriver {
  private readonly t0 = performance.now();
  private simNow = 0;
  private stepEnd = 0;
  private active = false;
  private stopped = false;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** Wall time spent in the scheduler's synchronous work (planning, sampling, emitting), ms. */
  busyWallMs = 0;

  constructor(
    private readonly core: EngineCore,
    private readonly timeScale: number,
  ) {
    if (!(timeScale > 0)) throw new Error('timeScale must be > 0');
  }

  private wallToSim(): number {
    return (performance.now() - this.t0) / this.timeScale;
  }

  /** Simulated time now, as seen by a request that arrives now. */
  now(): number {
    if (!this.active) return Math.max(this.simNow, this.wallToSim());
    return Math.min(Math.max(this.wallToSim(), this.simNow), this.stepEnd);
  }

  /** Simulated time the engine has reached. */
  simulatedMs(): number {
    return this.active ? this.simNow : Math.max(this.simNow, this.wallToSim());
  }

  /** Starts stepping if the engine was idle. Call after adding a request. */
  kick(): void {
    if (this.active || this.stopped) return;
    this.active = true;
    this.simNow = Math.max(this.simNow, this.wallToSim());
    this.step();
  }

  stop(): void {
    this.stopped = true;
    this.active = false;
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
  }

  private step(): void {
    const started = performance.now();
    const plan = this.core.schedule(this.simNow);
    if (!plan) {
      this.active = false;
      this.busyWallMs += performance.now() - started;
      return;
    }
    this.stepEnd = this.simNow + plan.durationMs;
    const now = performance.now();
    this.busyWallMs += now - started;
    const delay = this.t0 + this.stepEnd * this.timeScale - now;
    this.timer = delay >= 1 ? setTimeout(this.finish, delay) : setImmediate(this.finish);
  }

  private readonly finish = () => {
    this.timer = undefined;
    if (this.stopped) return;
    const started = performance.now();
    this.simNow = this.stepEnd;
    this.core.complete(this.simNow);
    this.busyWallMs += performance.now() - started;
    this.step();
  };
}
