/** Authentication and authorisation failures. */
export type AuthErrorCode = 'UNAUTHENTICATED' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'FORBIDDEN';
