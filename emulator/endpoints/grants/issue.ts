/** Minting a grant's first tokens and its ID token: shared by the code exchange and `issueTokensDirectly`. */

import type { JWTPayload } from 'jose';
import type { EmulatorState } from '../../state';
import type { Grant } from '../../state/tokens';
import type { Scope } from '../../state/scopes';
import { scopeString } from '../../state/scopes';
import type { EmulatorChannel, EmulatorUser, IssuedTokens } from '../../types';

export const ID_TOKEN_LIFETIME_SECONDS = 3600;

export async function issueTokens(
  state: EmulatorState,
  channel: EmulatorChannel,
  user: EmulatorUser,
  scopes: Scope[],
  nonce: string | undefined,
  authTime: number | undefined,
  alg: 'HS256' | 'ES256' = channel.idTokenAlg ?? 'HS256',
): Promise<{ grant: Grant; body: IssuedTokens }> {
  const { tokens } = state;
  const grant = tokens.newGrant(channel.channelId, user.userId, scopes);
  const { accessToken, refreshToken } = tokens.mintPair(grant, state.clock.now() + tokens.lifetimes.refreshTokenMs);
  const idToken = scopes.includes('openid')
    ? await mintIdToken(state, channel, user, scopes, nonce, authTime, alg)
    : undefined;
  // Field order as in LINE's reference response.
  const body: IssuedTokens = {
    access_token: accessToken,
    expires_in: tokens.lifetimes.accessTokenSeconds,
    ...(idToken === undefined ? {} : { id_token: idToken }),
    refresh_token: refreshToken,
    scope: scopeString(scopes),
    token_type: 'Bearer',
  };
  return { grant, body };
}

async function mintIdToken(
  state: EmulatorState,
  channel: EmulatorChannel,
  user: EmulatorUser,
  scopes: Scope[],
  nonce: string | undefined,
  authTime: number | undefined,
  alg: 'HS256' | 'ES256',
): Promise<string> {
  const iat = state.clock.nowSeconds();
  // Claim order as LINE's verify endpoint shows them.
  const payload: JWTPayload = {
    iss: state.urls.authorizeBaseUrl,
    sub: user.userId,
    aud: channel.channelId,
    exp: iat + ID_TOKEN_LIFETIME_SECONDS,
    iat,
    ...(authTime === undefined ? {} : { auth_time: authTime }),
    ...(nonce === undefined ? {} : { nonce }),
    amr: ['pwd'],
    ...(scopes.includes('profile')
      ? { name: user.displayName, ...(user.pictureUrl === undefined ? {} : { picture: user.pictureUrl }) }
      : {}),
    // README ledger L26: without the channel's email permission the scope yields no claim.
    ...(scopes.includes('email') && channel.emailPermission !== false && user.email !== undefined
      ? { email: user.email }
      : {}),
  };
  return state.keys.sign(channel, payload, alg, undefined);
}
