import { listAuditQuery } from '#core/audit/audit.schemas';
import { claimTransitionInput, createClaimInput, listClaimsQuery } from '#core/claim/claim.schemas';
import {
  createCustomerInput,
  exportCustomersQuery,
  getCustomerQuery,
  handoverInput,
  listCustomersQuery,
  timelineQuery,
  updateCustomerInput,
} from '#core/customer/customer.schemas';
import { createInteractionInput, listInteractionsQuery } from '#core/interaction/interaction.schemas';
import {
  createPolicyInput,
  exportPoliciesQuery,
  listPoliciesQuery,
  updatePolicyInput,
} from '#core/policy/policy.schemas';
import { createTaskInput, listTasksQuery, updateTaskInput } from '#core/task/task.schemas';
import { createTicketInput, listTicketsQuery, updateTicketInput } from '#core/ticket/ticket.schemas';
import {
  authErrors,
  body,
  errorResponse,
  idParam,
  ok,
  queryParams,
  ref,
  secured,
  type OpenApiFragment,
} from './common.js';
import { customerSchemas } from './customer-schemas.js';

const notFound = errorResponse(
  'Not found, or outside the caller’s data scope (never 403: existence is not revealed)',
);
const bad = errorResponse('Validation failed (field-level details, Chinese messages)');

const file = {
  description: 'The file: xlsx (sheet 导出) or UTF-8 CSV with BOM; Chinese headers',
  content: {
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
      schema: { type: 'string', format: 'binary' },
    },
    'text/csv': { schema: { type: 'string' } },
  },
};

const op = (summary: string, responses: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  summary,
  security: secured,
  ...extra,
  responses: { ...responses, '400': bad, ...authErrors },
});

/** Customers, policies, claims, interactions, tasks, tickets, handover and audit (issue 3). */
export function customer360OpenApi(): OpenApiFragment {
  return {
    schemas: customerSchemas,
    paths: {
      '/api/v1/customers': {
        get: op(
          'Search/list customers in scope. q = name substring, pinyin initials (zs → 张三), full phone, last 4 digits, policy number or ID number',
          { '200': ok('Page', ref('CustomerPage')) },
          { parameters: queryParams(listCustomersQuery) },
        ),
        post: op(
          'Create a customer (owner defaults to the caller)',
          {
            '201': ok('Created', ref('Customer')),
            '409': errorResponse('Phone or ID number already registered (details.existingId when in scope)'),
            '422': errorResponse('Owner or referenced customer invalid / out of scope'),
          },
          { requestBody: body(createCustomerInput) },
        ),
      },
      '/api/v1/customers/export': {
        get: op(
          'The customer list as xlsx/csv: the same filters (q, tag, tier, book, lifecycle, ownerId) and data scope as GET /customers, all rows, streamed in batches. ' +
            'Columns 姓名 性别 生日 职业 手机号 身份证号 地区 地址 来源渠道 标签 价值等级 客户分册 生命周期 财产风险等级 RFM 年缴保费 归属顾问 最近沟通 更新时间. ' +
            'Phones in national form, masked (138****5678) outside the owner chain; ID numbers masked (110***********1234) unless reveal=idNumber, ' +
            'which only the owner agent and admins may ask (others 403) and which records one pii.read audit entry per unmasked number',
          { '200': file, '403': errorResponse('reveal=idNumber by a role that may not see ID numbers') },
          { parameters: queryParams(exportCustomersQuery) },
        ),
      },
      '/api/v1/customers/{id}': {
        get: op(
          'The 360° view: identity (masked), family, policies with days to expiry, claims with timelines, recent interactions, open tasks/tickets, tags, segmentation with reasons',
          { '200': ok('360 view', ref('Customer360')), '404': notFound },
          { parameters: [idParam, ...queryParams(getCustomerQuery)] },
        ),
        patch: op(
          'Update a customer (arrays replace; null clears). Audited with a before/after diff',
          { '200': ok('Updated', ref('Customer')), '404': notFound, '409': errorResponse('Phone taken') },
          { parameters: [idParam], requestBody: body(updateCustomerInput) },
        ),
      },
      '/api/v1/customers/{id}/timeline': {
        get: op(
          'Interactions merged with claim and policy events and archived WeCom chats, newest first',
          { '200': ok('Timeline', ref('Timeline')), '404': notFound },
          { parameters: [idParam, ...queryParams(timelineQuery)] },
        ),
      },
      '/api/v1/policies/export': {
        get: op(
          'The policy list as xlsx/csv: the same filters (customerId, status, expiringWithinDays) and data scope as GET /policies, all rows, streamed in batches. ' +
            'Columns 保单号 保险公司 产品 险种 客户 投保人 被保险人 受益人 保额 保费 缴费方式 缴费年期 生效日期 到期日期 距到期天数 状态 续保结果',
          { '200': file },
          { parameters: queryParams(exportPoliciesQuery) },
        ),
      },
      '/api/v1/policies': {
        get: op(
          'List policies in scope',
          { '200': ok('Page', ref('PolicyPage')) },
          { parameters: queryParams(listPoliciesQuery) },
        ),
        post: op(
          'Create a policy for a customer',
          {
            '201': ok('Created', ref('Policy')),
            '404': notFound,
            '409': errorResponse('Number already exists at this insurer'),
          },
          { requestBody: body(createPolicyInput) },
        ),
      },
      '/api/v1/policies/{id}': {
        get: op(
          'One policy',
          { '200': ok('Policy', ref('Policy')), '404': notFound },
          { parameters: [idParam] },
        ),
        patch: op(
          'Update a policy (status change emits policy.status_changed)',
          { '200': ok('Updated', ref('Policy')), '404': notFound },
          { parameters: [idParam], requestBody: body(updatePolicyInput) },
        ),
      },
      '/api/v1/claims': {
        get: op(
          'List claims in scope',
          { '200': ok('Page', ref('ClaimPage')) },
          { parameters: queryParams(listClaimsQuery) },
        ),
        post: op(
          'Report a claim on a policy (status reported)',
          {
            '201': ok('Created', ref('Claim')),
            '404': notFound,
            '409': errorResponse('Claim number exists'),
          },
          { requestBody: body(createClaimInput) },
        ),
      },
      '/api/v1/claims/{id}': {
        get: op(
          'One claim with its timeline',
          { '200': ok('Claim', ref('Claim')), '404': notFound },
          { parameters: [idParam] },
        ),
      },
      '/api/v1/claims/{id}/transitions': {
        post: op(
          'Move a claim: reported → accepted → reviewing ↔ need_documents → approved → paid → closed, or reviewing → rejected → closed',
          {
            '200': ok('Moved', ref('Claim')),
            '404': notFound,
            '409': errorResponse('Illegal transition; details { from, to, allowed }'),
          },
          { parameters: [idParam], requestBody: body(claimTransitionInput) },
        ),
      },
      '/api/v1/interactions': {
        get: op(
          'List interactions in scope',
          { '200': ok('Page', ref('InteractionPage')) },
          { parameters: queryParams(listInteractionsQuery) },
        ),
        post: op(
          'Log an interaction; nextFollowUpDate creates a task for the customer’s owner',
          {
            '201': ok('Created', {
              allOf: [
                ref('Interaction'),
                { type: 'object', properties: { followUpTask: { oneOf: [ref('Task'), { type: 'null' }] } } },
              ],
            }),
            '404': notFound,
          },
          { requestBody: body(createInteractionInput) },
        ),
      },
      '/api/v1/tasks': {
        get: op(
          'List tasks in scope (due: today/overdue/upcoming in Asia/Shanghai)',
          { '200': ok('Page', ref('TaskPage')) },
          {
            parameters: queryParams(listTasksQuery),
          },
        ),
        post: op(
          'Create a task',
          { '201': ok('Created', ref('Task')), '404': notFound, '422': errorResponse('Owner out of scope') },
          { requestBody: body(createTaskInput) },
        ),
      },
      '/api/v1/tasks/{id}': {
        patch: op(
          'Update or complete a task',
          { '200': ok('Updated', ref('Task')), '404': notFound },
          {
            parameters: [idParam],
            requestBody: body(updateTaskInput),
          },
        ),
      },
      '/api/v1/tickets': {
        get: op(
          'List tickets in scope (breached=true: open past SLA)',
          { '200': ok('Page', ref('TicketPage')) },
          {
            parameters: queryParams(listTicketsQuery),
          },
        ),
        post: op(
          'Open a ticket; SLA due time from type × urgency; routed to the customer’s team queue',
          { '201': ok('Created', ref('Ticket')), '404': notFound },
          { requestBody: body(createTicketInput) },
        ),
      },
      '/api/v1/tickets/{id}': {
        get: op(
          'One ticket with its breach flag',
          { '200': ok('Ticket', ref('Ticket')), '404': notFound },
          { parameters: [idParam] },
        ),
        patch: op(
          'Update a ticket (status, resolution, assignee)',
          { '200': ok('Updated', ref('Ticket')), '404': notFound, '409': errorResponse('Ticket closed') },
          { parameters: [idParam], requestBody: body(updateTicketInput) },
        ),
      },
      '/api/v1/handover': {
        post: op(
          'Hand an agent’s customers (all, or the listed ones), their open tasks and history to another agent, in bounded batches; audited. ' +
            'A whole book (no customerIds) also moves the agent’s open leads, each with the handover as its assignment reason',
          {
            '200': ok('Result', ref('HandoverResult')),
            '404': errorResponse('An agent outside the caller’s scope'),
            '422': errorResponse('Receiver invalid'),
          },
          { requestBody: body(handoverInput) },
        ),
      },
      '/api/v1/audit': {
        get: op(
          'Audit log (admins): writes with before/after diffs and unmasked-PII reads',
          { '200': ok('Page', ref('AuditPage')) },
          {
            parameters: queryParams(listAuditQuery),
          },
        ),
      },
    },
  };
}
