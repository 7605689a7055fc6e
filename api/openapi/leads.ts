import {
  activityInput,
  apiKeyInput,
  capacityInput,
  createLeadInput,
  intakeInput,
  listLeadsQuery,
  mergeInput,
  moveStageInput,
  reassignInput,
  ruleInput,
  ruleUpdateInput,
} from '#core/lead/lead.schemas';
import { IMPORT_FIELDS } from '#core/import/mapping';
import { KPI_DEFINITIONS } from '#core/report/report.service';
import { kpiQuery } from '../routes/reports.js';
import {
  authErrors,
  body,
  errorResponse,
  idParam,
  ok,
  queryParams,
  secured,
  type OpenApiFragment,
} from './common.js';

const any = { type: 'object' };
const lead = (summary: string, extra: Record<string, unknown> = {}) => ({
  tags: ['leads'],
  security: secured,
  summary,
  ...extra,
});

/** Leads, imports, exports and KPIs (issue 4). */
export function leadsOpenApi(): OpenApiFragment {
  return {
    paths: {
      '/api/v1/leads/intake': {
        post: {
          tags: ['leads'],
          summary: 'Lead intake for web forms and ad platforms (header X-Api-Key: qbk_…)',
          description:
            'Normalizes the phone (any mainland spelling → E.164) and dedupes on phone, unionid and external_userid: ' +
            'an existing customer → no lead, a follow-up task for its owner (outcome existing_customer); an existing lead → ' +
            'merged into it, recorded in the merge history (outcome merged, 200); else a graded, assigned lead (201).',
          requestBody: body(intakeInput),
          responses: {
            '201': ok('Created', any),
            '200': ok('Merged into an existing lead, or an existing customer', any),
            '401': errorResponse('Missing, unknown or revoked API key'),
            '422': errorResponse('No contact data'),
          },
        },
      },
      '/api/v1/leads': {
        get: lead('Leads in scope', {
          parameters: queryParams(listLeadsQuery),
          responses: { '200': ok('Page', any), ...authErrors },
        }),
        post: lead('Manual lead (agents: own; managers: assigneeId or the rules)', {
          requestBody: body(createLeadInput),
          responses: {
            '201': ok('Created', any),
            '200': ok('Merged / existing customer', any),
            ...authErrors,
          },
        }),
      },
      '/api/v1/leads/pool': {
        get: lead('Public pool (公海), contact data masked', {
          parameters: queryParams(listLeadsQuery),
          responses: { '200': ok('Page', any) },
        }),
      },
      '/api/v1/leads/export': {
        get: lead('Leads in scope as xlsx or csv (?format=)', {
          responses: { '200': { description: 'File' } },
        }),
      },
      '/api/v1/leads/merges': {
        get: lead('Admin: all merges', { responses: { '200': ok('Merges', any), ...authErrors } }),
      },
      '/api/v1/leads/merges/{id}/undo': {
        post: lead('Admin: undo a merge (what it brought in goes back; later work stays)', {
          parameters: [idParam],
          responses: { '200': ok('Undone', any), '409': errorResponse('Already undone') },
        }),
      },
      '/api/v1/leads/{id}': {
        get: lead('One lead with history, sources and the assignment reason', {
          parameters: [idParam],
          responses: { '200': ok('Lead', any), '404': errorResponse('Not found or out of scope') },
        }),
      },
      '/api/v1/leads/{id}/merges': {
        get: lead('Merge history of a lead', {
          parameters: [idParam],
          responses: { '200': ok('Merges', any) },
        }),
      },
      '/api/v1/leads/{id}/stage': {
        post: lead(
          'Move forward in the pipeline (新线索 → 已分配 → 已联系 → 需求分析 → 方案 → 成交/流失); 流失 needs lossReason; 成交 converts to a customer',
          {
            parameters: [idParam],
            requestBody: body(moveStageInput),
            responses: {
              '200': ok('Lead', any),
              '409': errorResponse('Not a forward move'),
              '422': errorResponse('Loss reason missing'),
            },
          },
        ),
      },
      '/api/v1/leads/{id}/activities': {
        post: lead('Log a call/visit on the lead (first one → 已联系)', {
          parameters: [idParam],
          requestBody: body(activityInput),
          responses: { '201': ok('Lead', any) },
        }),
      },
      '/api/v1/leads/{id}/assign': {
        post: lead('Managers: reassign within scope', {
          parameters: [idParam],
          requestBody: body(reassignInput),
          responses: { '200': ok('Lead', any) },
        }),
      },
      '/api/v1/leads/{id}/claim': {
        post: lead('Claim from the pool (daily limit QIBAO_LEAD_POOL_CLAIMS_PER_DAY)', {
          parameters: [idParam],
          responses: {
            '200': ok('Lead', any),
            '409': errorResponse('Not in pool / claimed by someone else'),
            '429': errorResponse('Daily limit reached'),
          },
        }),
      },
      '/api/v1/leads/{id}/merge': {
        post: lead('Merge another lead into this one', {
          parameters: [idParam],
          requestBody: body(mergeInput),
          responses: { '200': ok('Merged', any) },
        }),
      },
      '/api/v1/lead-rules': {
        get: lead('Admin: assignment rules in order', { responses: { '200': ok('Rules', any) } }),
        post: lead(
          'Admin: new rule (region / product interest / source → agent | team (least-loaded active agent) | pool)',
          { requestBody: body(ruleInput), responses: { '201': ok('Rule', any) } },
        ),
      },
      '/api/v1/lead-rules/{id}': {
        patch: lead('Admin: edit a rule', {
          parameters: [idParam],
          requestBody: body(ruleUpdateInput),
          responses: { '200': ok('Rule', any) },
        }),
        delete: lead('Admin: delete a rule', {
          parameters: [idParam],
          responses: { '204': { description: 'Deleted' } },
        }),
      },
      '/api/v1/lead-capacity/{id}': {
        put: lead('Admin: an agent’s lead capacity', {
          parameters: [idParam],
          requestBody: body(capacityInput),
          responses: { '200': ok('Set', any) },
        }),
      },
      '/api/v1/lead-api-keys': {
        get: lead('Admin: intake API keys (hash only stored)', { responses: { '200': ok('Keys', any) } }),
        post: lead('Admin: new API key; the plaintext is in this answer only', {
          requestBody: body(apiKeyInput),
          responses: { '201': ok('Key', any) },
        }),
      },
      '/api/v1/lead-api-keys/{id}': {
        delete: lead('Admin: revoke', { parameters: [idParam], responses: { '200': ok('Revoked', any) } }),
      },
      '/api/v1/imports': {
        post: {
          tags: ['imports'],
          security: secured,
          summary: 'Import customers (and one policy per row) from xlsx/csv; the body is the file',
          description:
            `Headers understood: 姓名, 性别, 生日, 手机号, 身份证号, 保单号, 保险公司, 险种, 保费, 生效日期, 到期日期, 受益人 and synonyms; ` +
            `?mapping={"field":"header"} overrides (fields: ${IMPORT_FIELDS.join(', ')}). Dates: Excel serial, 2026/1/5, 2026-01-05, 2026年1月5日. ` +
            'dryRun=true (default) answers the row-by-row report (valid / duplicate with duplicateOf / invalid with reasons); ' +
            'dryRun=false answers 202 and runs in the background (GET /imports/{id}); a failure rolls everything back; the same file twice creates nothing new.',
          parameters: [
            { name: 'dryRun', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } },
            { name: 'ownerId', in: 'query', schema: { type: 'string' } },
            { name: 'fileName', in: 'query', schema: { type: 'string' } },
            { name: 'mapping', in: 'query', schema: { type: 'string' } },
          ],
          requestBody: {
            required: true,
            content: {
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
                schema: { type: 'string', format: 'binary' },
              },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          responses: {
            '200': ok('Dry-run report', any),
            '202': ok('Queued', any),
            '413': errorResponse('File over QIBAO_IMPORT_MAX_MB'),
            '415': errorResponse('Not xlsx/csv'),
            '422': errorResponse('Corrupt file, empty sheet, no 姓名 column, too many rows'),
          },
        },
      },
      '/api/v1/imports/{id}': {
        get: {
          tags: ['imports'],
          security: secured,
          summary: 'Progress and totals (processed/total, valid, duplicates, invalid, created)',
          parameters: [idParam],
          responses: { '200': ok('Import', any) },
        },
      },
      '/api/v1/imports/{id}/rows': {
        get: {
          tags: ['imports'],
          security: secured,
          summary: 'Row-by-row report, paged (?status=valid|duplicate|invalid)',
          parameters: [idParam],
          responses: { '200': ok('Rows', any) },
        },
      },
      '/api/v1/reports/kpis': {
        get: {
          tags: ['reports'],
          security: secured,
          summary: 'KPIs for a scope and period (?format=csv for CSV)',
          description:
            'scope: mine (default) | all | branch:<id> | team:<id> | agent:<id>, inside the caller’s own scope (else 403). ' +
            'from/to: YYYY-MM-DD (Asia/Shanghai, inclusive; default the last 30 days; at most 366 days).\n\nDefinitions:\n' +
            Object.entries(KPI_DEFINITIONS)
              .map(([k, v]) => `- ${k}: ${v}`)
              .join('\n'),
          parameters: queryParams(kpiQuery),
          responses: {
            '200': ok('KPIs', any),
            '400': errorResponse('Bad period'),
            '403': errorResponse('Scope outside the caller’s'),
          },
        },
      },
    },
  };
}
