import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '#config/config';

describe('chat-archive settings', () => {
  test('when the SDK path is set without corp, secret and keys, then start-up fails naming each key', () => {
    let error: unknown;
    try {
      loadConfig({ WECOM_ARCHIVE_SDK_PATH: '/opt/wework/libWeWorkFinanceSdk_C.so' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.key).sort()).toEqual([
      'WECOM_ARCHIVE_PRIVATE_KEYS_DIR',
      'WECOM_ARCHIVE_SECRET',
      'WECOM_CORP_ID',
    ]);
  });

  test('when nothing is set, then archive ingestion is off with a 12-hour stall threshold', () => {
    expect(loadConfig({}).chatArchive).toEqual({
      enabled: false,
      sdkPath: undefined,
      secret: undefined,
      privateKeysDir: undefined,
      staleAfterHours: 12,
    });
  });
});
