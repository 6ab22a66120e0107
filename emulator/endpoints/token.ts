/** POST /oauth2/v2.1/token: dispatches on grant_type to one handler per grant. */

import type { Handler } from '../context';
import { invalidRequest, unsupportedGrantType } from '../errors';
import { field } from '../http';
import { authorizationCodeGrant } from './grants/authorizationCode';
import { refreshTokenGrant } from './grants/refreshToken';
import { requireForm } from './clientAuth';

const GRANTS = new Map<string, Handler>([
  ['authorization_code', authorizationCodeGrant],
  ['refresh_token', refreshTokenGrant],
]);

export const token: Handler = (ctx, state) => {
  requireForm(ctx);
  const grantType = field(ctx.form.values, 'grant_type');
  if (grantType === undefined || grantType === '') {
    throw invalidRequest('grant_type is required');
  }
  const grant = GRANTS.get(grantType);
  if (grant === undefined) {
    throw unsupportedGrantType();
  }
  return grant(ctx, state);
};
