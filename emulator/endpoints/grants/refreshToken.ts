/** grant_type=refresh_token. */

import type { Handler } from '../../context';
import { invalidGrant } from '../../errors';
import { oauthJson } from '../../respond';
import { scopeString } from '../../state/scopes';
import { authenticateClient, isWebAppOnly, requiredField } from '../clientAuth';

export const refreshTokenGrant: Handler = (ctx, state) => {
  const form = ctx.form.values;
  // README ledger L1: client_secret is required for web-app-only channels.
  const channel = authenticateClient(state, form, isWebAppOnly, 'tokenEndpoint');
  const refreshToken = requiredField(state, form, 'refresh_token', 'tokenEndpoint');
  const { tokens, behaviour } = state;
  const record = tokens.refreshTokenRecord(refreshToken);
  if (
    record === undefined ||
    record.revoked ||
    record.grant.revoked ||
    record.grant.channelId !== channel.channelId ||
    state.clock.now() >= record.expiresAt
  ) {
    throw invalidGrant('invalid refresh token');
  }
  if (behaviour.refreshRevokesOldAccessToken) {
    // README ledger L3: the access token this refresh replaces stops working.
    const oldAccess = tokens.accessTokenRecord(record.accessToken);
    if (oldAccess !== undefined) {
      oldAccess.revoked = true;
    }
  }
  let accessToken: string;
  let returnedRefreshToken: string;
  if (behaviour.refreshTokenRotation) {
    // README ledger L2 (switch): a new refresh token, bounded by the same original issue time.
    record.revoked = true;
    ({ accessToken, refreshToken: returnedRefreshToken } = tokens.mintPair(record.grant, record.expiresAt));
  } else {
    // README ledger L2 (default): LINE's reference returns the refresh token that was sent.
    accessToken = tokens.mintAccessToken(record.grant);
    record.accessToken = accessToken;
    returnedRefreshToken = refreshToken;
  }
  // LINE's refresh response: no id_token (the client keeps the one from sign-in).
  return oauthJson(200, {
    access_token: accessToken,
    token_type: 'Bearer',
    refresh_token: returnedRefreshToken,
    expires_in: tokens.lifetimes.accessTokenSeconds,
    scope: scopeString(record.grant.scopes),
  });
};
