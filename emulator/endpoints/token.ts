/** POST /oauth2/v2.1/token: dispatches on grant_type to one handler per grant. */

import type { Handler } from '../context';
import { unsupportedGrantType } from '../errors';
import { authorizationCodeGrant } from './grants/authorizationCode';
import { refreshTokenGrant } from './grants/refreshToken';
import { requiredField, requireForm } from './clientAuth';

const GRANTS = new Map<string, Handler>([
  ['authorization_code', authorizationCodeGrant],
  ['refresh_token', refreshTokenGrant],
]);

export const token: Handler = (ctx, state) => {
  requireForm(ctx);
  const grantType = requiredField(state, ctx.form.values, 'grant_type', 'tokenEndpoint');
  const grant = GRANTS.get(grantType);
  if (grant === undefined) {
    throw unsupportedGrantType();
  }
  return grant(ctx, state);
};
