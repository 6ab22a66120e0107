/** grant_type=refresh_token. */

import type { Handler } from '../../context';
import { invalidGrant } from '../../errors';
import { oauthJson } from '../../respond';
import { scopeString } from '../../state/scopes';
import { authenticateClient, requiredField } from '../clientAuth';

export const refreshTokenGrant: Handler = (ctx, state) => {
  const form = ctx.form.values;
  const channel = authenticateClient(state, form, 'ifSent');
  const refreshToken = requiredField(form, 'refresh_token');
  const { tokens } = state;
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
  // Rotation: the old refresh token and the access token it came with both stop working.
  record.revoked = true;
  const oldAccess = tokens.accessTokenRecord(record.accessToken);
  if (oldAccess !== undefined) {
    oldAccess.revoked = true;
  }
  const { accessToken, refreshToken: newRefreshToken } = tokens.mintPair(record.grant, record.expiresAt);
  // LINE's refresh response: no id_token (the client keeps the one from sign-in).
  return oauthJson(200, {
    access_token: accessToken,
    token_type: 'Bearer',
    refresh_token: newRefreshToken,
    expires_in: tokens.lifetimes.accessTokenSeconds,
    scope: scopeString(record.grant.scopes),
  });
};
