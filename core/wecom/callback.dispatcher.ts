import type { Logger } from '../logger.js';
import type { CallbackEvent, CallbackMessage } from './callback-messages.js';
import { dedupeKeyOf, typeLabel } from './callback-messages.js';
import type { CallbackRepository } from './callback.repository.js';

/** What a handler knows besides the message. */
export interface CallbackContext {
  callbackId: string;
  receivedAt: Date;
  /** 1 on the first run; higher when a failure or a crash made the dispatcher run it again. */
  attempt: number;
  log: Logger;
}

type Handler<M> = (message: M, ctx: CallbackContext) => Promise<void>;
type Kind = CallbackMessage['kind'];
type EventName = CallbackEvent['event'];

interface Registration {
  name: string;
  matches(m: CallbackMessage): boolean;
  handle: Handler<CallbackMessage>;
}

/**
 * Where the bot, leads and compliance subscribe to callbacks. Handler names are unique and are
 * recorded when a handler finishes, so after a crash or a failure only unfinished handlers run again
 * (handlers must still tolerate running twice: a crash can land between the work and the record).
 */
export function createCallbackRegistry() {
  const registrations: Registration[] = [];
  const add = (r: Registration) => {
    if (registrations.some((x) => x.name === r.name))
      throw new Error(`callback handler "${r.name}" registered twice`);
    registrations.push(r);
  };
  return {
    /** Messages of one kind (`text`, `image`, …; `event` for every event). */
    onMessage<K extends Kind>(
      kind: K,
      name: string,
      handle: Handler<Extract<CallbackMessage, { kind: K }>>,
    ): void {
      add({ name, matches: (m) => m.kind === kind, handle: handle as Handler<CallbackMessage> });
    },
    /** One event (`change_external_contact`, `template_card_event`, …), optionally one ChangeType. */
    onEvent<E extends EventName>(
      event: E,
      name: string,
      handle: Handler<Extract<CallbackEvent, { event: E }>>,
      opts: { changeType?: string } = {},
    ): void {
      add({
        name,
        matches: (m) =>
          m.kind === 'event' &&
          m.event === event &&
          (opts.changeType === undefined ||
            (m.event === 'change_external_contact' && m.changeType === opts.changeType)),
        handle: handle as Handler<CallbackMessage>,
      });
    },
    /** Every callback (audit, metrics). */
    onAny(name: string, handle: Handler<CallbackMessage>): void {
      add({ name, matches: () => true, handle });
    },
    handlersFor(m: CallbackMessage): Registration[] {
      return registrations.filter((r) => r.matches(m));
    },
    names(): string[] {
      return registrations.map((r) => r.name);
    },
  };
}
export type CallbackRegistry = ReturnType<typeof createCallbackRegistry>;

export interface CallbackDispatcherDeps {
  callbacks: CallbackRepository;
  registry: CallbackRegistry;
  logger: Logger;
  clock: () => Date;
  /** How long a claimed callback stays with one process before another may take it over. */
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before attempt n+1 after a failure. */
  retryDelayMs?: (attempt: number) => number;
  /** Period of the sweep that picks up due and orphaned callbacks. */
  sweepIntervalMs?: number;
}

/**
 * Persist first, then ack, then work: `accept` stores the callback (idempotently) and returns; the
 * handlers run afterwards in this process if the dispatcher is started, and the sweep finds anything
 * left pending, failed-but-retryable or orphaned by a process that died after the ack.
 */
export function createCallbackDispatcher(deps: CallbackDispatcherDeps) {
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxAttempts = deps.maxAttempts ?? 5;
  const retryDelayMs = deps.retryDelayMs ?? ((attempt: number) => Math.min(2 ** attempt * 1000, 10 * 60_000));
  const sweepIntervalMs = deps.sweepIntervalMs ?? 15_000;
  const log = deps.logger.child({ component: 'wecom-callbacks' });
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const inFlight = new Set<Promise<void>>();

  async function processOne(id: string): Promise<'done' | 'failed' | 'skipped'> {
    const now = deps.clock();
    const record = await deps.callbacks.claim(id, now, leaseMs, maxAttempts);
    if (!record) return 'skipped';
    const ctx: CallbackContext = {
      callbackId: record.id,
      receivedAt: record.receivedAt,
      attempt: record.attempts,
      log: log.child({ callbackId: record.id, type: record.type }),
    };
    for (const h of deps.registry.handlersFor(record.message)) {
      if (record.doneHandlers.includes(h.name)) continue;
      try {
        await h.handle(record.message, ctx);
        await deps.callbacks.markHandlerDone(record.id, h.name);
      } catch (err) {
        const retryAt =
          record.attempts < maxAttempts
            ? new Date(deps.clock().getTime() + retryDelayMs(record.attempts))
            : undefined;
        ctx.log.warn(
          { err, handler: h.name, attempt: record.attempts, willRetry: Boolean(retryAt) },
          'callback handler failed',
        );
        await deps.callbacks.markFailed(record.id, `${h.name}: ${(err as Error).message}`, retryAt);
        return 'failed';
      }
    }
    await deps.callbacks.markDone(record.id, deps.clock());
    return 'done';
  }

  function track(p: Promise<unknown>): void {
    const settled = p.then(
      () => undefined,
      (err: unknown) => log.error({ err }, 'callback processing crashed'),
    );
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  }

  async function sweep(): Promise<number> {
    const exhausted = await deps.callbacks.failExhausted(deps.clock(), maxAttempts);
    if (exhausted > 0)
      log.error({ count: exhausted }, 'callbacks failed: their handlers died on every attempt');
    const ids = await deps.callbacks.listDue(deps.clock(), maxAttempts, 100);
    for (const id of ids) await processOne(id);
    return ids.length;
  }

  return {
    /** Stores the callback; resolves once it is durable. Safe to call again with the same message. */
    async accept(message: CallbackMessage, xml: string): Promise<{ id: string; duplicate: boolean }> {
      const stored = await deps.callbacks.insertOnce({
        dedupeKey: dedupeKeyOf(message),
        type: typeLabel(message),
        message,
        xml,
        receivedAt: deps.clock(),
      });
      if (!stored.duplicate && running) track(processOne(stored.id));
      return stored;
    },
    /** Runs one stored callback now (tests, and the sweep). */
    processOne,
    /** Processes everything due or orphaned; returns how many it looked at. */
    sweep,
    /** Starts in-process handling and the periodic sweep (only in processes that registered handlers). */
    start(): void {
      if (running) return;
      running = true;
      track(sweep());
      timer = setInterval(() => track(sweep()), sweepIntervalMs);
      timer.unref();
    },
    /** Stops the sweep and waits for handlers in flight. */
    async stop(): Promise<void> {
      running = false;
      if (timer) clearInterval(timer);
      await Promise.all([...inFlight]);
    },
    /** Waits for the handlers started so far (tests). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
export type CallbackDispatcher = ReturnType<typeof createCallbackDispatcher>;
