/**
 * The checks on LINE's authorize redirect, shared by the loopback server and the "paste the
 * redirected URL" flow (remote, web and WSL extension hosts, where the browser cannot reach us).
 * Error messages never carry the `code` or `state` values.
 */
import { AuthorizationError, InputError } from './errors';
import { constantTimeEqual } from './constantTime';
import { callbackBindHosts } from './loopback';
import { printableLineText } from './lineText';

/** The callback URL a new channel starts with, and the example error messages give. */
export const DEFAULT_CALLBACK_URL = 'http://localhost:33418/callback';

export interface ParsedCallbackUrl {
  url: URL;
  /** The loopback addresses to listen on, in order; only the first is mandatory. */
  bindHosts: string[];
  port: number;
  /** The path a callback must arrive on; the URL's own query parameters are not part of it. */
  path: string;
}

/** What a valid callback carries (LINE Login v2.1 §Authorize, success redirect). */
export interface AuthorizationCallback {
  code: string;
  /** Only when `bot_prompt` was sent: whether the user's friendship with the Official Account changed. */
  friendshipStatusChanged?: boolean;
}

function invalidCallbackUrl(reason: string, callbackUrl: string): AuthorizationError {
  return new AuthorizationError('ERR_CALLBACK_URL_INVALID', reason, { callbackUrl });
}

/**
 * The registered callback URL decides host, port and path: LINE redirects only to an exact match,
 * so the port cannot be ephemeral (RFC 8252 §7.3 would allow any port; LINE does not).
 */
export function parseCallbackUrl(callbackUrl: string): ParsedCallbackUrl {
  const text = callbackUrl.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidCallbackUrl(text === '' ? 'No callback URL is set.' : `"${text}" is not a valid URL.`, text);
  }
  if (url.protocol !== 'http:') {
    // RFC 8252 §7.3: loopback redirects use http; a local listener has no certificate for https.
    throw invalidCallbackUrl(`The callback URL uses ${url.protocol.replace(/:$/, '')}, not http.`, text);
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidCallbackUrl('The callback URL must not contain a user name or password.', text);
  }
  if (url.hash !== '') {
    // RFC 6749 §3.1.2: a redirection endpoint URI must not include a fragment.
    throw invalidCallbackUrl('The callback URL must not contain a fragment (#...).', text);
  }

  const bindHosts = callbackBindHosts(url.hostname);
  if (bindHosts === undefined) {
    throw invalidCallbackUrl(
      `The host ${url.hostname} is not a loopback address (localhost, 127.0.0.1 or [::1]).`,
      text,
    );
  }

  const port = url.port === '' ? 80 : Number(url.port);
  if (port === 0) {
    throw invalidCallbackUrl('Port 0 cannot be registered with LINE.', text);
  }
  return { url, bindHosts: [...bindHosts], port, path: url.pathname };
}

function stateMismatch(error: boolean): AuthorizationError {
  return new AuthorizationError(
    'ERR_STATE_MISMATCH',
    error
      ? 'It carries an error, whose text is not shown: it did not come from LINE for this attempt.'
      : 'A sign-in started somewhere else ends here the same way.',
  );
}

/** Whether the redirect carries this attempt's `state` (compared in constant time). */
export function callbackStateMatches(params: URLSearchParams, expectedState: string): boolean {
  const state = params.get('state');
  return state !== null && state !== '' && expectedState !== '' && constantTimeEqual(state, expectedState);
}

/**
 * An `error` redirect without this attempt's `state` was not sent by LINE for this attempt: LINE echoes
 * the state it was given (docs/security.md §8). Any web page open in the browser can send one to the
 * fixed callback port, so the loopback listener answers it 400 and keeps waiting for the real callback.
 */
export function isForgedErrorCallback(params: URLSearchParams, expectedState: string): boolean {
  return params.has('error') && !callbackStateMatches(params, expectedState);
}

/**
 * Validates the query of LINE's authorize redirect, in this fixed order:
 * 1. `state` missing → ERR_STATE_MISSING; different → ERR_STATE_MISMATCH (RFC 6749 §10.12,
 *    RFC 9700 §4.7), compared in constant time. This comes first for error redirects too: LINE's
 *    `error` and `error_description` are read, and shown, only from a redirect of this attempt.
 * 2. `error` present → ERR_ACCESS_DENIED for `access_denied` (LINE documents `ACCESS_DENIED`, its
 *    SDKs and wire reports show lower case: compared case-insensitively), otherwise ERR_AUTHORIZE_FAILED.
 * 3. `code` missing → ERR_CODE_MISSING.
 */
export function parseCallbackParams(params: URLSearchParams, expectedState: string): AuthorizationCallback {
  if (expectedState === '') {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'The expected state of a sign-in attempt must not be empty.',
      'expectedState',
    );
  }
  const state = params.get('state');
  const error = params.get('error');

  if (state === null || state === '') {
    throw new AuthorizationError(
      'ERR_STATE_MISSING',
      error === null ? '' : 'It carries an error, whose text is not shown: LINE always returns the state it was sent.',
    );
  }
  if (!constantTimeEqual(state, expectedState)) {
    throw stateMismatch(error !== null);
  }

  if (error !== null) {
    // An echo of this attempt's own values is masked like any other secret would be.
    const secrets = [expectedState, ...params.getAll('code'), ...params.getAll('state')];
    const lineError = printableLineText(error, secrets);
    const description = params.get('error_description');
    const lineErrorDescription = description === null ? undefined : printableLineText(description, secrets);
    const details = lineErrorDescription === undefined ? { lineError } : { lineError, lineErrorDescription };
    const suffix =
      lineErrorDescription === undefined || lineErrorDescription === '' ? '' : ` (${lineErrorDescription})`;
    if (lineError.toLowerCase() === 'access_denied') {
      throw new AuthorizationError('ERR_ACCESS_DENIED', `LINE redirected with error ${lineError}${suffix}.`, details);
    }
    throw new AuthorizationError(
      'ERR_AUTHORIZE_FAILED',
      `LINE redirected with error ${lineError === '' ? '(empty)' : lineError}${suffix} instead of an authorization code.`,
      details,
    );
  }

  const code = params.get('code');
  if (code === null || code === '') {
    throw new AuthorizationError('ERR_CODE_MISSING', '');
  }

  const friendship = params.get('friendship_status_changed');
  if (friendship === 'true') {
    return { code, friendshipStatusChanged: true };
  }
  if (friendship === 'false') {
    return { code, friendshipStatusChanged: false };
  }
  return { code };
}

function invalidRedirectUrl(reason: string, callbackUrl: string): AuthorizationError {
  return new AuthorizationError('ERR_REDIRECT_URL_INVALID', `${reason} The callback URL is ${callbackUrl}.`, {
    callbackUrl,
  });
}

/**
 * For the "paste the redirected URL" flow. Unlike the loopback server, the callback URL need not be
 * on loopback here (the page never has to load), so it is only required to be an http(s) URL.
 * A URL with neither `code` nor `error` is reported as ERR_REDIRECT_URL_INVALID (most likely the
 * callback URL itself, or the authorize URL, was pasted) rather than as a missing state.
 */
export function parseRedirectedUrl(pasted: string, callbackUrl: string, expectedState: string): AuthorizationCallback {
  const callbackText = callbackUrl.trim();
  let callback: URL;
  try {
    callback = new URL(callbackText);
  } catch {
    throw new AuthorizationError('ERR_CALLBACK_URL_INVALID', `"${callbackText}" is not a URL.`, {
      callbackUrl: callbackText,
    });
  }
  if (callback.protocol !== 'http:' && callback.protocol !== 'https:') {
    throw new AuthorizationError(
      'ERR_CALLBACK_URL_INVALID',
      `The callback URL uses ${callback.protocol.replace(/:$/, '')}, not http or https.`,
      { callbackUrl: callbackText },
    );
  }

  let text = pasted.trim();
  if (text === '') {
    throw invalidRedirectUrl('Nothing was pasted.', callbackText);
  }
  // Some browsers hide the scheme in the address bar, so a partial selection can lack it.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    text = `${callback.protocol}//${text}`;
  }
  let redirected: URL;
  try {
    redirected = new URL(text);
  } catch {
    throw invalidRedirectUrl('The pasted text is not a URL.', callbackText);
  }
  if (redirected.origin !== callback.origin || redirected.pathname !== callback.pathname) {
    throw invalidRedirectUrl('The pasted URL does not lead to the callback URL.', callbackText);
  }
  if (!redirected.searchParams.has('code') && !redirected.searchParams.has('error')) {
    throw invalidRedirectUrl('The pasted URL carries no sign-in result.', callbackText);
  }
  return parseCallbackParams(redirected.searchParams, expectedState);
}
