import { describe, expect, test } from 'vitest';
import { addDays, daysBetween, isBusinessDate, shanghaiDate } from '#core/customer/business-date';
import { isValidIdNumber } from '#core/customer/id-number';
import { normalizeCnMobile } from '#core/customer/phone';
import { nameSearchKeys } from '#core/customer/search-keys';
import { createPiiCipher, maskIdNumber, maskPhone } from '#core/security/pii';
import { makeIdNumber } from '../factories/customers.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('PII cipher (AES-256-GCM + keyed hash)', () => {
  test('when a value is encrypted twice, then the ciphertexts differ and both decrypt to the value', () => {
    const pii = createPiiCipher(SECRET);
    const a = pii.encrypt('11010119900307663X');
    const b = pii.encrypt('11010119900307663X');
    expect(a).not.toBe(b);
    expect(a).not.toContain('19900307');
    expect(pii.decrypt(a)).toBe('11010119900307663X');
    expect(pii.decrypt(b)).toBe('11010119900307663X');
  });

  test('when the ciphertext is tampered with or the secret differs, then decryption fails', () => {
    const pii = createPiiCipher(SECRET);
    const ct = pii.encrypt('110101199003076638');
    const parts = ct.split(':');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => pii.decrypt(parts.join(':'))).toThrow();
    expect(() => createPiiCipher(`${SECRET}-other`).decrypt(ct)).toThrow();
  });

  test('when the same value is hashed, then the lookup hash is stable, keyed and not the value', () => {
    const pii = createPiiCipher(SECRET);
    expect(pii.lookupHash('110101199003076638')).toBe(pii.lookupHash('110101199003076638'));
    expect(pii.lookupHash('110101199003076638')).not.toBe(
      createPiiCipher(`${SECRET}-x`).lookupHash('110101199003076638'),
    );
    expect(pii.lookupHash('110101199003076638')).toMatch(/^[0-9a-f]{64}$/);
  });

  test('masks keep first 3 and last 4 of an ID number, and the middle of a phone', () => {
    expect(maskIdNumber('110101199001011234')).toBe('110***********1234');
    expect(maskPhone('+8613812345678')).toBe('138****5678');
  });
});

describe('CN mobile normalization', () => {
  test.each([
    ['13812345678', '+8613812345678'],
    ['138 1234 5678', '+8613812345678'],
    ['138-1234-5678', '+8613812345678'],
    ['+86 138 1234 5678', '+8613812345678'],
    ['8613812345678', '+8613812345678'],
    ['008613812345678', '+8613812345678'],
  ])('when %s is given, then it is stored as %s', (raw, e164) => {
    expect(normalizeCnMobile(raw)).toBe(e164);
  });

  test.each(['12812345678', '1381234567', '021-12345678', '+1 415 555 0100', 'abc'])(
    'when %s is given, then it is refused',
    (raw) => {
      expect(normalizeCnMobile(raw)).toBeUndefined();
    },
  );
});

describe('resident ID numbers', () => {
  test('when the check digit is right, then it is valid; a wrong check digit or date is not', () => {
    const id = makeIdNumber('1985-06-15');
    expect(isValidIdNumber(id)).toBe(true);
    const wrongCheck = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(isValidIdNumber(wrongCheck)).toBe(false);
    expect(isValidIdNumber('110101199002301234')).toBe(false);
    expect(isValidIdNumber('11010119900101123')).toBe(false);
  });
});

describe('business dates in Asia/Shanghai', () => {
  test('when it is 23:59 and then 00:00 in Shanghai, then the business date rolls over at Shanghai midnight', () => {
    expect(shanghaiDate(new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
    expect(shanghaiDate(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
  });

  test('days between and adding days cross month and year ends', () => {
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2027-03-01', '2027-02-28')).toBe(-1);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-01-31', 30)).toBe('2026-03-02');
    expect(isBusinessDate('2026-02-30')).toBe(false);
  });
});

describe('pinyin search keys', () => {
  test('when a name is Chinese, then initials and full pinyin are stored; surnames read as surnames', () => {
    expect(nameSearchKeys('张三')).toEqual({ initials: 'zs', full: 'zhangsan' });
    expect(nameSearchKeys('单田芳').initials).toBe('stf');
    expect(nameSearchKeys('曾小贤').full).toBe('zengxiaoxian');
  });
});
