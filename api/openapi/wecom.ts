import { saySchema } from '../routes/dev-simulator.js';
import { body, errorResponse, ok, type OpenApiFragment } from './common.js';

const signedQuery = [
  {
    name: 'msg_signature',
    in: 'query',
    required: true,
    schema: { type: 'string', pattern: '^[0-9a-f]{40}$' },
  },
  { name: 'timestamp', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d+$' } },
  { name: 'nonce', in: 'query', required: true, schema: { type: 'string' } },
];
const refusals = {
  '400': errorResponse('Missing parameters, not XML, bad Base64, undecryptable or malformed payload'),
  '403': errorResponse(
    'Bad signature, wrong corp id (receiveid), or timestamp outside WECOM_CALLBACK_MAX_SKEW_SECONDS',
  ),
  '413': errorResponse('Body over 64 KiB'),
  '503': errorResponse('WeCom is not configured in this process'),
};

/** The WeCom callback endpoint (called by WeCom, not by Qibao clients) and the development inspector. */
export function wecomOpenApi(opts: { devLogin: boolean }): OpenApiFragment {
  const paths: Record<string, unknown> = {
    '/wecom/callback': {
      get: {
        summary: 'WeCom URL verification: answers the decrypted echostr as the raw body',
        tags: ['wecom'],
        parameters: [
          ...signedQuery,
          { name: 'echostr', in: 'query', required: true, schema: { type: 'string', format: 'byte' } },
        ],
        responses: {
          '200': {
            description: 'The plaintext echo',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...refusals,
        },
      },
      post: {
        summary:
          'WeCom message/event callback (encrypted XML). Stored idempotently, then acknowledged; handled asynchronously',
        tags: ['wecom'],
        parameters: signedQuery,
        requestBody: {
          required: true,
          content: {
            'text/xml': {
              schema: { type: 'string' },
              example:
                '<xml><ToUserName><![CDATA[corpid]]></ToUserName><Encrypt><![CDATA[…]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>',
            },
          },
        },
        responses: {
          '200': { description: 'Stored (or already stored: a WeCom retry). Empty body = no passive reply' },
          ...refusals,
        },
      },
    },
  };
  // The inspector exists only where dev-login does: in development.
  if (opts.devLogin) {
    paths['/dev/simulator'] = {
      get: {
        summary: 'Development only: HTML inspector of simulator traffic',
        tags: ['dev'],
        responses: {
          '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
        },
      },
    };
    paths['/dev/simulator/timeline'] = {
      get: {
        summary: 'Development only: the inspector timeline as JSON',
        tags: ['dev'],
        parameters: [{ name: 'member', in: 'query', required: false, schema: { type: 'string' } }],
        responses: { '200': ok('Timeline', { type: 'object' }), '503': errorResponse('No simulator') },
      },
    };
    paths['/dev/simulator/say'] = {
      post: {
        summary: 'Development only: the simulator sends a text message as a member to /wecom/callback',
        tags: ['dev'],
        requestBody: body(saySchema),
        responses: { '200': ok('Callback result', { type: 'object' }), '503': errorResponse('No simulator') },
      },
    };
  }
  return { paths };
}
