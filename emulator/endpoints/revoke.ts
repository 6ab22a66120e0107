/** POST /oauth2/v2.1/revoke: by access token (the web API) or by refresh token (what LINE's SDKs send). */

import type { Handler } from '../context';
import { EmulatorError, invalidRequest } from '../errors';
import { field } from '../http';
import { empty } from '../respond';
import type { EmulatorState } from '../state';
import type { Grant } from '../state/tokens';
import { authenticateClient, isWebAppOnly, requireForm } from './clientAuth';

export const revoke: Handler = (ctx, state) => {
  requireForm(ctx);
  const form = ctx.form.values;
  // README ledger L1: client_secret is required for web-app-only channels.
  const channel = authenticateClient(state, form, isWebAppOnly);
  const accessToken = field(form, 'access_token');
  const refreshToken = field(form, 'refresh_token');
  const hasAccess = accessToken !== undefined && accessToken !== '';
  const hasRefresh = refreshToken !== undefined && refreshToken !== '';
  if (hasAccess === hasRefresh) {
    throw invalidRequest(hasAccess ? 'send access_token or refresh_token, not both' : 'access_token is required');
  }
  const grant = hasAccess ? liveGrantOfAccessToken(state, accessToken) : liveGrantOfRefreshToken(state, refreshToken);
  if (grant === undefined || grant.channelId !== channel.channelId) {
    return invalidToken(state);
  }
  // README ledger L7: revoking either token ends the sign-in: its refresh token and every access token.
  grant.revoked = true;
  return empty(200);
};

function liveGrantOfAccessToken(state: EmulatorState, token: string | undefined): Grant | undefined {
  const record = state.tokens.lookupAccessToken(token);
  return record === undefined || record === 'expired' ? undefined : record.grant;
}

function liveGrantOfRefreshToken(state: EmulatorState, token: string | undefined): Grant | undefined {
  const record = token === undefined ? undefined : state.tokens.refreshTokenRecord(token);
  if (record === undefined || record.revoked || record.grant.revoked || state.clock.now() >= record.expiresAt) {
    return undefined;
  }
  return record.grant;
}

/**
 * README ledger L6: LINE's iOS SDK treats a 400 `{"error":"invalid_request"}` (its test stub) as
 * success "since the token itself is invalid"; the body has no description there, nor here.
 */
function invalidToken(state: EmulatorState): ReturnType<Handler> {
  if (state.behaviour.revokeInvalidToken === 'ok') {
    return empty(200);
  }
  throw new EmulatorError(400, 'invalid_request', '', 'oauth', { note: 'invalid_request: token unknown or not live' });
}
