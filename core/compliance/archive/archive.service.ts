import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger.js';
import type { UserRepository } from '../../user/user.repository.js';
import type { ComplianceRepository } from '../compliance.repository.js';
import type { ComplianceService } from '../compliance.service.js';
import { ArchiveKeyError, type ArchiveKeyring } from './archive.keyring.js';
import type { ArchiveRepository } from './archive.repository.js';
import {
  ArchiveMessageFormatError,
  ChatArchiveSdkError,
  isExternalId,
  parseArchivedMessage,
  type ArchivedMessage,
  type ChatArchiveSdk,
  type ChatDataRecord,
} from './archive.sdk.js';

/**
 * Links archived messages to people: the customer behind an external_userid and, when given, the
 * Qibao user behind a member's userid (otherwise `users.findUserByWecomId`). `createArchiveLookup`
 * (archive.lookup.ts) is the production implementation.
 */
export interface CustomerLookup {
  findIdByExternalUserId(externalUserId: string): Promise<string | undefined>;
  findAgentByWecomUserId?(wecomUserId: string): Promise<{ id: string; wecomUserId: string } | undefined>;
}

export interface PullResult {
  status: 'ok' | 'busy' | 'error';
  fetched: number;
  stored: number;
  duplicates: number;
  failed: number;
  hits: number;
  /** The checkpoint after the pull. */
  seq: number;
  error?: string;
}

export interface ArchiveStaleness {
  stale: boolean;
  lastSuccessAt: Date | undefined;
  hoursSinceSuccess: number;
  alerted: boolean;
}

const DAY_MS = 24 * 3600 * 1000;
const shanghaiDate = (d: Date) => new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);

/**
 * Chat-archive ingestion: pulls records after the persisted seq checkpoint, decrypts them (our RSA
 * step, then the SDK's DecryptData), links them to agent and customer, stores them once per msgid and
 * scans what agents wrote. Triggered by `msgaudit_notify` and by a periodic pull (the job scheduler
 * calls `pull` and `checkStaleness`); WeCom keeps data only 5 days, so a stalled pull raises an alert.
 *
 * Crash safety: the checkpoint advances only after a whole batch is processed; a restart re-reads that
 * batch, and msgid dedupe (messages) plus source:msgid:rule dedupe (hits) keep it from repeating.
 */
export function createChatArchiveService(deps: {
  sdk: ChatArchiveSdk;
  keyring: ArchiveKeyring;
  archive: ArchiveRepository;
  complianceRepo: ComplianceRepository;
  compliance: ComplianceService;
  users: UserRepository;
  customers?: CustomerLookup | undefined;
  clock: () => Date;
  logger: Logger;
  /** One checkpoint per corp. */
  key?: string;
  batchLimit?: number;
  maxBatchesPerPull?: number;
  leaseMs?: number;
  staleAfterHours: number;
}) {
  const { sdk, keyring, archive, compliance, users, clock, logger } = deps;
  const key = deps.key ?? 'default';
  const limit = Math.min(deps.batchLimit ?? 1000, 1000);
  const maxBatches = deps.maxBatchesPerPull ?? 50;
  const leaseMs = deps.leaseMs ?? 10 * 60 * 1000;
  const log = logger.child({ component: 'chat-archive' });

  async function link(m: ArchivedMessage) {
    const participants = [m.from, ...m.tolist].filter((x): x is string => Boolean(x));
    let agent: { id: string; wecomUserId: string } | undefined;
    let agentWecomUserId: string | undefined;
    let externalUserId: string | undefined;
    for (const p of participants) {
      if (isExternalId(p)) {
        // Robots (wb…) are not customers.
        if (!externalUserId && !p.startsWith('wb')) externalUserId = p;
        continue;
      }
      if (!agent) {
        const user = deps.customers?.findAgentByWecomUserId
          ? await deps.customers.findAgentByWecomUserId(p)
          : await users.findUserByWecomId(p);
        if (user) agent = user;
        else agentWecomUserId ??= p;
      }
    }
    const fromStaff = m.from !== undefined && !isExternalId(m.from);
    const customerId =
      externalUserId && deps.customers
        ? await deps.customers.findIdByExternalUserId(externalUserId)
        : undefined;
    return {
      agentId: agent?.id,
      agentWecomUserId: agent?.wecomUserId ?? agentWecomUserId,
      externalUserId,
      customerId,
      fromStaff,
    };
  }

  async function failure(r: ChatDataRecord, reason: string, detail: string) {
    await archive.recordFailure(r, reason);
    log.warn(
      { seq: r.seq, msgid: r.msgid, publickeyVer: r.publickey_ver, reason },
      'archive record not decrypted',
    );
    await deps.complianceRepo.insertAlert({
      kind: 'archive_decrypt_failed',
      severity: 'info',
      title: `会话存档：有消息无法解密（密钥版本 ${r.publickey_ver}）`,
      body: `${detail}。请在 WECOM_ARCHIVE_PRIVATE_KEYS_DIR 中放入该版本的私钥（${r.publickey_ver}.pem）后重试，失败记录已保存。`,
      hitIds: [],
      // One alert per key version per day, not one per message.
      dedupeKey: `archive-decrypt:${key}:${r.publickey_ver}:${reason}:${shanghaiDate(clock())}`,
    });
  }

  /** Decrypts, links, scans and stores one record. Returns what happened to it. */
  async function processRecord(
    r: ChatDataRecord,
    known?: ReadonlySet<string>,
  ): Promise<'stored' | 'duplicate' | 'failed' | { hits: number }> {
    if (known ? known.has(r.msgid) : await archive.messageExists(r.msgid)) return 'duplicate';
    let message: ArchivedMessage;
    try {
      const randomKey = keyring.decryptRandomKey(r.publickey_ver, r.encrypt_random_key);
      message = parseArchivedMessage(await sdk.decryptData(randomKey, r.encrypt_chat_msg));
    } catch (err) {
      if (err instanceof ArchiveKeyError) {
        await failure(
          r,
          err.reason,
          err.reason === 'unknown_key_version'
            ? `没有密钥版本 ${r.publickey_ver} 的私钥`
            : `密钥版本 ${r.publickey_ver} 的私钥无法解开随机密钥`,
        );
        return 'failed';
      }
      if (err instanceof ChatArchiveSdkError || err instanceof ArchiveMessageFormatError) {
        await failure(r, 'decrypt_failed', `DecryptData 失败：${(err as Error).message}`);
        return 'failed';
      }
      throw err;
    }
    const linked = await link(message);
    let hits = 0;
    // Scan before storing: if the process dies in between, the re-read scans again (hits dedupe by
    // msgid) instead of skipping a stored but unscanned message.
    if (linked.fromStaff && message.action === 'send' && message.text) {
      const outcome = await compliance.scanArchivedMessage({
        sourceRef: message.msgid,
        text: message.text,
        occurredAt: message.msgtime ?? clock(),
        agentId: linked.agentId,
        agentWecomUserId: linked.agentWecomUserId,
        customerId: linked.customerId,
        externalUserId: linked.externalUserId,
      });
      hits = outcome.hits.length;
    }
    const inserted = await archive.insertMessage({
      msgid: message.msgid,
      seq: r.seq,
      action: message.action,
      from: message.from,
      tolist: message.tolist,
      roomid: message.roomid,
      msgtime: message.msgtime,
      msgtype: message.msgtype,
      text: message.text,
      ...linked,
      publickeyVer: r.publickey_ver,
      hitCount: hits,
    });
    if (!inserted) return 'duplicate';
    return hits > 0 ? { hits } : 'stored';
  }

  const service = {
    /**
     * Pulls everything after the checkpoint (in batches of ≤ 1000, at most `maxBatchesPerPull`).
     * Returns 'busy' when another pull holds the lease; never throws for SDK or decrypt problems.
     */
    async pull(): Promise<PullResult> {
      const owner = randomUUID();
      const result: PullResult = {
        status: 'ok',
        fetched: 0,
        stored: 0,
        duplicates: 0,
        failed: 0,
        hits: 0,
        seq: 0,
      };
      if (!(await archive.acquireLease(key, owner, clock(), leaseMs))) {
        result.status = 'busy';
        result.seq = (await archive.checkpoint(key)).seq;
        return result;
      }
      try {
        let seq = (await archive.checkpoint(key)).seq;
        for (let batch = 0; batch < maxBatches; batch++) {
          const records = [...(await sdk.getChatData(seq, limit))].sort((a, b) => a.seq - b.seq);
          if (records.length === 0) break;
          result.fetched += records.length;
          // A msgid stored after this read (another pull) still lands once: the unique index decides.
          const known = await archive.storedMsgids(records.map((r) => r.msgid));
          for (const r of records) {
            const outcome = await processRecord(r, known);
            if (outcome === 'duplicate') result.duplicates++;
            else if (outcome === 'failed') result.failed++;
            else {
              result.stored++;
              if (typeof outcome === 'object') result.hits += outcome.hits;
            }
          }
          const maxSeq = records[records.length - 1]?.seq ?? seq;
          await archive.advance(key, maxSeq);
          seq = Math.max(seq, maxSeq);
          if (records.length < limit) break;
        }
        result.seq = seq;
        await archive.markPull(key, clock(), undefined);
        log.info({ ...result }, 'chat archive pulled');
        return result;
      } catch (err) {
        const message =
          err instanceof ChatArchiveSdkError
            ? `${err.operation} ${err.code}: ${err.message}`
            : (err as Error).message;
        await archive.markPull(key, clock(), message);
        log.error({ err }, 'chat archive pull failed');
        return { ...result, status: 'error', error: message, seq: (await archive.checkpoint(key)).seq };
      } finally {
        await archive.releaseLease(key, owner);
      }
    },

    /** The `msgaudit_notify` callback event: pull now (the periodic pull catches anything missed). */
    async onMsgauditNotify(): Promise<PullResult> {
      return service.pull();
    },

    /**
     * Raises an alert (once per Shanghai day) when no pull has succeeded for `staleAfterHours`.
     * WeCom deletes archive data after 5 days, so a silent stall loses evidence.
     */
    async checkStaleness(): Promise<ArchiveStaleness> {
      const cp = await archive.checkpoint(key);
      const now = clock();
      const since = cp.lastSuccessAt ?? cp.createdAt;
      const hours = (now.getTime() - since.getTime()) / 3600_000;
      const stale = hours >= deps.staleAfterHours;
      let alerted = false;
      if (stale) {
        const daysLeft = Math.max(0, 5 - (now.getTime() - since.getTime()) / DAY_MS);
        const alert = await deps.complianceRepo.insertAlert({
          kind: 'archive_stalled',
          severity: 'block',
          title: `会话存档已 ${Math.floor(hours)} 小时未成功拉取`,
          body:
            `最后一次成功拉取：${cp.lastSuccessAt ? cp.lastSuccessAt.toISOString() : '从未'}；` +
            `${cp.lastError ? `最近错误：${cp.lastError}；` : ''}企业微信只保留 5 天数据，约 ${daysLeft.toFixed(1)} 天后开始丢失，请尽快处理。`,
          hitIds: [],
          dedupeKey: `archive-stalled:${key}:${shanghaiDate(now)}`,
        });
        alerted = alert !== undefined;
        if (alerted) log.warn({ hoursSinceSuccess: Math.floor(hours) }, 'chat archive pull stalled');
      }
      return { stale, lastSuccessAt: cp.lastSuccessAt, hoursSinceSuccess: hours, alerted };
    },

    /** Retries records that could not be decrypted (e.g. after the missing private key was added). */
    async retryFailures(max = 500): Promise<{ retried: number; recovered: number }> {
      const open = await archive.openFailures(max);
      let recovered = 0;
      for (const f of open) {
        const outcome = await processRecord(f);
        if (outcome !== 'failed') {
          await archive.resolveFailure(f.msgid, clock());
          recovered++;
        }
      }
      return { retried: open.length, recovered };
    },

    async status() {
      const cp = await archive.checkpoint(key);
      return {
        seq: cp.seq,
        lastPullAt: cp.lastPullAt,
        lastSuccessAt: cp.lastSuccessAt,
        lastError: cp.lastError,
        openFailures: await archive.countOpenFailures(),
        keyVersions: keyring.versions(),
      };
    },
  };
  return service;
}
export type ChatArchiveService = ReturnType<typeof createChatArchiveService>;
