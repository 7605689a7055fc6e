import { AppError } from '../errors.js';
import type { TimeDeps } from './api-transport.js';

/**
 * The member's budget is used up for longer than the caller was willing to wait. Nothing was reserved
 * and nothing sent; a queue-based caller reschedules after `retryAfterMs`.
 */
export class MemberPacingError extends AppError {
  readonly retryAfterMs: number;
  constructor(members: readonly string[], retryAfterMs: number) {
    super('WECOM_RATE_LIMITED', `per-member limit: next slot in ${retryAfterMs} ms`, {
      userMessage: '发送给该成员的消息过于频繁，请稍后再试',
      details: { members: members.length, retryAfterMs },
    });
    this.name = 'MemberPacingError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** WeCom's per-member app-message limits (path/90312): over them, messages are dropped silently. */
export const MEMBER_LIMITS = [
  { windowMs: 60_000, max: 30 },
  { windowMs: 3_600_000, max: 1000 },
] as const;

/**
 * Per-member pacing for message/send. Each send reserves a time slot for every recipient such that no
 * member ever has more than 30 sends in any 60 s (and 1000 in any hour); the caller then waits until
 * its slot. Reservation is synchronous, so concurrent senders in this process cannot both take the
 * last slot. The windows are sliding, which is stricter than (and so safe for) a calendar minute.
 *
 * Scope: one process. Qibao sends app messages from one worker; a second sending process would need
 * its own share of the budget.
 */
export function createMemberPacer(
  deps: TimeDeps,
  limits: readonly { windowMs: number; max: number }[] = MEMBER_LIMITS,
) {
  const sent = new Map<string, number[]>();
  const longest = Math.max(...limits.map((l) => l.windowMs));

  /** Earliest time ≥ `from` at which `member` can take one more send. */
  function earliest(member: string, from: number): number {
    const times = sent.get(member) ?? [];
    let t = Math.max(from, times[times.length - 1] ?? from);
    for (let changed = true; changed;) {
      changed = false;
      for (const { windowMs, max } of limits) {
        const inWindow = times.filter((x) => x > t - windowMs && x <= t);
        if (inWindow.length >= max) {
          // The slot frees when the oldest of the last `max` sends leaves the window.
          t = (inWindow[inWindow.length - max] ?? t) + windowMs;
          changed = true;
        }
      }
    }
    return t;
  }

  return {
    /**
     * Reserves one send to each of `members` and resolves when it may go out. With `maxWaitMs`, a slot
     * further away than that is not taken: MemberPacingError (WECOM_RATE_LIMITED) says when to retry.
     */
    async acquire(members: readonly string[], opts: { maxWaitMs?: number } = {}): Promise<void> {
      const now = deps.clock().getTime();
      const unique = [...new Set(members)];
      const at = Math.max(now, ...unique.map((m) => earliest(m, now)));
      if (opts.maxWaitMs !== undefined && at - now > opts.maxWaitMs)
        throw new MemberPacingError(unique, at - now);
      for (const m of unique) {
        const times = (sent.get(m) ?? []).filter((x) => x > now - longest);
        times.push(at);
        sent.set(m, times);
      }
      if (at > now) await deps.sleep(at - now);
    },
    /** How many sends `member` has in the last minute (tests, inspector). */
    recent(member: string): number {
      const now = deps.clock().getTime();
      return (sent.get(member) ?? []).filter((x) => x > now - 60_000 && x <= now).length;
    },
  };
}
export type MemberPacer = ReturnType<typeof createMemberPacer>;
