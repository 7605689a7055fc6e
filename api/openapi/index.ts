import { botOpenApi } from './bot.js';
import { complianceOpenApi } from './compliance.js';
import { customer360OpenApi } from './customer360.js';
import { leadsOpenApi } from './leads.js';
import { miniprogramOpenApi } from './miniprogram.js';
import { notificationsOpenApi } from './notifications.js';
import { orgOpenApi } from './org.js';
import { wecomOpenApi } from './wecom.js';
import type { OpenApiFragment } from './common.js';

/** The OpenAPI 3.1 description of the HTTP API, served at GET /api/v1/openapi.json. Domains add fragments. */
export function buildOpenApi(opts: { devLogin: boolean }) {
  const fragments: OpenApiFragment[] = [
    orgOpenApi(opts),
    wecomOpenApi(opts),
    complianceOpenApi(),
    customer360OpenApi(),
    leadsOpenApi(),
    miniprogramOpenApi(opts),
    notificationsOpenApi(),
    botOpenApi(),
  ];
  const paths: Record<string, unknown> = {
    '/api/v1/openapi.json': {
      get: { summary: 'This document', responses: { '200': { description: 'OpenAPI' } } },
    },
  };
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', examples: ['VALIDATION_FAILED'] },
            message: { type: 'string', description: 'Simplified Chinese, for users' },
            details: { description: 'e.g. [{ path, message }] for VALIDATION_FAILED' },
          },
        },
      },
    },
  };
  for (const f of fragments) {
    Object.assign(paths, f.paths);
    Object.assign(schemas, f.schemas ?? {});
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Qibao API',
      version: '0.1.0',
      description: '企保 — WeCom-native CRM for insurance agencies',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
    paths,
  };
}
