import { bindingInput } from '../routes/bot.js';
import { authErrors, body, errorResponse, ok, secured, type OpenApiFragment } from './common.js';

const contactId = {
  name: 'contactId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[\\w@.:-]{1,128}$' },
};
const binding = {
  type: 'object',
  required: ['contactId', 'userId'],
  properties: { contactId: { type: 'string' }, userId: { type: 'string' } },
};

/** Admin endpoints of the bot: wechaty contact → Qibao user bindings. */
export function botOpenApi(): OpenApiFragment {
  return {
    paths: {
      '/api/v1/bot/bindings': {
        get: {
          summary: 'List wechaty contact bindings (admin)',
          tags: ['bot'],
          security: secured,
          responses: {
            '200': ok('Bindings', {
              type: 'object',
              properties: {
                items: {
                  type: 'array',
                  items: { ...binding, properties: { ...binding.properties, createdBy: { type: 'string' } } },
                },
              },
            }),
            ...authErrors,
          },
        },
      },
      '/api/v1/bot/bindings/{contactId}': {
        put: {
          summary: 'Bind a wechaty contact to a Qibao user (admin); the bot then acts with that user’s scope',
          tags: ['bot'],
          security: secured,
          parameters: [contactId],
          requestBody: body(bindingInput),
          responses: {
            '200': ok('Bound', binding),
            '400': errorResponse('Unknown or inactive user'),
            ...authErrors,
          },
        },
        delete: {
          summary: 'Remove a binding (admin)',
          tags: ['bot'],
          security: secured,
          parameters: [contactId],
          responses: {
            '204': { description: 'Removed' },
            '404': errorResponse('No such binding'),
            ...authErrors,
          },
        },
      },
    },
  };
}
