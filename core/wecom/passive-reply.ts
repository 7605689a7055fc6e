import type { CallbackMessage } from './callback-messages.js';

/**
 * Passive replies (path/90241) within one process: the callback route waits a bounded time for the
 * handler of the callback it just stored to offer a text reply, and answers WeCom with it; a reply
 * offered too late (or by a handler in another process) is refused, and the handler sends it with
 * message/send instead. Keyed by the callback's dedupe key, which the route knows before storing it.
 * Off until a consumer (the bot) enables it, so a process without one acks at once as before.
 */
export function createPassiveReplies() {
  const waiting = new Map<string, (content: string | undefined) => void>();
  let budgetMs = 0;
  let accepts: (m: CallbackMessage) => boolean = () => false;
  return {
    /**
     * Turns waiting on for the callbacks `which` selects: the route will wait up to `ms` for a reply
     * (keep it well under WeCom's 5 s).
     */
    enable(ms: number, which: (m: CallbackMessage) => boolean): void {
      budgetMs = ms;
      accepts = which;
    },
    /** True when the route should wait for a reply to `m`. */
    wants(m: CallbackMessage): boolean {
      return budgetMs > 0 && accepts(m);
    },
    /**
     * Registers interest in a reply for `key` before the callback is stored (so a fast handler cannot
     * finish first). `result` resolves with the content, or undefined after the budget or `cancel()`.
     */
    expect(key: string): { result: Promise<string | undefined>; cancel(): void } {
      let settle: (v: string | undefined) => void = () => undefined;
      const result = new Promise<string | undefined>((resolve) => {
        settle = resolve;
      });
      const timer = setTimeout(() => finish(undefined), budgetMs);
      const finish = (v: string | undefined) => {
        clearTimeout(timer);
        if (waiting.get(key) === take) waiting.delete(key);
        settle(v);
      };
      const take = (content: string | undefined) => finish(content);
      waiting.set(key, take);
      return { result, cancel: () => finish(undefined) };
    },
    /** A handler's reply for `key`: true when a waiting request took it (then nothing else may send it). */
    offer(key: string, content: string): boolean {
      const take = waiting.get(key);
      if (!take) return false;
      take(content);
      return true;
    },
    /** The handler will not reply passively: let the request answer now instead of at the budget. */
    release(key: string): void {
      waiting.get(key)?.(undefined);
    },
  };
}
export type PassiveReplies = ReturnType<typeof createPassiveReplies>;
