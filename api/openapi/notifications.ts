import { CHANNELS, GROUP_SEND_STATES, SKIP_REASONS } from '#core/notification/notification.model';
import { listNotificationsQuery } from '#core/notification/notification.schemas';
import { answerSurveyInput } from '#core/notification/survey.service';
import {
  authErrors,
  body,
  errorResponse,
  ok,
  queryParams,
  ref,
  secured,
  type OpenApiFragment,
} from './common.js';

const tokenParam = {
  name: 'token',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{32,64}$' },
};

/** The notification outbox (read-only, scoped) and claim satisfaction surveys. */
export function notificationsOpenApi(): OpenApiFragment {
  return {
    paths: {
      '/api/v1/notifications': {
        get: {
          summary:
            'Notifications in the caller’s scope (agent own, team lead team, manager branch, admin all)',
          security: secured,
          parameters: queryParams(listNotificationsQuery),
          responses: {
            '200': ok('Page of notifications', ref('NotificationPage')),
            '400': errorResponse('Bad query'),
            ...authErrors,
          },
        },
      },
      '/api/v1/surveys/{token}': {
        get: {
          summary: 'A claim satisfaction survey (the token from the customer’s message is the credential)',
          parameters: [tokenParam],
          responses: {
            '200': ok('Survey', {
              type: 'object',
              properties: {
                claimNumber: { type: 'string' },
                status: { enum: ['sent', 'answered'] },
                expiresAt: { type: 'string', format: 'date-time' },
                score: { type: ['integer', 'null'] },
              },
            }),
            '404': errorResponse('Unknown token'),
          },
        },
        post: {
          summary: 'Answer the survey once: score 1–5 and an optional comment (feeds NPS/CSAT)',
          parameters: [tokenParam],
          requestBody: body(answerSurveyInput),
          responses: {
            '201': ok('Recorded', {
              type: 'object',
              properties: {
                claimNumber: { type: 'string' },
                score: { type: 'integer' },
                answeredAt: { type: 'string', format: 'date-time' },
              },
            }),
            '400': errorResponse('Score outside 1–5 or comment too long'),
            '404': errorResponse('Unknown token'),
            '409': errorResponse('Already answered (SURVEY_ALREADY_ANSWERED)'),
            '410': errorResponse('Answer window closed (SURVEY_EXPIRED)'),
          },
        },
      },
    },
    schemas: {
      Notification: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          dedupeKey: { type: 'string', examples: ['renewal:<policyId>:2026-09-10:30d:agent'] },
          kind: { type: 'string', examples: ['renewal_reminder', 'claim_status', 'daily_digest'] },
          channel: { enum: [...CHANNELS] },
          urgent: { type: 'boolean' },
          to: { type: 'object' },
          ownerUserId: { type: 'string' },
          teamId: { type: 'string' },
          branchId: { type: 'string' },
          message: { type: 'object' },
          related: { type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' } } },
          status: { enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] },
          skipReason: {
            enum: [...SKIP_REASONS],
            description:
              'opted_out: the customer switched the category off in the mini-program (lastError names it); already_handled: a nudge found the message already sent or unsendable',
          },
          groupSend: {
            type: 'object',
            description:
              'customer_wecom only: the agent’s confirmation as get_groupmsg_send_result reports it (followed by notifications.groupmsg-followup)',
            properties: {
              state: { enum: [...GROUP_SEND_STATES] },
              checkedAt: { type: 'string', format: 'date-time' },
              deliveredAt: { type: 'string', format: 'date-time' },
              finalAt: { type: 'string', format: 'date-time' },
            },
          },
          deferredReason: { type: 'string', examples: ['quiet_hours', 'pacing'] },
          attempts: { type: 'integer' },
          nextAttemptAt: { type: 'string', format: 'date-time' },
          lastError: { type: 'string' },
          sentAt: { type: 'string', format: 'date-time' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      NotificationPage: {
        type: 'object',
        properties: {
          items: { type: 'array', items: ref('Notification') },
          total: { type: 'integer' },
          page: { type: 'integer' },
          pageSize: { type: 'integer' },
        },
      },
    },
  };
}
