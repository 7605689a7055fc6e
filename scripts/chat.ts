// Chat with the bot from a terminal: `npm run chat -- --as <wecomUserId>`, against a running Qibao in
// development (`npm start` without WECOM_CORP_ID). Each line goes the way a WeCom message does: the
// simulator encrypts and signs it and POSTs it to /wecom/callback; the passive reply, and any
// message/send replies (cards, late answers) the simulator records for the member, are printed.
import { createInterface } from 'node:readline/promises';
import { loadConfig, readEnvironment } from '#config/config';

const USAGE = 'usage: npm run chat -- --as <wecomUserId>   (a Qibao user, e.g. one from npm run seed)';

interface SimMessage {
  seq: number;
  toUser: string;
  msgtype: string;
  preview: string;
  body: Record<string, unknown>;
  dropped: boolean;
}

function render(m: SimMessage): string {
  if (m.msgtype === 'text' || m.msgtype === 'markdown') {
    const part = m.body[m.msgtype] as { content?: string } | undefined;
    return part?.content ?? m.preview;
  }
  if (m.msgtype === 'template_card') {
    const card = m.body.template_card as {
      main_title?: { title?: string; desc?: string };
      sub_title_text?: string;
      horizontal_content_list?: { keyname: string; value?: string }[];
      button_list?: { text: string }[];
    };
    return [
      `【${card.main_title?.title ?? ''}】${card.main_title?.desc ?? ''}`,
      card.sub_title_text ?? '',
      ...(card.horizontal_content_list ?? []).map((h) => `  ${h.keyname}：${h.value ?? ''}`),
      `  [${(card.button_list ?? []).map((b) => b.text).join('] [')}]（按钮在企业微信里点击）`,
    ]
      .filter(Boolean)
      .join('\n');
  }
  return m.preview;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--as');
  const userId = at >= 0 ? args[at + 1] : undefined;
  if (!userId) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(readEnvironment());
  const base = `http://127.0.0.1:${config.wecom.simulator.port}`;
  const messages = async (): Promise<SimMessage[]> => {
    const res = await fetch(`${base}/__sim/messages`);
    return ((await res.json()) as { messages: SimMessage[] }).messages.filter(
      (m) => m.toUser === userId && !m.dropped,
    );
  };
  let seen: number;
  try {
    seen = Math.max(0, ...(await messages()).map((m) => m.seq));
  } catch {
    console.error(
      `No WeCom simulator at ${base}. Start Qibao in development first (npm start, WECOM_CORP_ID unset).`,
    );
    return 1;
  }
  console.log(`以 ${userId} 的身份和企保助手对话（输入「帮助」看用法，Ctrl+D 退出）`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  for (;;) {
    let line: string;
    try {
      line = await rl.question('你> ');
    } catch {
      break;
    }
    const res = await fetch(`${base}/__sim/act`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'say', userId, text: line }),
    });
    const out = (await res.json()) as { status?: number; reply?: string };
    if (out.status !== 200) console.log(`(回调被拒绝：HTTP ${out.status ?? res.status})`);
    const passive = out.reply
      ? /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(out.reply)?.[1]
      : undefined;
    if (passive) console.log(`助手> ${passive}`);
    // Replies sent by message/send arrive a moment later: wait up to 5 s for them when there was no passive one.
    const deadline = Date.now() + (passive ? 300 : 5000);
    let printed = false;
    while (Date.now() < deadline) {
      const fresh = (await messages()).filter((m) => m.seq > seen);
      for (const m of fresh) {
        console.log(`助手> ${render(m)}`);
        seen = Math.max(seen, m.seq);
        printed = true;
      }
      if (printed) break;
      await new Promise((r) => setTimeout(r, 150));
    }
    if (!passive && !printed) console.log('（5 秒内没有回复：bot 组件是否在运行？）');
  }
  rl.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
