import { z } from 'zod';

// Shared pieces for the per-domain OpenAPI fragments. Request bodies come from the same zod schemas
// the routes validate with, so the document cannot drift from the code.

/** A domain's contribution to the OpenAPI document. */
export interface OpenApiFragment {
  paths: Record<string, unknown>;
  schemas?: Record<string, unknown>;
}

export const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: unknown) => ({ 'application/json': { schema } });
export const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
export const ok = (description: string, schema: unknown) => ({ description, content: json(schema) });
export const body = (schema: z.ZodType) => ({ required: true, content: json(jsonSchema(schema)) });
export const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[a-f0-9]{24}$' },
};
export const secured = [{ bearer: [] }];
export const authErrors = {
  '401': errorResponse('Missing, tampered or expired token'),
  '403': errorResponse('Role not allowed'),
};

/** Query parameters described from a zod object schema. */
export function queryParams(schema: z.ZodObject) {
  const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: js.required?.includes(name) ?? false,
    schema: s,
  }));
}
