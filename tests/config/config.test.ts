import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, describeSettings, loadConfig } from '#config/config';
import { resolveSecret } from '#config/secret';

const PROD_WECOM = {
  WECOM_CORP_ID: 'ww1234567890abcdef',
  WECOM_AGENT_ID: '1000002',
  WECOM_AGENT_SECRET: 'agent-secret',
  WECOM_TOKEN: 'QDG6eK',
  WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};

function problemKeys(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.key);
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('when nothing is set, then development defaults apply', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      port: 3000,
      components: ['api', 'bot', 'jobs'],
      mongo: { uri: undefined, dbName: 'qibao' },
      wecom: { configured: false, apiBase: 'https://qyapi.weixin.qq.com' },
      wechat: { apiBase: 'https://api.weixin.qq.com' },
    });
    expect(path.isAbsolute(c.dataDir)).toBe(true);
  });

  test('when PORT is not a number, then the error names PORT', () => {
    expect(problemKeys(() => loadConfig({ PORT: 'abc' }))).toEqual(['PORT']);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  test('when production lacks QIBAO_SECRET and WeCom settings, then every missing key is named', () => {
    const keys = problemKeys(() => loadConfig({ QIBAO_ENV: 'production' }));
    expect(keys).toEqual(expect.arrayContaining(['QIBAO_SECRET', ...Object.keys(PROD_WECOM)]));
  });

  test('when production is fully configured, then it loads', () => {
    const c = loadConfig({ QIBAO_ENV: 'production', QIBAO_SECRET: 'x'.repeat(40), ...PROD_WECOM });
    expect(c.wecom).toMatchObject({ configured: true, corpId: PROD_WECOM.WECOM_CORP_ID });
  });

  test('when values are malformed, then each bad key is named with the reason', () => {
    const err = (() => {
      try {
        loadConfig({
          QIBAO_ENV: 'staging',
          MONGODB_URI: 'postgres://x',
          WECOM_ENCODING_AES_KEY: 'short',
          QIBAO_COMPONENTS: 'api,mailer',
          QIBAO_SECRET: 'too-short',
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected failure');
    })();
    expect(err.problems.map((p) => p.key).sort()).toEqual(
      ['MONGODB_URI', 'QIBAO_COMPONENTS', 'QIBAO_ENV', 'QIBAO_SECRET', 'WECOM_ENCODING_AES_KEY'].sort(),
    );
    expect(err.message).toMatch(/QIBAO_COMPONENTS: unknown component\(s\) mailer/);
  });

  test('when WECOM_CORP_ID is set in development without the rest, then the missing keys are named', () => {
    expect(problemKeys(() => loadConfig({ WECOM_CORP_ID: 'ww1' }))).toEqual(
      expect.arrayContaining([
        'WECOM_AGENT_ID',
        'WECOM_AGENT_SECRET',
        'WECOM_TOKEN',
        'WECOM_ENCODING_AES_KEY',
      ]),
    );
  });

  test('every setting is documented in .env.example', () => {
    const example = readFileSync(path.resolve(import.meta.dirname, '../../.env.example'), 'utf8');
    for (const { key } of describeSettings()) expect(example, key).toMatch(new RegExp(`^#? ?${key}=`, 'm'));
  });
});

describe('resolveSecret', () => {
  test('when development has no secret, then one is generated under the data dir and reused', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qibao-secret-'));
    const first = resolveSecret({ env: 'development', secret: undefined, dataDir });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(resolveSecret({ env: 'development', secret: undefined, dataDir })).toBe(first);
  });
});
