import { DEFAULT_LEAD_SETTINGS, type LeadSettings } from '../core/lead/lead.settings.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';

/** What every setting is: its description, whether it is a secret, and how it is validated. */
interface SettingMeta {
  description: string;
  secret: boolean;
}

const COMPONENTS = ['api', 'bot', 'jobs'] as const;
/** A component that `main.ts` can start in this process. */
export type Component = (typeof COMPONENTS)[number];

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const subscribeTemplatesSchema = z.record(
  z.string(),
  z.strictObject({ id: z.string().min(1), keys: z.record(z.string(), z.string().regex(/^[a-z_]+\d+$/)) }),
);
/** Subscribe templates by purpose: WeChat template id and which template key carries each field. */
export type SubscribeTemplates = z.infer<typeof subscribeTemplatesSchema>;
// The simulator's demo templates; production sets the ids and keys chosen in the WeChat console.
const DEFAULT_SUBSCRIBE_TEMPLATES: SubscribeTemplates = {
  renewal_reminder: { id: 'TPL_RENEWAL', keys: { product: 'thing1', expiryDate: 'date2', tip: 'thing3' } },
  claim_status: {
    id: 'TPL_CLAIM',
    keys: { claimNumber: 'character_string1', status: 'phrase2', time: 'time3' },
  },
  claim_survey: { id: 'TPL_SURVEY', keys: { claimNumber: 'character_string1', tip: 'thing2' } },
};

// One entry per key. `meta` feeds .env.example checks, the README table and error messages.
const settings = {
  PORT: { schema: port(3000), meta: { description: 'HTTP port of the API', secret: false } },
  HOST: {
    schema: z.string().default('0.0.0.0'),
    meta: { description: 'Interface the API listens on', secret: false },
  },
  QIBAO_ENV: {
    schema: z.enum(['development', 'production']).default('development'),
    meta: {
      description: 'development (simulator, dev-login, generated secret) or production',
      secret: false,
    },
  },
  QIBAO_DATA_DIR: {
    schema: z.string().min(1).default('./data'),
    meta: { description: 'Where the embedded database and generated dev secret live', secret: false },
  },
  MONGODB_URI: {
    schema: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
        .optional(),
    ),
    meta: {
      description: 'A real MongoDB (6+). Unset: the embedded FerretDB is built and started',
      secret: true,
    },
  },
  MONGODB_DB_NAME: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ and - only')
      .default('qibao'),
    meta: { description: 'Database name inside the MongoDB server', secret: false },
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    meta: { description: 'pino log level', secret: false },
  },
  QIBAO_SECRET: {
    schema: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    meta: {
      description: 'Key material for session tokens and PII encryption. Required in production',
      secret: true,
    },
  },
  QIBAO_SESSION_TTL_SECONDS: {
    schema: z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .default(12 * 3600),
    meta: { description: 'Lifetime of a session token', secret: false },
  },
  QIBAO_BODY_LIMIT_KB: {
    schema: z.coerce.number().int().min(1).max(10_240).default(256),
    meta: { description: 'Largest JSON request body accepted (KiB); larger → 413', secret: false },
  },
  QIBAO_COMPONENTS: {
    schema: z
      .string()
      .default('api,bot,jobs')
      .transform((v, ctx) => {
        const names = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = names.filter((n) => !(COMPONENTS as readonly string[]).includes(n));
        if (bad.length > 0 || names.length === 0) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown component(s) ${bad.join(', ') || '(none given)'}; use ${COMPONENTS.join(',')}`,
          });
          return z.NEVER;
        }
        return [...new Set(names)] as Component[];
      }),
    meta: { description: 'Comma-separated components started by `npm start`: api,bot,jobs', secret: false },
  },
  WECOM_CORP_ID: {
    schema: optionalString,
    meta: {
      description: 'WeCom corp id. Unset in development: the built-in simulator is used',
      secret: false,
    },
  },
  WECOM_AGENT_ID: {
    schema: optionalString.pipe(z.string().regex(/^\d+$/, 'must be the numeric AgentId').optional()),
    meta: { description: 'WeCom self-built app AgentId', secret: false },
  },
  WECOM_AGENT_SECRET: {
    schema: optionalString,
    meta: { description: 'WeCom self-built app Secret', secret: true },
  },
  WECOM_TOKEN: {
    schema: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9]{1,32}$/, 'letters and digits, at most 32')
        .optional(),
    ),
    meta: { description: 'Callback Token (signature)', secret: true },
  },
  WECOM_ENCODING_AES_KEY: {
    schema: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9]{43}$/, 'exactly 43 letters and digits')
        .optional(),
    ),
    meta: { description: 'Callback EncodingAESKey', secret: true },
  },
  WECOM_API_BASE: {
    schema: z.url().default('https://qyapi.weixin.qq.com'),
    meta: { description: 'WeCom server API base URL', secret: false },
  },
  WECHAT_MP_APPID: {
    schema: optionalString,
    meta: { description: 'WeChat mini-program AppID', secret: false },
  },
  WECHAT_MP_SECRET: {
    schema: optionalString,
    meta: { description: 'WeChat mini-program AppSecret', secret: true },
  },
  WECHAT_API_BASE: {
    schema: z.url().default('https://api.weixin.qq.com'),
    meta: { description: 'WeChat server API base URL', secret: false },
  },
  WECOM_ARCHIVE_SDK_PATH: {
    schema: optionalString,
    meta: {
      description:
        "Path to Tencent's libWeWorkFinanceSdk_C.so (chat archive, needs koffi). Unset: archive ingestion off",
      secret: false,
    },
  },
  WECOM_ARCHIVE_SECRET: {
    schema: optionalString,
    meta: { description: 'Chat-archive (会话内容存档) Secret', secret: true },
  },
  WECOM_ARCHIVE_PRIVATE_KEYS_DIR: {
    schema: optionalString,
    meta: {
      description:
        'Directory of the chat-archive RSA private keys, one <publickey_ver>.pem each (keep old versions)',
      secret: false,
    },
  },
  WECOM_ARCHIVE_STALE_AFTER_HOURS: {
    schema: z.coerce.number().int().min(1).max(96).default(12),
    meta: {
      description:
        'Alert the compliance owner when no chat-archive pull succeeded for this long (WeCom keeps 5 days)',
      secret: false,
    },
  },
  WECOM_CALLBACK_MAX_SKEW_SECONDS: {
    schema: z.coerce.number().int().min(0).max(86_400).default(300),
    meta: {
      description:
        'Callbacks whose timestamp is further than this from now are refused; 0 turns the check off',
      secret: false,
    },
  },
  WECOM_SIMULATOR_PORT: {
    schema: port(3900),
    meta: {
      description: 'Loopback port of the WeCom/WeChat simulator started in development without WECOM_CORP_ID',
      secret: false,
    },
  },
  WECOM_SIMULATOR_TOKEN_TTL_SECONDS: {
    schema: z.coerce.number().int().min(5).max(7200).default(7200),
    meta: {
      description: 'Lifetime of access_tokens the simulator issues (short values exercise token refresh)',
      secret: false,
    },
  },
  BOT_PASSIVE_REPLY_MS: {
    schema: z.coerce.number().int().min(0).max(4500).default(3000),
    meta: {
      description:
        'How long a WeCom text callback waits for the bot to answer passively (WeCom allows 5 s); later replies go by message/send; 0 = always message/send',
      secret: false,
    },
  },
  WECHATY_PUPPET: {
    schema: optionalString,
    meta: {
      description:
        'wechaty puppet package for the bot (e.g. wechaty-puppet-service); unset = no wechaty transport',
      secret: false,
    },
  },
  WECHATY_PUPPET_TOKEN: {
    schema: optionalString,
    meta: { description: 'Token of the wechaty puppet (puppet service / provider)', secret: true },
  },
  QIBAO_JOBS_WORKER_NAME: {
    schema: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_.:-]{1,60}$/, 'letters, digits and _ . : - only')
        .optional(),
    ),
    meta: {
      description: 'Name of this job worker in locks and logs (default: host name and pid)',
      secret: false,
    },
  },
  QIBAO_JOBS_PROCESS_EVERY_SECONDS: {
    schema: z.coerce.number().int().min(1).max(600).default(20),
    meta: { description: 'How often the job worker polls for due jobs', secret: false },
  },
  QIBAO_QUIET_HOURS: {
    schema: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM-HH:MM (Asia/Shanghai)')
      .default('21:00-08:00'),
    meta: {
      description: 'Asia/Shanghai window in which non-urgent notifications are deferred (HH:MM-HH:MM)',
      secret: false,
    },
  },
  QIBAO_RENEWAL_OFFSETS_DAYS: {
    schema: z
      .string()
      .default('60,30,7')
      .transform((v, ctx) => {
        const days = v.split(',').map((s) => Number(s.trim()));
        if (days.length === 0 || days.some((d) => !Number.isInteger(d) || d < 1 || d > 366)) {
          ctx.addIssue({ code: 'custom', message: 'comma-separated whole days between 1 and 366' });
          return z.NEVER;
        }
        return [...new Set(days)].sort((a, b) => b - a);
      }),
    meta: {
      description: 'Days before expiry at which renewal reminders go out, e.g. 60,30,7',
      secret: false,
    },
  },
  QIBAO_RENEWAL_ESCALATION_DAYS: {
    schema: z.coerce.number().int().min(1).max(30).default(3),
    meta: {
      description: 'Days after the last renewal reminder without agent action before the team lead is told',
      secret: false,
    },
  },
  QIBAO_DIGEST_TIME: {
    schema: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (Asia/Shanghai)')
      .default('08:30'),
    meta: { description: 'Asia/Shanghai time of the daily digest to team leads and managers', secret: false },
  },
  QIBAO_SUBSCRIBE_TEMPLATES: {
    schema: z
      .string()
      .default(JSON.stringify(DEFAULT_SUBSCRIBE_TEMPLATES))
      .transform((v, ctx) => {
        try {
          return subscribeTemplatesSchema.parse(JSON.parse(v));
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: 'JSON {"<template>": {"id": "<template_id>", "keys": {"<field>": "<key name>"}}}',
          });
          return z.NEVER;
        }
      }),
    meta: {
      description:
        'Mini-program subscribe templates as JSON: renewal_reminder, claim_status, claim_survey → template id and key names',
      secret: false,
    },
  },
  QIBAO_CUSTOMER_MONTHLY_CAP: {
    schema: z.coerce.number().int().min(1).max(31).default(4),
    meta: {
      description: 'WeCom customer messages (add_msg_template) Qibao prepares per customer per month',
      secret: false,
    },
  },
  QIBAO_GROUPMSG_REMIND_HOURS: {
    schema: z
      .string()
      .default('4,24,48')
      .transform((v, ctx) => {
        const hours = v.split(',').map((s) => Number(s.trim()));
        if (hours.length > 10 || hours.some((h) => !Number.isInteger(h) || h < 1 || h > 720)) {
          ctx.addIssue({ code: 'custom', message: 'up to 10 comma-separated whole hours between 1 and 720' });
          return z.NEVER;
        }
        return [...new Set(hours)].sort((a, b) => a - b);
      }),
    meta: {
      description:
        'Hours after a WeCom customer message is prepared at which the agent is nudged (remind_groupmsg_send, never more than 3 within 24 h) while it is unsent',
      secret: false,
    },
  },
  QIBAO_GROUPMSG_FOLLOW_UP_DAYS: {
    schema: z.coerce.number().int().min(1).max(30).default(7),
    meta: {
      description: 'Days a prepared WeCom customer message is followed before it is recorded as not sent',
      secret: false,
    },
  },
  QIBAO_LEAD_FIRST_CONTACT_DAYS: {
    schema: z
      .string()
      .regex(/^\d{1,3},\d{1,3}$/, 'A,B days, e.g. 3,7')
      .default('3,7')
      .transform((v) => v.split(',').map(Number) as [number, number]),
    meta: {
      description: 'Days until the first contact of an A,B lead is due (C leads are nurtured)',
      secret: false,
    },
  },
  QIBAO_LEAD_GRADE_THRESHOLDS: {
    schema: z
      .string()
      .regex(/^\d,\d$/, 'A,B minimum scores, e.g. 4,3')
      .default('4,3')
      .transform((v) => v.split(',').map(Number) as [number, number]),
    meta: {
      description:
        'Lead grade thresholds on intent (high 3/medium 2/low 1) + type (保障型 1/综合型 1/理财型 0) points: A,B',
      secret: false,
    },
  },
  QIBAO_LEAD_POOL_CLAIMS_PER_DAY: {
    schema: z.coerce.number().int().min(0).max(1000).default(5),
    meta: { description: 'Leads an agent may claim from the public pool per day', secret: false },
  },
  QIBAO_LEAD_DEFAULT_CAPACITY: {
    schema: z.coerce.number().int().min(1).max(100_000).default(50),
    meta: {
      description: 'Open leads an agent holds at most unless an admin set their capacity',
      secret: false,
    },
  },
  QIBAO_IMPORT_MAX_MB: {
    schema: z.coerce.number().int().min(1).max(500).default(20),
    meta: { description: 'Largest import file accepted (MiB); larger → 413', secret: false },
  },
  QIBAO_IMPORT_MAX_ROWS: {
    schema: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
    meta: { description: 'Most data rows one import file may have', secret: false },
  },
} satisfies Record<string, { schema: z.ZodType; meta: SettingMeta }>;

type Settings = typeof settings;
type SettingKey = keyof Settings;

const schemaShape = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v.schema])) as {
  [K in SettingKey]: Settings[K]['schema'];
};
const envSchema = z.object(schemaShape);
type Env = z.infer<typeof envSchema>;

const WECOM_KEYS = [
  'WECOM_CORP_ID',
  'WECOM_AGENT_ID',
  'WECOM_AGENT_SECRET',
  'WECOM_TOKEN',
  'WECOM_ENCODING_AES_KEY',
] as const;

/** The validated configuration the rest of the code receives. Nothing else reads process.env. */
export interface Config {
  env: 'development' | 'production';
  port: number;
  host: string;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  components: Component[];
  mongo: { uri: string | undefined; dbName: string };
  /** Undefined only in development, where `resolveSecret` generates one under the data dir. */
  secret: string | undefined;
  sessionTtlSeconds: number;
  bodyLimitBytes: number;
  wecom: {
    /** false → development with the built-in simulator (seam for the WeCom issue). */
    configured: boolean;
    corpId: string | undefined;
    agentId: string | undefined;
    agentSecret: string | undefined;
    token: string | undefined;
    encodingAesKey: string | undefined;
    apiBase: string;
    /** Callback timestamps further than this from now are refused (0 = no check). */
    callbackMaxSkewSeconds: number;
    /** The local simulator used when `configured` is false. */
    simulator: { port: number; tokenTtlSeconds: number };
  };
  wechat: { appId: string | undefined; appSecret: string | undefined; apiBase: string };
  /** Chat archive (会话内容存档) ingestion for compliance; `enabled` when the SDK path is set. */
  chatArchive: {
    enabled: boolean;
    sdkPath: string | undefined;
    secret: string | undefined;
    privateKeysDir: string | undefined;
    staleAfterHours: number;
  };
  jobs: {
    /** Unset → host name and pid. */
    workerName: string | undefined;
    processEverySeconds: number;
  };
  bot: {
    /** How long a WeCom text callback waits for a passive reply; 0 = always message/send. */
    passiveReplyMs: number;
    /** Set only when WECHATY_PUPPET is: the wechaty transport. */
    wechaty: { puppet: string; token: string | undefined } | undefined;
  };
  notifications: {
    /** Asia/Shanghai minutes of day [start, end); the window may cross midnight. */
    quietHours: { startMinute: number; endMinute: number };
    customerMonthlyCap: number;
    /** Nudge times (hours after add_msg_template) and how long the agent's confirmation is awaited. */
    groupMsgRemindHours: number[];
    groupMsgFollowUpDays: number;
    renewalOffsetsDays: number[];
    renewalEscalationDays: number;
    /** Asia/Shanghai minutes of day. */
    digestMinute: number;
    subscribeTemplates: SubscribeTemplates;
  };
  /** Lead grading, SLA, pool and capacity (core/lead/lead.settings.ts). */
  leads: LeadSettings;
  imports: { maxBytes: number; maxRows: number };
}

/** Thrown when the environment does not describe a valid configuration; the message names every bad key. */
export class ConfigError extends Error {
  constructor(public readonly problems: { key: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.key}: ${p.message}`).join('\n')}\n` +
        'See .env.example for every setting.',
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` (usually `readEnvironment()`) into a `Config`.
 * Throws `ConfigError` naming each missing or malformed key.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(pickKnown(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ key: String(i.path[0] ?? '(root)'), message: i.message })),
    );
  }
  const e = parsed.data;
  const problems: { key: string; message: string }[] = [];
  if (e.QIBAO_ENV === 'production') {
    if (!e.QIBAO_SECRET) problems.push({ key: 'QIBAO_SECRET', message: 'is required in production' });
    for (const key of WECOM_KEYS) {
      if (!e[key]) problems.push({ key, message: 'is required in production' });
    }
  } else if (e.WECOM_CORP_ID) {
    // A partly configured WeCom app would fail later in confusing ways; say it now.
    for (const key of WECOM_KEYS) {
      if (!e[key]) problems.push({ key, message: 'is required when WECOM_CORP_ID is set' });
    }
  }
  if (e.WECOM_ARCHIVE_SDK_PATH) {
    // The archive needs the corp, its own secret and the private keys; half a setup fails at night.
    for (const key of ['WECOM_CORP_ID', 'WECOM_ARCHIVE_SECRET', 'WECOM_ARCHIVE_PRIVATE_KEYS_DIR'] as const) {
      if (!e[key]) problems.push({ key, message: 'is required when WECOM_ARCHIVE_SDK_PATH is set' });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.QIBAO_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.QIBAO_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    components: e.QIBAO_COMPONENTS,
    mongo: { uri: e.MONGODB_URI, dbName: e.MONGODB_DB_NAME },
    secret: e.QIBAO_SECRET,
    sessionTtlSeconds: e.QIBAO_SESSION_TTL_SECONDS,
    bodyLimitBytes: e.QIBAO_BODY_LIMIT_KB * 1024,
    wecom: {
      configured: Boolean(e.WECOM_CORP_ID),
      corpId: e.WECOM_CORP_ID,
      agentId: e.WECOM_AGENT_ID,
      agentSecret: e.WECOM_AGENT_SECRET,
      token: e.WECOM_TOKEN,
      encodingAesKey: e.WECOM_ENCODING_AES_KEY,
      apiBase: e.WECOM_API_BASE,
      callbackMaxSkewSeconds: e.WECOM_CALLBACK_MAX_SKEW_SECONDS,
      simulator: { port: e.WECOM_SIMULATOR_PORT, tokenTtlSeconds: e.WECOM_SIMULATOR_TOKEN_TTL_SECONDS },
    },
    wechat: { appId: e.WECHAT_MP_APPID, appSecret: e.WECHAT_MP_SECRET, apiBase: e.WECHAT_API_BASE },
    chatArchive: {
      enabled: Boolean(e.WECOM_ARCHIVE_SDK_PATH),
      sdkPath: e.WECOM_ARCHIVE_SDK_PATH,
      secret: e.WECOM_ARCHIVE_SECRET,
      privateKeysDir: e.WECOM_ARCHIVE_PRIVATE_KEYS_DIR,
      staleAfterHours: e.WECOM_ARCHIVE_STALE_AFTER_HOURS,
    },
    jobs: { workerName: e.QIBAO_JOBS_WORKER_NAME, processEverySeconds: e.QIBAO_JOBS_PROCESS_EVERY_SECONDS },
    bot: {
      passiveReplyMs: e.BOT_PASSIVE_REPLY_MS,
      wechaty: e.WECHATY_PUPPET ? { puppet: e.WECHATY_PUPPET, token: e.WECHATY_PUPPET_TOKEN } : undefined,
    },
    notifications: {
      quietHours: parseQuietHours(e.QIBAO_QUIET_HOURS),
      customerMonthlyCap: e.QIBAO_CUSTOMER_MONTHLY_CAP,
      groupMsgRemindHours: e.QIBAO_GROUPMSG_REMIND_HOURS,
      groupMsgFollowUpDays: e.QIBAO_GROUPMSG_FOLLOW_UP_DAYS,
      renewalOffsetsDays: e.QIBAO_RENEWAL_OFFSETS_DAYS,
      renewalEscalationDays: e.QIBAO_RENEWAL_ESCALATION_DAYS,
      digestMinute: minuteOfDay(e.QIBAO_DIGEST_TIME),
      subscribeTemplates: e.QIBAO_SUBSCRIBE_TEMPLATES,
    },
    leads: {
      ...DEFAULT_LEAD_SETTINGS,
      firstContactDays: { A: e.QIBAO_LEAD_FIRST_CONTACT_DAYS[0], B: e.QIBAO_LEAD_FIRST_CONTACT_DAYS[1] },
      gradeThresholds: { A: e.QIBAO_LEAD_GRADE_THRESHOLDS[0], B: e.QIBAO_LEAD_GRADE_THRESHOLDS[1] },
      poolClaimsPerDay: e.QIBAO_LEAD_POOL_CLAIMS_PER_DAY,
      defaultCapacity: e.QIBAO_LEAD_DEFAULT_CAPACITY,
    },
    imports: { maxBytes: e.QIBAO_IMPORT_MAX_MB * 1024 * 1024, maxRows: e.QIBAO_IMPORT_MAX_ROWS },
  };
}

const minuteOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function parseQuietHours(v: string): { startMinute: number; endMinute: number } {
  const [start = '21:00', end = '08:00'] = v.split('-');
  return { startMinute: minuteOfDay(start), endMinute: minuteOfDay(end) };
}

function pickKnown(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(settings).map((k) => [k, env[k]]));
}

/**
 * The process environment, with a `.env` file in `cwd` (if any) underneath it: real environment
 * variables win. This is the one place that reads `process.env`.
 */
export function readEnvironment(cwd = process.cwd()): Record<string, string | undefined> {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/** Every setting with its description and secret flag, in declaration order (for docs and checks). */
export function describeSettings(): { key: string; description: string; secret: boolean }[] {
  return Object.entries(settings).map(([key, v]) => ({ key, ...v.meta }));
}
