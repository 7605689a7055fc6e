import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ArchiveKeyError,
  createArchiveKeyring,
  loadArchiveKeyring,
  type ArchiveKeyring,
} from '#core/compliance/archive/archive.keyring';
import { createArchiveRepository } from '#core/compliance/archive/archive.repository';
import { createChatArchiveService, type CustomerLookup } from '#core/compliance/archive/archive.service';
import { createComplianceRepository } from '#core/compliance/compliance.repository';
import { createComplianceService } from '#core/compliance/compliance.service';
import { silentLogger } from '#core/logger';
import { createUserRepository } from '#core/user/user.repository';
import { orgFactory } from '../factories/org.js';
import { useTestDatabase } from '../setup/test-db.js';
import { FakeChatArchive, generateArchiveKeyPair, textMessage } from './fake-chat-archive.js';

const db = useTestDatabase();
const org = orgFactory(db);

let v1: { privatePem: string; publicPem: string };
let v2: { privatePem: string; publicPem: string };
beforeAll(() => {
  v1 = generateArchiveKeyPair();
  v2 = generateArchiveKeyPair();
});

const suffix = () => randomBytes(4).toString('hex');

describe('archive keyring (the RSA step, PKCS#1 v1.5, 2048-bit)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'qibao-archive-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('when OpenSSL encrypts a random key with PKCS#1 v1.5 under a generated key, then our code decrypts it', () => {
    const priv = path.join(dir, 'openssl-private.pem');
    const pub = path.join(dir, 'openssl-public.pem');
    const plain = path.join(dir, 'random-key');
    const sealed = path.join(dir, 'random-key.enc');
    execFileSync('openssl', ['genrsa', '-out', priv, '2048'], { stdio: 'ignore' });
    execFileSync('openssl', ['rsa', '-in', priv, '-pubout', '-out', pub], { stdio: 'ignore' });
    const randomKey = randomBytes(16).toString('hex');
    writeFileSync(plain, randomKey);
    execFileSync('openssl', [
      'pkeyutl',
      '-encrypt',
      '-pubin',
      '-inkey',
      pub,
      '-pkeyopt',
      'rsa_padding_mode:pkcs1',
      '-in',
      plain,
      '-out',
      sealed,
    ]);
    const encryptRandomKey = readFileSync(sealed).toString('base64');
    const keyring = createArchiveKeyring(new Map([[3, readFileSync(priv, 'utf8')]]));
    expect(keyring.decryptRandomKey(3, encryptRandomKey)).toBe(randomKey);

    // The same key as PKCS#8 (what Java tooling produces) works too.
    const pkcs8 = createPrivateKey(readFileSync(priv, 'utf8'))
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(createArchiveKeyring(new Map([[3, pkcs8]])).decryptRandomKey(3, encryptRandomKey)).toBe(randomKey);
  });

  test('when a record names a publickey_ver we have no key for, then an ArchiveKeyError says so', () => {
    const keyring = createArchiveKeyring(new Map([[1, v1.privatePem]]));
    const error = (() => {
      try {
        keyring.decryptRandomKey(7, Buffer.from('x').toString('base64'));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ArchiveKeyError);
    expect(error).toMatchObject({ reason: 'unknown_key_version', publickeyVer: 7 });
  });

  test('when the key of a version does not fit the ciphertext, then it is reported as rsa_decrypt_failed', () => {
    const archive = new FakeChatArchive(new Map([[1, v1.publicPem]]));
    archive.add(textMessage('m-wrong-key', 'zhangsan', 'wmCustomer000001', '你好', Date.now()));
    const keyring = createArchiveKeyring(new Map([[1, v2.privatePem]]));
    expect(() => keyring.decryptRandomKey(1, archive.records[0]!.encrypt_random_key)).toThrow(
      expect.objectContaining({ reason: 'rsa_decrypt_failed' }),
    );
  });

  test('when keys are loaded from a directory, then every <ver>.pem and v<ver>.pem is a version', () => {
    const keysDir = mkdtempSync(path.join(dir, 'keys-'));
    writeFileSync(path.join(keysDir, '1.pem'), v1.privatePem);
    writeFileSync(path.join(keysDir, 'v2.pem'), v2.privatePem);
    writeFileSync(path.join(keysDir, 'README.txt'), 'not a key');
    expect(loadArchiveKeyring(keysDir).versions()).toEqual([1, 2]);
  });

  test('when a key is not 2048-bit, then the keyring refuses it at start', () => {
    const short = createPrivateKey(
      execFileSync('openssl', ['genrsa', '1024'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(),
    )
      .export({ type: 'pkcs1', format: 'pem' })
      .toString();
    expect(() => createArchiveKeyring(new Map([[1, short]]))).toThrow(/2048/);
  });
});

describe('chat archive pull', () => {
  let now: Date;
  const clock = () => now;
  const customerIds = new Map<string, string>();
  const customers: CustomerLookup = { findIdByExternalUserId: async (id) => customerIds.get(id) };

  function archiveService(sdk: FakeChatArchive, keyring: ArchiveKeyring, key: string) {
    const models = db().models;
    const complianceRepo = createComplianceRepository(models);
    const users = createUserRepository(models);
    return createChatArchiveService({
      sdk,
      keyring,
      archive: createArchiveRepository(models),
      complianceRepo,
      compliance: createComplianceService({ repo: complianceRepo, users, clock }),
      users,
      customers,
      clock,
      logger: silentLogger(),
      key,
      // Small batches, so a pull crosses several GetChatData calls.
      batchLimit: 3,
      staleAfterHours: 24,
    });
  }

  beforeAll(() => {
    now = new Date('2026-11-20T02:00:00Z');
  });

  async function scenario() {
    const id = suffix();
    const agent = await org.user('agent', {}, { wecomUserId: `zhangsan_${id}` });
    const customerExternal = `wmCustomer${id}`;
    const customerId = '65b0000000000000000' + id.slice(0, 5);
    customerIds.set(customerExternal, customerId);
    const sdk = new FakeChatArchive(
      new Map([
        [1, v1.publicPem],
        [2, v2.publicPem],
      ]),
    );
    const keyring = createArchiveKeyring(
      new Map([
        [1, v1.privatePem],
        [2, v2.privatePem],
      ]),
    );
    const t0 = now.getTime();
    sdk.add(
      textMessage(`${id}-1`, agent.wecomUserId, customerExternal, '王先生您好，明天方便聊聊保单吗？', t0),
      1,
    );
    sdk.add(
      textMessage(`${id}-2`, customerExternal, agent.wecomUserId, '听说你们的产品保本保息？', t0 + 1000),
      1,
    );
    // Sent after a key rotation: version 2.
    sdk.add(
      textMessage(
        `${id}-3`,
        agent.wecomUserId,
        customerExternal,
        '对，保 本 保 息，稳赚不赔，放心买',
        t0 + 2000,
      ),
      2,
    );
    sdk.add(
      {
        msgid: `${id}-4`,
        action: 'send',
        from: agent.wecomUserId,
        tolist: [customerExternal],
        roomid: '',
        msgtime: t0 + 3000,
        msgtype: 'image',
        image: { md5sum: 'x', filesize: 1, sdkfileid: 'abc' },
      },
      2,
    );
    sdk.add({ msgid: `${id}-5`, action: 'switch', time: t0 + 4000, user: agent.wecomUserId }, 1);
    return { id, agent, customerExternal, customerId, sdk, keyring };
  }

  test('when records arrive, then they are decrypted, linked to agent and customer, stored once and agent text is scanned', async () => {
    const { id, agent, customerId, sdk, keyring } = await scenario();
    const key = `corp-${id}`;
    const result = await archiveService(sdk, keyring, key).pull();
    expect(result).toMatchObject({
      status: 'ok',
      fetched: 5,
      stored: 5,
      duplicates: 0,
      failed: 0,
      hits: 2,
      seq: 5,
    });
    expect(sdk.getChatDataCalls.map((c) => c.seq)).toEqual([0, 3]);

    const stored = await db()
      .models.ChatArchiveMessage.find({ msgid: new RegExp(`^${id}-`) })
      .sort({ seq: 1 })
      .lean();
    expect(stored).toHaveLength(5);
    expect(stored[2]).toMatchObject({ fromStaff: true, hitCount: 2, publickeyVer: 2 });
    expect(stored[2]?.agentId?.toString()).toBe(agent.id);
    expect(stored[2]?.customerId?.toString()).toBe(customerId);

    // The customer's question contains 保本保息 but customers are not the ones checked.
    const hits = await db()
      .models.ComplianceHit.find({ sourceRef: new RegExp(`^${id}-`) })
      .lean();
    expect(hits.map((h) => h.sourceRef)).toEqual([`${id}-3`, `${id}-3`]);
    expect(hits.map((h) => h.pattern).sort()).toEqual(['保本保息', '稳赚不赔']);
    expect(hits[0]).toMatchObject({ source: 'chat_archive', action: 'flagged', status: 'open' });
    expect(hits[0]?.agentId?.toString()).toBe(agent.id);
    expect(hits[0]?.teamId?.toString()).toBe(agent.teamId);
    expect(hits[0]?.customerId?.toString()).toBe(customerId);
    expect(hits[0]?.occurredAt.getTime()).toBe(now.getTime() + 2000);

    const cp = await db().models.ChatArchiveCheckpoint.findOne({ key }).lean();
    expect(cp).toMatchObject({ seq: 5, lastError: null });
    expect(cp?.lastSuccessAt?.getTime()).toBe(now.getTime());
  });

  test('when the process restarts, then the next pull resumes after the checkpoint without duplicates', async () => {
    const { id, agent, customerExternal, sdk, keyring } = await scenario();
    const key = `corp-${id}`;
    await archiveService(sdk, keyring, key).pull();
    sdk.add(
      textMessage(`${id}-6`, agent.wecomUserId, customerExternal, '可以给您返佣', now.getTime() + 5000),
      2,
    );

    // A new service instance over the same database: what a restarted process builds.
    const restarted = archiveService(sdk, keyring, key);
    sdk.getChatDataCalls = [];
    const result = await restarted.pull();
    expect(result).toMatchObject({ status: 'ok', fetched: 1, stored: 1, duplicates: 0, hits: 1, seq: 6 });
    expect(sdk.getChatDataCalls[0]?.seq).toBe(5);
    expect(await db().models.ChatArchiveMessage.countDocuments({ msgid: new RegExp(`^${id}-`) })).toBe(6);
    expect(await db().models.ComplianceHit.countDocuments({ sourceRef: new RegExp(`^${id}-`) })).toBe(3);

    const idle = await restarted.pull();
    expect(idle).toMatchObject({ fetched: 0, stored: 0, seq: 6 });
  });

  test('when the process dies in the middle of a batch, then the batch is re-read and nothing is stored or flagged twice', async () => {
    const { id, sdk, keyring } = await scenario();
    const key = `corp-${id}`;
    sdk.crashOnDecrypt = { call: 3, error: new Error('worker killed') };
    const crashed = await archiveService(sdk, keyring, key).pull();
    expect(crashed.status).toBe('error');
    expect(crashed.seq).toBe(0);
    expect(await db().models.ChatArchiveMessage.countDocuments({ msgid: new RegExp(`^${id}-`) })).toBe(2);
    expect((await db().models.ChatArchiveCheckpoint.findOne({ key }).lean())?.lastError).toContain(
      'worker killed',
    );

    sdk.crashOnDecrypt = undefined;
    const resumed = await archiveService(sdk, keyring, key).pull();
    expect(resumed).toMatchObject({ status: 'ok', fetched: 5, duplicates: 2, stored: 3, seq: 5 });
    expect(await db().models.ChatArchiveMessage.countDocuments({ msgid: new RegExp(`^${id}-`) })).toBe(5);
    expect(await db().models.ComplianceHit.countDocuments({ sourceRef: new RegExp(`^${id}-`) })).toBe(2);
  });

  test('when a record names an unknown publickey_ver, then it is kept for retry, the pull goes on and an alert is raised', async () => {
    const { id, sdk } = await scenario();
    const key = `corp-${id}`;
    // Only version 1 is configured: records 3 and 4 (version 2) cannot be opened.
    const onlyV1 = createArchiveKeyring(new Map([[1, v1.privatePem]]));
    const result = await archiveService(sdk, onlyV1, key).pull();
    expect(result).toMatchObject({ status: 'ok', fetched: 5, stored: 3, failed: 2, seq: 5 });
    const failures = await db()
      .models.ChatArchiveFailure.find({ msgid: new RegExp(`^${id}-`) })
      .lean();
    expect(failures.map((f) => [f.msgid, f.publickeyVer, f.reason])).toEqual([
      [`${id}-3`, 2, 'unknown_key_version'],
      [`${id}-4`, 2, 'unknown_key_version'],
    ]);
    const alert = await db()
      .models.ComplianceAlert.findOne({ dedupeKey: new RegExp(`^archive-decrypt:${key}:2:`) })
      .lean();
    expect(alert?.title).toContain('密钥版本 2');

    // The admin adds the missing key; the retry recovers both and flags the promise.
    const both = createArchiveKeyring(
      new Map([
        [1, v1.privatePem],
        [2, v2.privatePem],
      ]),
    );
    const retry = await archiveService(sdk, both, key).retryFailures();
    expect(retry).toEqual({ retried: 2, recovered: 2 });
    expect(await db().models.ComplianceHit.countDocuments({ sourceRef: `${id}-3` })).toBe(2);
    expect(
      await db().models.ChatArchiveFailure.countDocuments({ msgid: new RegExp(`^${id}-`), resolvedAt: null }),
    ).toBe(0);
  });

  test('when another pull holds the lease, then a second pull answers busy and reads nothing', async () => {
    const { id, sdk, keyring } = await scenario();
    const key = `corp-${id}`;
    const repo = createArchiveRepository(db().models);
    expect(await repo.acquireLease(key, 'other-process', now, 60_000)).toBe(true);
    const result = await archiveService(sdk, keyring, key).pull();
    expect(result.status).toBe('busy');
    expect(sdk.getChatDataCalls).toEqual([]);
  });

  test('when no pull succeeded for longer than the threshold, then one stalled alert is raised per day', async () => {
    const { id, sdk, keyring } = await scenario();
    const key = `corp-${id}`;
    const service = archiveService(sdk, keyring, key);
    await service.pull();
    expect((await service.checkStaleness()).stale).toBe(false);

    const saved = now;
    try {
      now = new Date(saved.getTime() + 30 * 3600 * 1000);
      const first = await service.checkStaleness();
      expect(first).toMatchObject({ stale: true, alerted: true });
      expect(Math.round(first.hoursSinceSuccess)).toBe(30);
      const second = await service.checkStaleness();
      expect(second).toMatchObject({ stale: true, alerted: false });
      const alerts = await db()
        .models.ComplianceAlert.find({ dedupeKey: new RegExp(`^archive-stalled:${key}:`) })
        .lean();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.body).toContain('5 天');
    } finally {
      now = saved;
    }
  });
});
