import { z } from 'zod';
import { businessDate } from '../customer/customer.schemas.js';
import { objectIdString } from '../validation.js';

const code = z.string().trim().min(1, '缺少登录凭证').max(128);

/** POST /customer-auth/wechat-login and /auth/wecom-mini-login: a wx.login / wx.qy.login code. */
export const loginCodeInput = z.strictObject({ code });

export const bindInviteInput = z.strictObject({
  bindTicket: z.string().min(1).max(2000),
  inviteCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{8}$/, '邀请码为 8 位字母或数字'),
});

export const bindPhoneInput = z.strictObject({
  bindTicket: z.string().min(1).max(2000),
  phoneCode: code,
});

/** Development only: sign in as a customer picked on the dev login screen. */
export const devCustomerLoginInput = z.strictObject({ customerId: objectIdString });

/** POST /my/claims: a claim the customer reports (报案). */
export const reportClaimInput = z.strictObject({
  policyId: objectIdString,
  incidentDate: businessDate,
  amountClaimed: z.number().min(0, '金额不能为负数').max(1e8, '金额过大，请联系顾问'),
  description: z.string().trim().min(5, '请简要描述出险经过（至少 5 个字）').max(500),
});
export type ReportClaimInput = z.infer<typeof reportClaimInput>;

// Base64 of at most 180 KiB of image bytes, plus the data URL header.
export const claimPhotoInput = z.strictObject({
  dataUrl: z
    .string()
    .max(250_000, '照片过大，请压缩后再上传')
    .regex(/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/]+=*$/, '照片格式应为 JPG、PNG 或 WebP'),
});

export const subscriptionsInput = z.strictObject({
  claimProgress: z.boolean(),
  renewalReminder: z.boolean(),
  /** 关怀问候 (birthdays, festivals); optional so builds of the mini-program from before it still save. */
  careGreetings: z.boolean().optional(),
  channel: z.enum(['wechat_subscribe', 'sms']),
  acceptedTemplateIds: z.array(z.string().trim().min(1).max(64)).max(10).optional(),
});
export type SubscriptionsInput = z.infer<typeof subscriptionsInput>;
