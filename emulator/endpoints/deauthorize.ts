/** POST /user/v1/deauthorize: the channel (by its channel access token) drops a user's permission. */

import type { Handler } from '../context';
import { messageError } from '../errors';
import { bearerToken, mediaType } from '../http';
import { empty } from '../respond';
import { AUTH_FAILED_MESSAGE, unauthorized } from './bearer';

export const deauthorize: Handler = async (ctx, state) => {
  const token = bearerToken(ctx.req);
  const tokenChannel = token === undefined ? undefined : await state.channelTokens.channelOf(token);
  const channelId = tokenChannel !== undefined && state.directory.hasChannel(tokenChannel) ? tokenChannel : undefined;
  if (channelId === undefined) {
    throw unauthorized(token, AUTH_FAILED_MESSAGE, 'channel access token invalid');
  }
  if (mediaType(ctx.req) !== 'application/json') {
    throw messageError(400, 'invalid_request', 'Content-Type must be application/json');
  }
  const body = ctx.json;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw messageError(400, 'invalid_request', 'The request body could not be parsed as JSON');
  }
  const userAccessToken = 'userAccessToken' in body ? body.userAccessToken : undefined;
  if (typeof userAccessToken !== 'string' || userAccessToken === '') {
    throw messageError(400, 'invalid_request', 'The request body has 1 error(s)', {
      details: [{ message: 'must be specified', property: 'userAccessToken' }],
    });
  }
  const record = state.tokens.lookupAccessToken(userAccessToken);
  if (record === undefined || record === 'expired' || record.grant.channelId !== channelId) {
    throw messageError(400, 'invalid_token', 'invalid token', { note: 'user access token invalid' });
  }
  const { userId } = record.grant;
  state.tokens.revokeUser(channelId, userId);
  state.consents.withdraw(channelId, userId);
  return empty(204);
};
