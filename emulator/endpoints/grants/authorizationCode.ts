/** grant_type=authorization_code: redeeming a code once, with its redirect_uri and PKCE verifier. */

import { createHash } from 'node:crypto';
import type { Handler } from '../../context';
import { invalidGrant, invalidRequest } from '../../errors';
import { field } from '../../http';
import { oauthJson } from '../../respond';
import { PKCE_PATTERN } from '../authorizeRequest';
import { authenticateClient, requiredField } from '../clientAuth';
import { issueTokens } from './issue';

/** RFC 7636 §4.2: the S256 code_challenge a verifier answers. */
function s256ChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export const authorizationCodeGrant: Handler = async (ctx, state) => {
  const form = ctx.form.values;
  const channel = authenticateClient(state, form, 'required');
  const code = requiredField(form, 'code');
  const redirectUri = field(form, 'redirect_uri');
  if (redirectUri === undefined) {
    throw invalidRequest('redirect_uri is required');
  }
  const record = state.codes.get(code);
  // One wording for unknown, expired and used codes, like LINE's single "invalid refresh token".
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
  const issued = await issueTokens(state, channel, user, record.request.scopes, record.request.nonce, authTime);
  record.grant = issued.grant;
  return oauthJson(200, issued.body);
};
