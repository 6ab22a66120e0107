/** GET /oauth2/v2.1/verify: is this access token valid, for which channel and scopes. */

import type { Handler } from '../context';
import { invalidRequest, messageError } from '../errors';
import { json } from '../respond';
import { scopeString } from '../state/scopes';
import { requiredField } from './clientAuth';

/**
 * README ledger L12: a JWT-shaped token whose payload is not a JSON object got
 * `{"message":"failed to parse"}` in a public report (line/line-sdk-android#98); the status was not
 * reported, 400 is the emulator's choice.
 */
function unparsable(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return false;
  }
  try {
    const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return typeof payload !== 'object' || payload === null || Array.isArray(payload);
  } catch {
    return true;
  }
}

export const verifyAccessToken: Handler = (ctx, state) => {
  const token = requiredField(state, ctx.query.values, 'access_token');
  if (unparsable(token)) {
    throw messageError(400, 'failed_to_parse', 'failed to parse');
  }
  const record = state.tokens.lookupAccessToken(token);
  // README ledger L18: "access token expired" is documented; "access token invalid" is the emulator's choice.
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
