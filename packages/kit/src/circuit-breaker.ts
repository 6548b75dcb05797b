import { trace } from '@opentelemetry/api';
import { DependencyUnavailable } from './errors';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failed calls that open the circuit. */
  failureThreshold?: number;
  /** How long it stays open before one trial call is let through. */
  openMs?: number;
  now?: () => number;
  /** Which errors count against the dependency (default: DependencyUnavailable only). */
  isFailure?: (err: unknown) => boolean;
}

/**
 * Fails fast while a dependency keeps failing, instead of making every caller wait for its
 * timeout: closed → (threshold consecutive failures) → open → (openMs) → half-open → one trial
 * call decides closed or open again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;
  private readonly isFailure: (err: unknown) => boolean;

  constructor(
    readonly dependency: string,
    options: BreakerOptions = {},
  ) {
    this.threshold = options.failureThreshold ?? 5;
    this.openMs = options.openMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.isFailure = options.isFailure ?? ((err) => err instanceof DependencyUnavailable);
  }

  get state(): BreakerState {
    if (this.failures < this.threshold) return 'closed';
    return this.now() - this.openedAt >= this.openMs ? 'half-open' : 'open';
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const state = this.state;
    const span = trace.getActiveSpan();
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      span?.addEvent('circuit_breaker.rejected', {
        'circuit_breaker.dependency': this.dependency,
        'circuit_breaker.state': state,
      });
      throw new DependencyUnavailable(this.dependency, 'circuit open after repeated failures; not called');
    }
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    try {
      const result = await call();
      this.failures = 0;
      return result;
    } catch (err) {
      if (this.isFailure(err)) {
        this.failures = trial ? this.threshold : this.failures + 1;
        if (this.failures >= this.threshold && (trial || this.failures === this.threshold)) {
          this.openedAt = this.now();
          span?.addEvent('circuit_breaker.opened', { 'circuit_breaker.dependency': this.dependency });
        }
      } else {
        this.failures = 0;
      }
      throw err;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }
}
