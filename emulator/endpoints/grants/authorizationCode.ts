/** grant_type=authorization_code: redeeming a code once, with its redirect_uri and PKCE verifier. */

import { createHash } from 'node:crypto';
import type { Handler } from '../../context';
import { invalidGrant, invalidRequest } from '../../errors';
import { field } from '../../http';
import { oauthJson } from '../../respond';
import { PKCE_PATTERN } from '../authorizeRequest';
import { authenticateClient, clientError, isWebAppOnly, requiredField } from '../clientAuth';
import { issueTokens } from './issue';

/** RFC 7636 §4.2: the S256 code_challenge a verifier answers. */
function s256ChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export const authorizationCodeGrant: Handler = async (ctx, state) => {
  const form = ctx.form.values;
  const sentCode = field(form, 'code');
  const pending = sentCode === undefined ? undefined : state.codes.get(sentCode);
  // README ledger L5: LINE's native SDKs exchange a PKCE-bound code with no client_secret; a web
  // app channel always needs it.
  const channel = authenticateClient(
    state,
    form,
    (candidate) =>
      isWebAppOnly(candidate) ||
      pending?.request.channelId !== candidate.channelId ||
      pending.request.codeChallenge === undefined,
    'tokenEndpoint',
  );
  const code = requiredField(state, form, 'code', 'tokenEndpoint');
  const redirectUri = field(form, 'redirect_uri');
  if (redirectUri === undefined) {
    throw clientError(state, 'tokenEndpoint', () => invalidRequest('redirect_uri is required'));
  }
  const record = state.codes.get(code);
  // README ledger L16: one wording for unknown, expired and used codes, like LINE's "invalid refresh token".
  const invalidCode = invalidGrant('invalid authorization code');
  if (record === undefined || record.request.channelId !== channel.channelId) {
    throw invalidCode;
  }
  if (record.used) {
    // RFC 6749 §4.1.2: a reused code should revoke the tokens already issued from it.
    if (record.grant !== undefined) {
      record.grant.revoked = true;
    }
    throw invalidCode.withNote('invalid_grant: authorization code reused; tokens issued from it revoked');
  }
  if (state.clock.now() >= record.expiresAt) {
    state.codes.delete(code);
    throw invalidCode.withNote('invalid_grant: authorization code expired');
  }
  // Used from the first attempt that passes client authentication, even if what follows fails.
  record.used = true;
  // RFC 6749 §4.1.3: the same redirect_uri, compared as a string.
  if (redirectUri !== record.request.redirectUri) {
    throw invalidGrant('redirect_uri does not match');
  }
  if (record.request.codeChallenge !== undefined) {
    const verifier = field(form, 'code_verifier');
    // RFC 7636 §4.6: S256, and a verifier is mandatory once a challenge was sent.
    if (
      verifier === undefined ||
      !PKCE_PATTERN.test(verifier) ||
      s256ChallengeOf(verifier) !== record.request.codeChallenge
    ) {
      throw invalidGrant('invalid code_verifier');
    }
  }
  const user = state.directory.user(record.userId);
  if (user === undefined) {
    throw invalidCode;
  }
  const authTime = record.request.maxAge === undefined ? undefined : Math.floor(record.authTime / 1000);
  // README ledger L5: the SDKs ask for ES256 (keys in the JWKS) with id_token_key_type=JWK; web
  // login gets the channel's algorithm (HS256 with the channel secret unless configured otherwise).
  const alg = field(form, 'id_token_key_type') === 'JWK' ? 'ES256' : (channel.idTokenAlg ?? 'HS256');
  const issued = await issueTokens(state, channel, user, record.request.scopes, record.request.nonce, authTime, alg);
  record.grant = issued.grant;
  return oauthJson(200, issued.body);
};
