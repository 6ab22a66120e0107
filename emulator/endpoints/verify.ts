/** GET /oauth2/v2.1/verify: is this access token valid, for which channel and scopes. */

import type { Handler } from '../context';
import { invalidRequest } from '../errors';
import { json } from '../respond';
import { scopeString } from '../state/scopes';
import { requiredField } from './clientAuth';

export const verifyAccessToken: Handler = (ctx, state) => {
  const token = requiredField(ctx.query.values, 'access_token');
  const record = state.tokens.lookupAccessToken(token);
  if (record === undefined) {
    throw invalidRequest('access token invalid');
  }
  if (record === 'expired') {
    throw invalidRequest('access token expired');
  }
  return json(200, {
    scope: scopeString(record.grant.scopes),
    client_id: record.grant.channelId,
    expires_in: state.tokens.secondsLeft(record),
  });
};
