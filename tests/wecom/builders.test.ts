import { describe, expect, test } from 'vitest';
import {
  buttonInteractionCard,
  cutUtf8,
  markdownMessage,
  textCardMessage,
  textMessage,
  textNoticeCard,
  utf8Bytes,
} from '#core/wecom/builders';
import { applySubscribeRules } from '#core/wecom/subscribe-values';

const bytes = (s: string) => Buffer.byteLength(s);
const contentOf = (m: ReturnType<typeof textMessage>) =>
  m.msgtype === 'text' ? m.text.content : m.msgtype === 'markdown' ? m.markdown.content : '';

describe('text and markdown builders (≤ 2048 bytes)', () => {
  test('when Chinese text is exactly 2048 bytes, then it is sent unchanged', () => {
    const exact = `${'保'.repeat(682)}ab`; // 682 × 3 + 2 = 2048
    expect(bytes(exact)).toBe(2048);
    expect(contentOf(textMessage(exact))).toBe(exact);
  });

  test('when Chinese text is one byte over, then it is cut on a character boundary and ends with an ellipsis', () => {
    const over = `${'保'.repeat(682)}abc`; // 2049 bytes
    const out = contentOf(textMessage(over));
    expect(bytes(out)).toBeLessThanOrEqual(2048);
    expect(out.endsWith('…')).toBe(true);
    // 2048 − 3 (ellipsis) = 2045 bytes of budget → 681 whole characters (2043 bytes), never a broken one.
    expect(out).toBe(`${'保'.repeat(681)}…`);
    expect(Buffer.from(out).toString('utf8')).toBe(out);
  });

  test('when emoji (4-byte characters) straddle the limit, then none is split', () => {
    const out = cutUtf8('😀'.repeat(600), 2048);
    expect(out).toBe(`${'😀'.repeat(511)}…`); // 511 × 4 = 2044 ≤ 2045 budget
    expect(utf8Bytes(out)).toBe(2047);
  });

  test('when markdown is over the limit, then it is cut the same way; empty text is refused', () => {
    const m = markdownMessage(`# 续保提醒\n${'到期'.repeat(2000)}`);
    expect(bytes(contentOf(m))).toBeLessThanOrEqual(2048);
    expect(() => textMessage('   ')).toThrow(/text.content/);
  });
});

describe('textcard builder', () => {
  const card = {
    title: '保单到期提醒',
    description: '<div class="highlight">张三的重疾险 30 天后到期</div>',
    url: 'https://qibao.example/p/1',
  };

  test('when the title is exactly 128 Chinese characters, then it is kept; at 129 it is cut to 128 with an ellipsis', () => {
    const t128 = '续'.repeat(128);
    const ok = textCardMessage({ ...card, title: t128 });
    expect(ok.msgtype === 'textcard' && ok.textcard.title).toBe(t128);
    const cut = textCardMessage({ ...card, title: '续'.repeat(129) });
    expect(cut.msgtype === 'textcard' && [...cut.textcard.title]).toHaveLength(128);
    expect(cut.msgtype === 'textcard' && cut.textcard.title.endsWith('…')).toBe(true);
  });

  test('when the description is over 512 characters, then it is cut to 512', () => {
    const m = textCardMessage({ ...card, description: '理'.repeat(600) });
    expect(m.msgtype === 'textcard' && [...m.textcard.description]).toHaveLength(512);
  });

  test('when the button text is over 4 characters or the url is not http(s) or over 2048 bytes, then the card is refused', () => {
    expect(textCardMessage({ ...card, btntxt: '立即查看' }).msgtype).toBe('textcard');
    expect(() => textCardMessage({ ...card, btntxt: '立即查看详情' })).toThrow(/btntxt/);
    expect(() => textCardMessage({ ...card, url: 'qibao.example/p/1' })).toThrow(/url/);
    expect(() => textCardMessage({ ...card, url: `https://q.example/${'a'.repeat(2040)}` })).toThrow(
      /2048 bytes/,
    );
  });
});

describe('template_card builders', () => {
  test('when a text_notice has no card_action or no title, then it is refused; with both it is built', () => {
    const action = { type: 1 as const, url: 'https://qibao.example/task/1' };
    expect(() => textNoticeCard({ main_title: { title: '待办' } } as never)).toThrow(/card_action/);
    expect(() => textNoticeCard({ card_action: action })).toThrow(/main_title/);
    const m = textNoticeCard({
      card_action: action,
      main_title: { title: '今日待办 3 项' },
      sub_title_text: '跟进'.repeat(100),
    });
    expect(m.msgtype === 'template_card' && m.template_card.card_type).toBe('text_notice');
    expect(m.msgtype === 'template_card' && [...(m.template_card.sub_title_text ?? '')]).toHaveLength(160);
  });

  test('when lists exceed their limits (7 horizontal items, 4 jumps, action_menu without task_id), then it is refused', () => {
    const base = { card_action: { type: 1 as const, url: 'https://q.example' }, main_title: { title: 't' } };
    expect(() =>
      textNoticeCard({
        ...base,
        horizontal_content_list: [...Array(7)].map(() => ({ keyname: 'k', value: 'v' })),
      }),
    ).toThrow(/at most 6/);
    expect(() =>
      textNoticeCard({
        ...base,
        jump_list: [...Array(4)].map(() => ({ title: 'j', type: 1 as const, url: 'https://q.example' })),
      }),
    ).toThrow(/at most 3/);
    expect(() =>
      textNoticeCard({ ...base, action_menu: { action_list: [{ text: '不再提醒', key: 'mute' }] } }),
    ).toThrow(/task_id/);
  });

  test('when a button_interaction card has duplicate keys, 7 buttons or a bad task_id, then it is refused', () => {
    const ok = {
      main_title: { title: '续保确认' },
      task_id: 'renew_2026-11_zhangwei@1',
      button_list: [
        { text: '已联系', key: 'done' },
        { text: '稍后', key: 'later', style: 2 as const },
      ],
    };
    const m = buttonInteractionCard(ok);
    expect(m.msgtype === 'template_card' && m.template_card.card_type).toBe('button_interaction');
    expect(() =>
      buttonInteractionCard({
        ...ok,
        button_list: [
          { text: 'a', key: 'k' },
          { text: 'b', key: 'k' },
        ],
      }),
    ).toThrow(/unique/);
    expect(() =>
      buttonInteractionCard({
        ...ok,
        button_list: [...Array(7)].map((_, i) => ({ text: `b${i}`, key: `k${i}` })),
      }),
    ).toThrow(/1 to 6/);
    expect(() => buttonInteractionCard({ ...ok, task_id: '续保/1' })).toThrow(/task_id/);
    expect(() => buttonInteractionCard({ ...ok, task_id: 'a'.repeat(129) })).toThrow(/task_id/);
  });
});

describe('subscribe message value rules', () => {
  test('when a thing value is 21 Chinese characters, then it is cut to 20; at 20 it is kept', () => {
    expect(applySubscribeRules({ thing1: '保'.repeat(20) }).thing1?.value).toBe('保'.repeat(20));
    expect(applySubscribeRules({ thing1: '保'.repeat(21) }).thing1?.value).toBe(`${'保'.repeat(19)}…`);
  });

  test('when values carry newlines, then they become spaces', () => {
    expect(applySubscribeRules({ thing2: '理赔\n已受理' }).thing2?.value).toBe('理赔 已受理');
  });

  test('when formatted values are wrong (phrase of 6 characters, bad amount, bad date), then they are refused, not cut', () => {
    expect(applySubscribeRules({ phrase3: '已受理' }).phrase3?.value).toBe('已受理');
    expect(() => applySubscribeRules({ phrase3: '已经受理完成' })).toThrow(/phrase3/);
    expect(applySubscribeRules({ amount4: '¥5200.50元' }).amount4?.value).toBe('¥5200.50元');
    expect(() => applySubscribeRules({ amount4: '五千元' })).toThrow(/amount4/);
    expect(applySubscribeRules({ date5: '2026年12月31日' }).date5?.value).toBe('2026年12月31日');
    expect(applySubscribeRules({ time6: '2026-12-31 09:30' }).time6?.value).toBe('2026-12-31 09:30');
    expect(() => applySubscribeRules({ date5: '下个月底' })).toThrow(/date5/);
    expect(() => applySubscribeRules({ character_string7: 'x', unknown8: 'y' })).toThrow(/unknown8/);
    expect(applySubscribeRules({ name9: '欧阳娜娜' }).name9?.value).toBe('欧阳娜娜');
  });
});
