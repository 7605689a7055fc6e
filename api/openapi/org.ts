import { createBranchInput, createTeamInput, createUserInput, listUsersQuery } from '#core/user/user.schemas';
import { devLoginInput } from '../routes/auth.js';
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

const scopeSchema = {
  oneOf: [
    { type: 'object', properties: { level: { const: 'own' }, userId: { type: 'string' } } },
    { type: 'object', properties: { level: { const: 'team' }, teamId: { type: 'string' } } },
    { type: 'object', properties: { level: { const: 'branch' }, branchId: { type: 'string' } } },
    { type: 'object', properties: { level: { const: 'all' } } },
  ],
};

/** Health, session and org-administration routes. */
export function orgOpenApi(opts: { devLogin: boolean }): OpenApiFragment {
  const paths: Record<string, unknown> = {
    '/healthz': { get: { summary: 'Process is up', responses: { '200': ok('Up', { type: 'object' }) } } },
    '/readyz': {
      get: {
        summary: 'Database reachable',
        responses: {
          '200': ok('Ready', {
            type: 'object',
            properties: { status: { const: 'ok' }, db: { const: 'ok' } },
          }),
          '503': ok('Not ready', {
            type: 'object',
            properties: { status: { const: 'unavailable' }, db: { type: 'string' } },
          }),
        },
      },
    },
    '/api/v1/me': {
      get: {
        summary: 'The signed-in user, role and data scope',
        security: secured,
        responses: {
          '200': ok('Me', {
            type: 'object',
            properties: { user: ref('User'), role: { type: 'string' }, scope: scopeSchema },
          }),
          ...authErrors,
        },
      },
    },
    '/api/v1/users': {
      get: {
        summary: 'List users (admin)',
        security: secured,
        parameters: queryParams(listUsersQuery),
        responses: {
          '200': ok('Page of users', ref('UserPage')),
          '400': errorResponse('Bad query'),
          ...authErrors,
        },
      },
      post: {
        summary: 'Create a user (admin)',
        security: secured,
        requestBody: body(createUserInput),
        responses: {
          '201': ok('Created', ref('User')),
          '400': errorResponse('Validation failed (field-level details)'),
          '409': errorResponse('WeCom userid already used (details.existingId)'),
          '422': errorResponse('Team/branch placement invalid for the role'),
          ...authErrors,
        },
      },
    },
    '/api/v1/users/{id}': {
      get: {
        summary: 'One user (admin)',
        security: secured,
        parameters: [idParam],
        responses: { '200': ok('User', ref('User')), '404': errorResponse('No such user'), ...authErrors },
      },
    },
    '/api/v1/users/{id}/deactivate': {
      post: {
        summary: 'Deactivate a user (admin); their tokens stop working at once',
        security: secured,
        parameters: [idParam],
        responses: {
          '200': ok('Deactivated', ref('User')),
          '404': errorResponse('No such user'),
          ...authErrors,
        },
      },
    },
    '/api/v1/branches': {
      get: {
        summary: 'List branches (admin)',
        security: secured,
        responses: { '200': ok('Branches', { type: 'object' }), ...authErrors },
      },
      post: {
        summary: 'Create a branch (admin)',
        security: secured,
        requestBody: body(createBranchInput),
        responses: {
          '201': ok('Created', { type: 'object' }),
          '409': errorResponse('Name taken'),
          ...authErrors,
        },
      },
    },
    '/api/v1/teams': {
      get: {
        summary: 'List teams (admin)',
        security: secured,
        parameters: [{ name: 'branchId', in: 'query', required: false, schema: { type: 'string' } }],
        responses: { '200': ok('Teams', { type: 'object' }), ...authErrors },
      },
      post: {
        summary: 'Create a team in a branch (admin)',
        security: secured,
        requestBody: body(createTeamInput),
        responses: {
          '201': ok('Created', { type: 'object' }),
          '409': errorResponse('Name taken in branch'),
          ...authErrors,
        },
      },
    },
  };
  if (opts.devLogin) {
    paths['/api/v1/auth/dev-login'] = {
      post: {
        summary: 'Development only: sign in as an active user by id or WeCom userid (absent in production)',
        requestBody: body(devLoginInput),
        responses: {
          '200': ok('Session', {
            type: 'object',
            properties: {
              token: { type: 'string' },
              expiresAt: { type: 'string', format: 'date-time' },
              user: ref('User'),
            },
          }),
          '401': errorResponse('Unknown or inactive user'),
        },
      },
    };
  }
  return {
    paths,
    schemas: {
      User: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          role: { enum: ['agent', 'team_lead', 'branch_manager', 'admin'] },
          wecomUserId: { type: 'string' },
          teamId: { type: 'string' },
          branchId: { type: 'string' },
          region: { type: 'string' },
          productLines: { type: 'array', items: { type: 'string' } },
          active: { type: 'boolean' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      UserPage: {
        type: 'object',
        properties: {
          items: { type: 'array', items: ref('User') },
          total: { type: 'integer' },
          page: { type: 'integer' },
          pageSize: { type: 'integer' },
        },
      },
    },
  };
}
