/**
 * `Authorization: Bearer` checks of the user-data endpoints (profile, userinfo, friendship).
 * README ledger L11: the statuses (401, 403) are what LINE's SDKs rely on; the `{"message"}` bodies
 * and the RFC 6750 `WWW-Authenticate` header are borrowed (Messaging API, RFC 6750) and unconfirmed.
 */

import type { RequestContext } from '../context';
import { messageError } from '../errors';
import type { EmulatorError } from '../errors';
import { bearerToken } from '../http';
import type { EmulatorState } from '../state';
import type { Scope } from '../state/scopes';
import type { Grant } from '../state/tokens';
import type { EmulatorUser } from '../types';

export const AUTH_FAILED_MESSAGE =
  'Authentication failed. Confirm that the access token in the authorization header is valid.';

/** 401 for a missing or bad bearer token. RFC 6750 §3: no error code when the request carried no credentials at all. */
export function unauthorized(token: string | undefined, message: string, note?: string): EmulatorError {
  return messageError(401, 'invalid_token', message, {
    headers: { 'www-authenticate': token === undefined ? 'Bearer' : 'Bearer error="invalid_token"' },
    ...(note === undefined ? {} : { note }),
  });
}

/** The user and grant behind `Authorization: Bearer`; throws the 401/403 otherwise. */
export function requireBearer(
  ctx: RequestContext,
  state: EmulatorState,
  scope: Scope,
): { user: EmulatorUser; grant: Grant } {
  const token = bearerToken(ctx.req);
  const record = state.tokens.lookupAccessToken(token);
  if (token === undefined || record === undefined || record === 'expired') {
    const note =
      token === undefined ? 'no bearer token' : record === 'expired' ? 'access token expired' : 'access token invalid';
    throw unauthorized(token, record === 'expired' ? 'The access token expired' : AUTH_FAILED_MESSAGE, note);
  }
  const user = state.directory.user(record.grant.userId);
  if (user === undefined) {
    throw unauthorized(token, AUTH_FAILED_MESSAGE);
  }
  if (!record.grant.scopes.includes(scope)) {
    throw messageError(403, 'insufficient_scope', `The access token does not have the required scope (${scope}).`, {
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
      note: `missing scope ${scope}`,
    });
  }
  return { user, grant: record.grant };
}
