import type * as T from './types';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One API operation: method, path template and (type-only) the response and body types. */
export interface Endpoint<Res, Body, Path extends string> {
  method: Method;
  path: Path;
  /** Sends the session token; a missing or rejected session sends the user to the login page. */
  auth: boolean;
  /** Never set: carries the types from this table to `api()`. */
  readonly __types?: { res: Res; body: Body };
}

/** `'/customers/:id/invite'` → `'id'`: `api()` then demands `params: { id }`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

const op =
  <Res, Body = undefined>(method: Method, auth = true) =>
  <P extends string>(path: P): Endpoint<Res, Body, P> => ({ method, path, auth });

/** Every API call the mini-program makes, in one table (README lists it too). */
export const endpoints = {
  // Sessions
  devLogin: op<T.DevLoginResponse, { userId: string }>('POST', false)('/api/v1/auth/dev-login'),
  me: op<T.MeResponse>('GET')('/api/v1/me'),
} as const;
