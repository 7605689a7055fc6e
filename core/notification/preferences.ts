// The customer's notification choices, as the outbox reads them. They are saved by the mini-program
// (core/customer-auth, PUT /api/v1/my/subscriptions); the outbox only sees this port.

/** Categories a customer can switch off in the mini-program (消息通知). */
export const PREFERENCE_CATEGORIES = ['claimProgress', 'renewalReminder', 'careGreetings'] as const;
export type PreferenceCategory = (typeof PREFERENCE_CATEGORIES)[number];

/**
 * Which category a customer-facing notification kind belongs to. Claim status changes are urgent
 * (they ignore quiet hours) but still follow 理赔进度通知: a customer who switched it off gets none.
 * Kinds not listed here are not covered by a switch.
 */
export const KIND_CATEGORY: Readonly<Record<string, PreferenceCategory>> = {
  renewal_reminder: 'renewalReminder',
  claim_status: 'claimProgress',
  claim_survey: 'claimProgress',
  care_greeting: 'careGreetings',
};

/** English names for logs and skip details. */
export const CATEGORY_LABEL: Record<PreferenceCategory, string> = {
  claimProgress: 'claim progress',
  renewalReminder: 'renewal reminders',
  careGreetings: 'care and festival greetings',
};

export interface CustomerNotificationPreferences {
  /** False when the customer switched `category` off; true when on or never chosen (the default). */
  allows(customerId: string, category: PreferenceCategory): Promise<boolean>;
}
