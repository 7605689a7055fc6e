/** Notification and survey failures. */
export type NotificationErrorCode = 'SURVEY_ALREADY_ANSWERED' | 'SURVEY_EXPIRED';
