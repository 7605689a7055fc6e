// Plays WeCom against a running Qibao in development: `npm run simulate -- say <userId> "<text>"`.
// It asks the simulator (started by `npm start` when WECOM_CORP_ID is unset) to encrypt and sign the
// message exactly as WeCom does and POST it to /wecom/callback, then prints what the API answered.
import { loadConfig, readEnvironment } from '#config/config';
import { readSimulatorAddress } from '../simulator/dev.js';

const USAGE = `usage:
  npm run simulate -- say <userId> "<text>"               a member sends a text message to the app
  npm run simulate -- verify                               WeCom's URL verification (GET with echostr)
  npm run simulate -- enter <userId>                       a member opens the app (enter_agent)
  npm run simulate -- add-contact <userId> <externalUserId> [state]
                                                           a customer adds the member (state = channel, e.g. referral_x)
  npm run simulate -- customer-deletes <userId> <externalUserId>
  npm run simulate -- member-deletes <userId> <externalUserId>
  npm run simulate -- messages                             app messages the simulator received`;

async function main(): Promise<number> {
  const config = loadConfig(readEnvironment());
  // The running Qibao records its simulator's address in the data dir (it may have had to pick a free port).
  const base = readSimulatorAddress(config.dataDir)?.url ?? `http://127.0.0.1:${config.wecom.simulator.port}`;
  const [command, ...args] = process.argv.slice(2);
  const act = async (body: Record<string, string | undefined>) => {
    const res = await fetch(`${base}/__sim/act`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  let out: { status: number; body: Record<string, unknown> };
  switch (command) {
    case 'say':
      if (!args[0] || !args[1]) break;
      out = await act({ action: 'say', userId: args[0], text: args.slice(1).join(' ') });
      return report(out);
    case 'verify': {
      const res = await act({ action: 'verify-url' });
      const r = res.body as { status?: number; ok?: boolean; ms?: number };
      console.log(
        `GET /wecom/callback (URL verification) → HTTP ${r.status} in ${r.ms} ms: ${r.ok ? 'echo matches' : 'WRONG echo'}`,
      );
      return r.ok ? 0 : 1;
    }
    case 'enter':
      if (!args[0]) break;
      return report(await act({ action: 'enter-agent', userId: args[0] }));
    case 'add-contact':
    case 'customer-deletes':
    case 'member-deletes':
      if (!args[0] || !args[1]) break;
      return report(await act({ action: command, userId: args[0], externalUserId: args[1], state: args[2] }));
    case 'messages': {
      const res = await fetch(`${base}/__sim/messages`);
      const { messages } = (await res.json()) as {
        messages: { at: string; toUser: string; preview: string; dropped: boolean }[];
      };
      for (const m of messages)
        console.log(`${m.at}  → ${m.toUser}${m.dropped ? ' [dropped]' : ''}  ${m.preview}`);
      return 0;
    }
    default:
      break;
  }
  console.error(USAGE);
  return 2;
}

function report(out: { status: number; body: Record<string, unknown> }): number {
  if (out.status !== 200) {
    console.error(`simulator refused: ${JSON.stringify(out.body)}`);
    return 1;
  }
  const r = out.body as { status?: number; ms?: number; body?: string; reply?: string };
  console.log(
    `POST /wecom/callback → HTTP ${r.status} in ${r.ms} ms${r.body ? `: ${r.body}` : ' (empty body: stored, no passive reply)'}`,
  );
  if (r.reply) console.log(`passive reply: ${r.reply}`);
  return r.status === 200 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') {
      console.error('No simulator is running. Start Qibao in development without WECOM_CORP_ID: npm start');
    } else console.error(err);
    process.exit(1);
  },
);
