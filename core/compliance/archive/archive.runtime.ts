import type { Logger } from '../../logger.js';
import type { CallbackRegistry } from '../../wecom/callback.dispatcher.js';
import { loadArchiveKeyring, type ArchiveKeyring } from './archive.keyring.js';
import { openNativeChatArchive } from './archive.native.js';
import type { ChatArchiveSdk } from './archive.sdk.js';
import type { ChatArchiveService } from './archive.service.js';

/** What createServices needs to run the chat archive; absent = the feature is off. */
export interface ChatArchiveDeps {
  sdk: ChatArchiveSdk;
  keyring: ArchiveKeyring;
  staleAfterHours: number;
  /** Checkpoint key (one per corp); default 'default'. */
  key?: string | undefined;
  batchLimit?: number | undefined;
}

/**
 * An SDK that opens the real one on first use. Every process builds the services at start, but only
 * the processes that pull (jobs, and the callback host on msgaudit_notify) need the native library;
 * a failure to open it surfaces as a failed pull (logged, and the staleness alert follows), not as
 * a process that cannot start.
 */
export function lazyChatArchiveSdk(open: () => Promise<ChatArchiveSdk>): ChatArchiveSdk {
  let opening: Promise<ChatArchiveSdk> | undefined;
  const sdk = () => {
    opening ??= open().catch((err: unknown) => {
      opening = undefined; // try again on the next pull (e.g. koffi installed meanwhile)
      throw err;
    });
    return opening;
  };
  return {
    getChatData: async (seq, limit) => (await sdk()).getChatData(seq, limit),
    decryptData: async (randomKey, msg) => (await sdk()).decryptData(randomKey, msg),
    async close() {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}

/**
 * The production chat archive from settings (config `chatArchive` + the corp id): the native SDK
 * through koffi, opened lazily; the private keys are read now, so a missing or bad key directory
 * stops the start with a message instead of failing every night.
 */
export function chatArchiveFromSettings(settings: {
  corpId: string;
  sdkPath: string;
  secret: string;
  privateKeysDir: string;
  staleAfterHours: number;
}): ChatArchiveDeps {
  return {
    sdk: lazyChatArchiveSdk(() =>
      openNativeChatArchive({
        libraryPath: settings.sdkPath,
        corpId: settings.corpId,
        secret: settings.secret,
      }),
    ),
    keyring: loadArchiveKeyring(settings.privateKeysDir),
    staleAfterHours: settings.staleAfterHours,
  };
}

/**
 * The archive deps from the settings as config/config.ts reads them (`config.chatArchive` and the
 * corp id); undefined when ingestion is off. Config validation guarantees the rest when enabled.
 */
export function chatArchiveFromConfig(
  chatArchive: {
    enabled: boolean;
    sdkPath: string | undefined;
    secret: string | undefined;
    privateKeysDir: string | undefined;
    staleAfterHours: number;
  },
  corpId: string | undefined,
): ChatArchiveDeps | undefined {
  if (!chatArchive.enabled) return undefined;
  const { sdkPath, secret, privateKeysDir, staleAfterHours } = chatArchive;
  if (!sdkPath || !secret || !privateKeysDir || !corpId)
    throw new Error('chat archive enabled without SDK path, secret, private keys directory or corp id');
  return chatArchiveFromSettings({ corpId, sdkPath, secret, privateKeysDir, staleAfterHours });
}

/**
 * `msgaudit_notify` (new archive data, at most every 15 s) → a pull. With the archive off the event
 * is acknowledged (stored like every callback) and logged, nothing else. A pull that finds another
 * one running answers 'busy' and returns: that pull, or the next periodic one, reads the new data.
 */
export function registerMsgauditNotifyHandler(deps: {
  registry: CallbackRegistry;
  archive: Pick<ChatArchiveService, 'onMsgauditNotify'> | undefined;
  logger: Logger;
}): void {
  const { archive } = deps;
  deps.registry.onEvent('msgaudit_notify', 'compliance.archive', async (_e, ctx) => {
    if (!archive) {
      ctx.log.info('msgaudit_notify received but chat archive is not configured (WECOM_ARCHIVE_SDK_PATH)');
      return;
    }
    const result = await archive.onMsgauditNotify();
    ctx.log.info(
      { status: result.status, fetched: result.fetched, stored: result.stored, hits: result.hits },
      'msgaudit_notify handled',
    );
  });
}
