/** POST /oauth2/v2.1/revoke. */

import type { Handler } from '../context';
import { empty } from '../respond';
import { authenticateClient, requireForm, requiredField } from './clientAuth';

export const revoke: Handler = (ctx, state) => {
  requireForm(ctx);
  const form = ctx.form.values;
  const channel = authenticateClient(state, form, 'ifSent');
  const token = requiredField(form, 'access_token');
  const record = state.tokens.accessTokenRecord(token);
  // Another channel's token is left alone, but the answer is the same: LINE returns an empty 200 for
  // tokens it does not know, so the response reveals nothing.
  if (record !== undefined && record.grant.channelId === channel.channelId) {
    record.grant.revoked = true;
  }
  return empty(200);
};
