/** Reading GET /oauth2/v2.1/authorize: the callback check and the parameter checks, in LINE's order. */

import { isRegisteredCallback } from '../../src/core/registeredCallback';
import { authorizeError } from '../errors';
import type { EmulatorError, ResponseMode } from '../errors';
import { field } from '../http';
import type { ParsedParams } from '../http';
import type { AuthorizeRequest } from '../state/codes';
import { parseScopes } from '../state/scopes';
import type { EmulatorChannel } from '../types';

/**
 * The user declined (README ledger L4): LINE's documentation shows `ACCESS_DENIED` with this
 * description; the Android SDK compares case-insensitively because `access_denied` was seen on the
 * wire, and the iOS SDK only knows the lower-case form, so the casing is a switch (denyConsent fault).
 */
export function accessDenied(errorCase: 'upper' | 'lower' = 'upper'): EmulatorError {
  return authorizeError(
    errorCase === 'lower' ? 'access_denied' : 'ACCESS_DENIED',
    'The resource owner denied the request.',
  );
}

/** RFC 7636 §4.1: the verifier (and an S256 challenge's alphabet). */
export const PKCE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** README ledger: LINE's callback rule, shared with the Inspector's app checks (src/core/registeredCallback.ts). */
export function callbackMatches(channel: EmulatorChannel, redirectUri: string): boolean {
  return isRegisteredCallback(redirectUri, channel.callbackUrls);
}

const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'form_post', 'query.jwt', 'form_post.jwt', 'jwt'];

function isResponseMode(value: string | undefined): value is ResponseMode {
  return RESPONSE_MODES.some((mode) => mode === value);
}

/** The requested response_mode; an unknown one falls back to `query` for reporting the error. */
export function responseModeOf(query: ParsedParams): ResponseMode {
  const raw = field(query.values, 'response_mode');
  return isResponseMode(raw) ? raw : 'query';
}

/** The validated request; throws the authorize error (to be redirected to the app) otherwise. */
export function parseAuthorizeRequest(
  channel: EmulatorChannel,
  redirectUri: string,
  query: ParsedParams,
): AuthorizeRequest {
  const q = query.values;
  const duplicate = query.duplicates[0];
  if (duplicate !== undefined) {
    // RFC 6749 §3.1: parameters must not be included more than once.
    throw authorizeError('INVALID_REQUEST', `duplicate parameter: ${duplicate}`);
  }
  const rawMode = field(q, 'response_mode');
  if (rawMode !== undefined && !isResponseMode(rawMode)) {
    throw authorizeError('INVALID_REQUEST', 'invalid response_mode');
  }
  const responseType = field(q, 'response_type');
  if (responseType === undefined || responseType === '') {
    throw authorizeError('INVALID_REQUEST', 'response_type is required');
  }
  if (responseType !== 'code') {
    throw authorizeError('UNSUPPORTED_RESPONSE_TYPE', 'response_type must be code');
  }
  const state = field(q, 'state');
  if (state === undefined || state === '') {
    // README ledger L10: LINE's wording as developers have seen it on the callback.
    throw authorizeError('INVALID_REQUEST', "'state' is not specified.");
  }
  const scopes = parseScopes(field(q, 'scope'));
  const prompt = field(q, 'prompt');
  if (prompt !== undefined && prompt !== 'consent' && prompt !== 'none' && prompt !== 'login') {
    throw authorizeError('INVALID_REQUEST', 'invalid prompt');
  }
  const rawMaxAge = field(q, 'max_age');
  if (rawMaxAge !== undefined && !/^\d{1,10}$/.test(rawMaxAge)) {
    throw authorizeError('INVALID_REQUEST', 'invalid max_age');
  }
  const botPrompt = field(q, 'bot_prompt');
  if (botPrompt !== undefined && botPrompt !== 'normal' && botPrompt !== 'aggressive') {
    throw authorizeError('INVALID_REQUEST', 'invalid bot_prompt');
  }
  const codeChallenge = field(q, 'code_challenge');
  const challengeMethod = field(q, 'code_challenge_method');
  if (codeChallenge !== undefined || challengeMethod !== undefined) {
    // LINE supports S256 only, so the RFC 7636 default (`plain`) is not available either.
    if (challengeMethod !== 'S256') {
      throw authorizeError('INVALID_REQUEST', 'code_challenge_method must be S256');
    }
    if (codeChallenge === undefined || !PKCE_PATTERN.test(codeChallenge)) {
      throw authorizeError('INVALID_REQUEST', 'invalid code_challenge');
    }
  }
  return {
    channelId: channel.channelId,
    redirectUri,
    state,
    scopes,
    nonce: field(q, 'nonce'),
    prompt,
    maxAge: rawMaxAge === undefined ? undefined : Number(rawMaxAge),
    botPrompt,
    codeChallenge,
    responseMode: responseModeOf(query),
    uiLocales: field(q, 'ui_locales'),
    disableAutoLogin: field(q, 'disable_auto_login') === 'true',
    params: { ...q },
  };
}
