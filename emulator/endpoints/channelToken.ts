/** POST /oauth2/v3/token: a stateless channel access token (client_credentials). */

import type { Handler } from '../context';
import { invalidRequest, unsupportedGrantType } from '../errors';
import { field } from '../http';
import { oauthJson } from '../respond';
import { authenticateClient, requireForm } from './clientAuth';

/** README ledger L15: LINE's Channel Access Token API: a stateless channel access token lives 15 minutes. */
export const STATELESS_CHANNEL_TOKEN_LIFETIME_SECONDS = 15 * 60;

export const channelToken: Handler = async (ctx, state) => {
  requireForm(ctx);
  const form = ctx.form.values;
  const grantType = field(form, 'grant_type');
  if (grantType === undefined || grantType === '') {
    throw invalidRequest('grant_type is required');
  }
  if (grantType !== 'client_credentials') {
    throw unsupportedGrantType();
  }
  const channel = authenticateClient(state, form, () => true);
  const token = await state.channelTokens.sign(channel.channelId, STATELESS_CHANNEL_TOKEN_LIFETIME_SECONDS);
  return oauthJson(200, {
    token_type: 'Bearer',
    access_token: token,
    expires_in: STATELESS_CHANNEL_TOKEN_LIFETIME_SECONDS,
  });
};
