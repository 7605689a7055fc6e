import {
  checkTextInput,
  createRuleInput,
  listAlertsQuery,
  listHitsQuery,
  listRulesQuery,
  reviewHitInput,
  updateRuleInput,
} from '#core/compliance/compliance.schemas';
import {
  authErrors,
  body,
  errorResponse,
  idParam,
  ok,
  ref,
  secured,
  type OpenApiFragment,
} from './common.js';
import { queryParams } from './common.js';

const tags = ['compliance'];
const admin = (summary: string) => `${summary} (admin = compliance owner)`;

/** Lexicon, dry-run check, hits, alerts and report. */
export function complianceOpenApi(): OpenApiFragment {
  return {
    paths: {
      '/api/v1/compliance/rules': {
        get: {
          tags,
          summary: admin('Lexicon rules with the current lexicon version'),
          security: secured,
          parameters: queryParams(listRulesQuery),
          responses: {
            '200': ok('Rules', {
              type: 'object',
              properties: {
                version: { type: 'integer' },
                items: { type: 'array', items: ref('ComplianceRule') },
              },
            }),
            ...authErrors,
          },
        },
        post: {
          tags,
          summary: admin('Add a rule; the lexicon version increments'),
          description:
            'pattern: a phrase, or up to four phrases joined by * that follow each other within 8 characters (保证*收益). Matching ignores spaces, punctuation, emoji, width, case and traditional characters.',
          security: secured,
          requestBody: body(createRuleInput),
          responses: {
            '201': ok('Created', ref('ComplianceRule')),
            '400': errorResponse('Validation failed'),
            '409': errorResponse('Same pattern already in the lexicon'),
            '422': errorResponse('Pattern unusable (too short, empty part, more than four parts)'),
            ...authErrors,
          },
        },
      },
      '/api/v1/compliance/rules/{id}': {
        get: {
          tags,
          summary: admin('One rule'),
          security: secured,
          parameters: [idParam],
          responses: {
            '200': ok('Rule', ref('ComplianceRule')),
            '404': errorResponse('No such rule'),
            ...authErrors,
          },
        },
        patch: {
          tags,
          summary: admin('Change a rule; the lexicon version increments'),
          security: secured,
          parameters: [idParam],
          requestBody: body(updateRuleInput),
          responses: {
            '200': ok('Updated', ref('ComplianceRule')),
            '404': errorResponse('No such rule'),
            '409': errorResponse('Same pattern already in the lexicon'),
            '422': errorResponse('Pattern unusable'),
            ...authErrors,
          },
        },
        delete: {
          tags,
          summary: admin('Delete a rule (past hits keep their snapshot of it)'),
          security: secured,
          parameters: [idParam],
          responses: {
            '200': ok('Deleted', { type: 'object', properties: { version: { type: 'integer' } } }),
            '404': errorResponse('No such rule'),
            ...authErrors,
          },
        },
      },
      '/api/v1/compliance/lexicon/changes': {
        get: {
          tags,
          summary: admin('Lexicon history: version, action, rule before/after, actor'),
          security: secured,
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', maximum: 200 } },
          ],
          responses: { '200': ok('Changes', { type: 'object' }), ...authErrors },
        },
      },
      '/api/v1/compliance/check': {
        post: {
          tags,
          summary: admin('Dry run: verdict, matched rules and negated (disclosure) matches; nothing stored'),
          security: secured,
          requestBody: body(checkTextInput),
          responses: {
            '200': ok('Verdict', {
              type: 'object',
              properties: {
                verdict: { enum: ['allow', 'warn', 'block'] },
                lexiconVersion: { type: 'integer' },
                hits: { type: 'array', items: { type: 'object' } },
                negated: { type: 'array', items: { type: 'object' } },
              },
            }),
            ...authErrors,
          },
        },
      },
      '/api/v1/compliance/hits': {
        get: {
          tags,
          summary: admin('Hits, newest first; from/to are Asia/Shanghai business dates'),
          security: secured,
          parameters: queryParams(listHitsQuery),
          responses: {
            '200': ok('Page of hits', {
              type: 'object',
              properties: {
                items: { type: 'array', items: ref('ComplianceHit') },
                total: { type: 'integer' },
                page: { type: 'integer' },
                pageSize: { type: 'integer' },
              },
            }),
            ...authErrors,
          },
        },
      },
      '/api/v1/compliance/hits/{id}': {
        get: {
          tags,
          summary: admin('One hit with its context'),
          security: secured,
          parameters: [idParam],
          responses: {
            '200': ok('Hit', ref('ComplianceHit')),
            '404': errorResponse('No such hit'),
            ...authErrors,
          },
        },
      },
      '/api/v1/compliance/hits/{id}/review': {
        post: {
          tags,
          summary: admin('Review an open hit: acknowledged or false_positive'),
          security: secured,
          parameters: [idParam],
          requestBody: body(reviewHitInput),
          responses: {
            '200': ok('Reviewed', ref('ComplianceHit')),
            '404': errorResponse('No such hit'),
            '409': errorResponse('Hit already reviewed'),
            ...authErrors,
          },
        },
      },
      '/api/v1/compliance/alerts': {
        get: {
          tags,
          summary: admin(
            'Alerts raised for the compliance owner (pending = not yet delivered by the outbox)',
          ),
          security: secured,
          parameters: queryParams(listAlertsQuery),
          responses: { '200': ok('Alerts', { type: 'object' }), ...authErrors },
        },
      },
      '/api/v1/compliance/archive': {
        get: {
          tags,
          summary: admin(
            'Chat-archive ingestion status: seq checkpoint, last success, hours since, open decrypt failures',
          ),
          security: secured,
          responses: { '200': ok('Status', { type: 'object' }), ...authErrors },
        },
      },
      '/api/v1/compliance/intercept-rules/plan': {
        get: {
          tags,
          summary: admin(
            "Preview of the WeCom intercept-rule sync: rules to add/update/delete within WeCom's limits, skipped words",
          ),
          security: secured,
          parameters: [
            {
              name: 'budget',
              in: 'query',
              required: false,
              description: 'Rule slots Qibao may use (WeCom allows 100 per corp in total)',
              schema: { type: 'integer', minimum: 1, maximum: 100 },
            },
          ],
          responses: { '200': ok('Plan', { type: 'object' }), ...authErrors },
        },
      },
      '/api/v1/compliance/report': {
        get: {
          tags,
          summary: admin('Hit counts for a period by category (block/warn), team, source and status'),
          security: secured,
          parameters: [
            { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
            { name: 'to', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
            { name: 'teamId', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'category', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': ok('Report', ref('ComplianceReport')),
            '400': errorResponse('Bad period'),
            ...authErrors,
          },
        },
      },
    },
    schemas: {
      ComplianceRule: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          category: { type: 'string', examples: ['收益承诺'] },
          pattern: { type: 'string', examples: ['保本保息', '保证*收益'] },
          severity: { enum: ['block', 'warn'] },
          alternative: { type: 'string' },
          negatable: { type: 'boolean' },
          active: { type: 'boolean' },
          source: { enum: ['default', 'custom'] },
          version: { type: 'integer', description: 'Lexicon version of its last change' },
        },
      },
      ComplianceHit: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          source: { enum: ['outgoing', 'interaction', 'chat_archive'] },
          sourceRef: { type: 'string' },
          action: { enum: ['blocked', 'warned', 'flagged'] },
          text: { type: 'string' },
          context: { type: 'string' },
          matchedText: { type: 'string' },
          ruleId: { type: 'string' },
          category: { type: 'string' },
          pattern: { type: 'string' },
          severity: { enum: ['block', 'warn'] },
          alternative: { type: 'string' },
          lexiconVersion: { type: 'integer' },
          agentId: { type: 'string' },
          teamId: { type: 'string' },
          customerId: { type: 'string' },
          occurredAt: { type: 'string', format: 'date-time' },
          status: { enum: ['open', 'acknowledged', 'false_positive'] },
          reviewedBy: { type: 'string' },
          reviewedAt: { type: 'string', format: 'date-time' },
        },
      },
      ComplianceReport: {
        type: 'object',
        properties: {
          period: { type: 'object' },
          total: { type: 'integer' },
          open: { type: 'integer' },
          byCategory: { type: 'array', items: { type: 'object' } },
          byTeam: { type: 'array', items: { type: 'object' } },
          bySource: { type: 'array', items: { type: 'object' } },
          byStatus: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  };
}
