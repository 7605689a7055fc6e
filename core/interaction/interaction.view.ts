import type { InteractionRecord } from './interaction.repository.js';

export const INTERACTION_TYPE_LABELS = {
  call: '电话',
  visit: '拜访',
  wechat: '微信',
  meeting: '会面',
  sms: '短信',
  email: '邮件',
} as const;

/** An interaction as the API returns it. */
export function interactionView(i: InteractionRecord) {
  const { ownership, ...rest } = i;
  return { ...rest, ownerId: ownership.ownerId, typeLabel: INTERACTION_TYPE_LABELS[i.type] };
}
export type InteractionView = ReturnType<typeof interactionView>;
