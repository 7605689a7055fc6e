/**
 * Normalizes a Chinese mainland mobile number to E.164 (`+8613812345678`). Accepts spaces, dashes,
 * dots and brackets, and a `+86`, `86` or `0086` prefix. Returns undefined for anything else
 * (landlines and foreign numbers are not accepted as customer mobiles).
 */
export function normalizeCnMobile(raw: string): string | undefined {
  let digits = raw.trim().replace(/[\s\-.()（）]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (!/^1[3-9]\d{9}$/.test(digits)) return undefined;
  return `+86${digits}`;
}

/** The last four digits, stored so a search by "尾号 1234" is an exact index lookup. */
export function last4(e164: string): string {
  return e164.slice(-4);
}
