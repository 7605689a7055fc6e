import { describe, expect, test } from 'vitest';
import { AppError } from '#core/errors';
import { createCallbackCodec } from '#core/wecom/callback-crypto';
import { dedupeKeyOf, parseCallbackMessage, textReplyXml } from '#core/wecom/callback-messages';
import { VECTOR_A, VECTOR_B } from './vectors.js';

const codecFor = (v: typeof VECTOR_A | typeof VECTOR_B) =>
  createCallbackCodec({ token: v.token, encodingAesKey: v.encodingAesKey, receiveId: v.corpId });

describe('callback codec', () => {
  test.each([
    ['A GET', VECTOR_A, VECTOR_A.get.plaintext, VECTOR_A.get.random, VECTOR_A.get.echostr],
    ['A POST (pad 30)', VECTOR_A, VECTOR_A.post.plaintext, VECTOR_A.post.random, VECTOR_A.post.encrypt],
    ['B GET', VECTOR_B, VECTOR_B.get.plaintext, VECTOR_B.get.random, VECTOR_B.get.echostr],
    ['B POST (UTF-8)', VECTOR_B, VECTOR_B.post.plaintext, VECTOR_B.post.random, VECTOR_B.post.encrypt],
  ])(
    'when vector %s is re-encrypted with its random prefix, then the ciphertext matches byte for byte',
    (_n, v, plain, random, official) => {
      expect(codecFor(v).encrypt(plain, Buffer.from(random, 'ascii'))).toBe(official);
    },
  );

  test('when the signatures of both vectors are recomputed, then they equal the official ones', () => {
    for (const v of [VECTOR_A, VECTOR_B]) {
      const c = codecFor(v);
      expect(c.signature(v.get.timestamp, v.get.nonce, v.get.echostr)).toBe(v.get.msgSignature);
      expect(c.signature(v.post.timestamp, v.post.nonce, v.post.encrypt)).toBe(v.post.msgSignature);
    }
  });

  test('when signatures differ in case, length or content, then only the exact one verifies', () => {
    const c = codecFor(VECTOR_A);
    const p = VECTOR_A.post;
    expect(c.verifySignature(p.msgSignature, p.timestamp, p.nonce, p.encrypt)).toBe(true);
    expect(c.verifySignature(p.msgSignature.toUpperCase(), p.timestamp, p.nonce, p.encrypt)).toBe(true);
    expect(c.verifySignature(p.msgSignature.slice(1), p.timestamp, p.nonce, p.encrypt)).toBe(false);
    expect(c.verifySignature(`${p.msgSignature}00`, p.timestamp, p.nonce, p.encrypt)).toBe(false);
    expect(c.verifySignature(p.msgSignature, p.timestamp, `${p.nonce}1`, p.encrypt)).toBe(false);
  });

  test('when a ciphertext is truncated by one block, then decryption is refused, not garbled', () => {
    const c = codecFor(VECTOR_A);
    const cut = Buffer.from(VECTOR_A.post.encrypt, 'base64').subarray(0, -16).toString('base64');
    expect(() => c.decrypt(cut)).toThrow(AppError);
  });

  test('when a passive reply is sealed, then WeCom’s side can verify its MsgSignature and decrypt it', () => {
    const c = codecFor(VECTOR_B);
    const reply = textReplyXml({
      toUser: 'ChenJiaShun',
      corpId: VECTOR_B.corpId,
      createTime: 1476422780,
      content: '收到]]>你好',
    });
    const body = c.sealReply(reply, { timestamp: '1476422780', nonce: 'n0nce' });
    const m =
      /<Encrypt><!\[CDATA\[(.+?)\]\]><\/Encrypt><MsgSignature><!\[CDATA\[([0-9a-f]{40})\]\]><\/MsgSignature><TimeStamp>1476422780<\/TimeStamp><Nonce><!\[CDATA\[n0nce\]\]><\/Nonce>/.exec(
        body,
      );
    expect(m).not.toBeNull();
    expect(c.open(m![2]!, '1476422780', 'n0nce', m![1]!)).toBe(reply);
  });
});

describe('callback XML', () => {
  const wrap = (inner: string) =>
    `<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>${inner}</xml>`;

  test('when a change_external_contact event arrives, then its customer-contact fields are typed', async () => {
    const m = await parseCallbackMessage(
      wrap(
        '<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangwei]]></UserID><ExternalUserID><![CDATA[wmABC]]></ExternalUserID><State><![CDATA[referral_2026]]></State><WelcomeCode><![CDATA[WC1]]></WelcomeCode>',
      ),
    );
    expect(m).toMatchObject({
      kind: 'event',
      event: 'change_external_contact',
      changeType: 'add_external_contact',
      userId: 'zhangwei',
      externalUserId: 'wmABC',
      state: 'referral_2026',
      welcomeCode: 'WC1',
    });
  });

  test('when a template_card_event with selected options arrives, then options come back as lists', async () => {
    const m = await parseCallbackMessage(
      wrap(
        '<Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[confirm]]></EventKey><TaskId><![CDATA[renew_1]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[rc1]]></ResponseCode><SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey><OptionIds><OptionId><![CDATA[a]]></OptionId><OptionId><![CDATA[b]]></OptionId></OptionIds></SelectedItem></SelectedItems>',
      ),
    );
    expect(m).toMatchObject({
      event: 'template_card_event',
      eventKey: 'confirm',
      taskId: 'renew_1',
      responseCode: 'rc1',
      selectedItems: [{ questionKey: 'q1', optionIds: ['a', 'b'] }],
    });
  });

  test('when two customers add agents in the same second, then their events do not share a dedupe key', async () => {
    const ev = (ext: string) =>
      parseCallbackMessage(
        wrap(
          `<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID>u1</UserID><ExternalUserID>${ext}</ExternalUserID>`,
        ),
      );
    const [a, b] = await Promise.all([ev('wmA'), ev('wmB')]);
    expect(dedupeKeyOf(a)).not.toBe(dedupeKeyOf(b));
    expect(dedupeKeyOf(a)).toBe(dedupeKeyOf(await ev('wmA')));
  });

  test('when the XML carries a DTD or is not XML, then it is refused as malformed', async () => {
    await expect(parseCallbackMessage('<!DOCTYPE x [<!ENTITY e "boom">]><xml></xml>')).rejects.toMatchObject({
      code: 'WECOM_CALLBACK_MALFORMED',
    });
    await expect(parseCallbackMessage('hello')).rejects.toMatchObject({ code: 'WECOM_CALLBACK_MALFORMED' });
    await expect(parseCallbackMessage('<xml><MsgType>text</MsgType></xml>')).rejects.toMatchObject({
      code: 'WECOM_CALLBACK_MALFORMED',
    });
  });

  test('when image, location and enter_agent callbacks arrive, then each gets its typed form', async () => {
    const base =
      '<ToUserName>ww</ToUserName><FromUserName>zhangwei</FromUserName><CreateTime>1</CreateTime><AgentID>1000002</AgentID>';
    expect(
      await parseCallbackMessage(
        `<xml>${base}<MsgType>image</MsgType><PicUrl>http://p</PicUrl><MediaId>m1</MediaId><MsgId>9223372036854775807</MsgId></xml>`,
      ),
    ).toMatchObject({ kind: 'image', mediaId: 'm1', msgId: '9223372036854775807' });
    expect(
      await parseCallbackMessage(
        `<xml>${base}<MsgType>location</MsgType><Location_X>31.23</Location_X><Location_Y>121.47</Location_Y><Scale>15</Scale><Label>上海</Label><MsgId>2</MsgId></xml>`,
      ),
    ).toMatchObject({ kind: 'location', latitude: 31.23, longitude: 121.47, label: '上海' });
    expect(
      await parseCallbackMessage(
        `<xml>${base}<MsgType>event</MsgType><Event>enter_agent</Event><EventKey><![CDATA[]]></EventKey></xml>`,
      ),
    ).toMatchObject({ kind: 'event', event: 'enter_agent', eventKey: '' });
  });
});
