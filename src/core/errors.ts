/**
 * Every failure this project reports is a LineLoginError with a stable `code`. Its message is the
 * code's advice (errorAdvice.ts, the one text per code) followed by the failure's particulars; the
 * VS Code layer shows the same advice, translated. Tests assert on codes.
 * Messages and details never carry a token, code, verifier or channel secret.
 */
import { composeErrorMessage } from './errorAdvice';

/** Failures talking to LINE's HTTP API (or the emulator standing in for it). */
export type LineApiErrorCode =
  | 'ERR_LINE_BAD_REQUEST' // 400 with an error body we have no more specific code for
  | 'ERR_LINE_INVALID_GRANT' // code used/expired, redirect_uri mismatch, refresh token expired/revoked
  | 'ERR_LINE_INVALID_CLIENT' // wrong channel ID or channel secret
  | 'ERR_LINE_ACCESS_TOKEN_INVALID' // 401 on a Bearer endpoint, or verify says expired/invalid
  | 'ERR_LINE_FORBIDDEN' // 403: scope or permission missing
  | 'ERR_LINE_PAYLOAD_TOO_LARGE' // 413
  | 'ERR_LINE_RATE_LIMITED' // 429: back off, never retry in a loop
  | 'ERR_LINE_SERVER_ERROR' // 5xx
  | 'ERR_LINE_UNEXPECTED_STATUS' // any other status
  | 'ERR_LINE_MALFORMED_RESPONSE' // non-JSON, truncated, or JSON of the wrong shape
  | 'ERR_NETWORK_TIMEOUT'
  | 'ERR_NETWORK_ABORTED'
  | 'ERR_NETWORK_REFUSED'
  | 'ERR_NETWORK_DNS'
  | 'ERR_NETWORK';

/** Failures of the browser leg: the loopback listener, the callback, a pasted redirect URL. */
export type AuthorizationErrorCode =
  | 'ERR_CALLBACK_URL_INVALID' // the registered callback URL cannot be served on loopback
  | 'ERR_PORT_IN_USE'
  | 'ERR_LISTEN_FAILED'
  | 'ERR_CALLBACK_TIMEOUT' // the browser never came back: usually an unregistered callback URL
  | 'ERR_CANCELLED'
  | 'ERR_STATE_MISSING'
  | 'ERR_STATE_MISMATCH' // CSRF, or a silently failed auto login (LINE advises disable_auto_login)
  | 'ERR_CODE_MISSING'
  | 'ERR_ACCESS_DENIED' // the user declined consent
  | 'ERR_AUTHORIZE_FAILED' // any other `error` on the callback
  | 'ERR_REDIRECT_URL_INVALID'; // a pasted URL that is not the registered callback

/** Failures verifying an ID token locally (OIDC Core §3.1.3.7, LINE's profile of it). */
export type IdTokenErrorCode =
  | 'ERR_ID_TOKEN_MALFORMED'
  | 'ERR_ID_TOKEN_MISSING' // openid was requested, the token response has no id_token
  | 'ERR_ID_TOKEN_ALG_NOT_ALLOWED'
  | 'ERR_ID_TOKEN_SIGNATURE_INVALID'
  | 'ERR_ID_TOKEN_KEY_NOT_FOUND'
  | 'ERR_ID_TOKEN_JWKS_UNAVAILABLE'
  | 'ERR_ID_TOKEN_ISSUER_INVALID'
  | 'ERR_ID_TOKEN_AUDIENCE_INVALID'
  | 'ERR_ID_TOKEN_EXPIRED'
  | 'ERR_ID_TOKEN_IAT_INVALID'
  | 'ERR_ID_TOKEN_NONCE_INVALID'
  | 'ERR_ID_TOKEN_AUTH_TIME_MISSING'
  | 'ERR_ID_TOKEN_CLAIM_INVALID';

/** Failures checking a verify-endpoint answer (LINE security checklist) or the local token store. */
export type TokenErrorCode =
  | 'ERR_ACCESS_TOKEN_CHANNEL_MISMATCH'
  | 'ERR_ACCESS_TOKEN_EXPIRED'
  | 'ERR_ACCOUNT_NOT_FOUND'
  | 'ERR_NO_REFRESH_TOKEN'
  | 'ERR_REFRESH_TOKEN_EXPIRED'
  | 'ERR_STORE_CORRUPT' // unreadable and could not be set aside
  | 'ERR_STORE_UNAVAILABLE' // secret storage (or the lock directory) refused a read or a write
  | 'ERR_STORE_WRITE_FAILED' // new tokens could not be saved: kept in this window's memory
  | 'ERR_STORE_BUSY'; // another window held the store's lock too long

/** Bad input from a caller or a setting. */
export type InputErrorCode =
  'ERR_INVALID_INPUT' | 'ERR_INVALID_ENDPOINT' | 'ERR_INVALID_CHANNEL' | 'ERR_INVALID_JWT' | 'ERR_EXPORT_REFUSED'; // a credentials export to a file git would publish

/** Failures of Local LINE, the emulator run inside VS Code (issue 12). */
export type LocalLineErrorCode =
  | 'ERR_LOCAL_LINE_PORT_IN_USE' // the lineLogin.localLine.port is taken
  | 'ERR_LOCAL_LINE_NOT_RUNNING'
  | 'ERR_LOCAL_LINE_CHANNEL_UNKNOWN' // Local LINE does not serve that channel
  | 'ERR_LOCAL_LINE_TOKENS_MIXED' // switching would send one LINE's tokens to the other
  | 'ERR_LOCAL_LINE_CONFIG_INVALID'; // .vscode/line-emulator.json cannot be used

export type LineLoginErrorCode =
  LineApiErrorCode | AuthorizationErrorCode | IdTokenErrorCode | TokenErrorCode | InputErrorCode | LocalLineErrorCode;

export abstract class LineLoginError extends Error {
  abstract override readonly name: string;
  readonly code: LineLoginErrorCode;
  /**
   * What happened this time, in English: values, the endpoint, LINE's own words. Never the code's
   * advice, which the message already starts with.
   */
  readonly specifics: string;

  protected constructor(code: LineLoginErrorCode, specifics: string, options?: { cause?: unknown }) {
    super(composeErrorMessage(code, specifics), options);
    this.code = code;
    this.specifics = specifics;
  }
}

export interface LineApiErrorDetails {
  /** The endpoint, as `METHOD /path` (never with a query string: verify carries a token there). */
  endpoint: string;
  status?: number;
  /** `error` of an OAuth-style body `{error, error_description}`. */
  lineError?: string;
  lineErrorDescription?: string;
  /** `message` of a REST-style body `{message}`. */
  lineMessage?: string;
  /** LINE's `x-line-request-id`, which LINE support asks for. */
  requestId?: string;
  /** Seconds, from a 429's `Retry-After`, when LINE sends one. */
  retryAfterSeconds?: number;
}

export class LineApiError extends LineLoginError {
  override readonly name = 'LineApiError';
  declare readonly code: LineApiErrorCode;
  readonly details: LineApiErrorDetails;

  constructor(code: LineApiErrorCode, specifics: string, details: LineApiErrorDetails, options?: { cause?: unknown }) {
    super(code, specifics, options);
    this.details = details;
  }
}

export interface AuthorizationErrorDetails {
  /** The loopback port, for ERR_PORT_IN_USE and listener failures. */
  port?: number;
  /** The exact callback URL to register on the channel's LINE Login tab. */
  callbackUrl?: string;
  /** `error` / `error_description` from LINE's error redirect. */
  lineError?: string;
  lineErrorDescription?: string;
  timeoutMs?: number;
}

export class AuthorizationError extends LineLoginError {
  override readonly name = 'AuthorizationError';
  declare readonly code: AuthorizationErrorCode;
  readonly details: AuthorizationErrorDetails;

  constructor(
    code: AuthorizationErrorCode,
    specifics: string,
    details: AuthorizationErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, specifics, options);
    this.details = details;
  }
}

export interface IdTokenErrorDetails {
  claim?: string;
  alg?: string;
  kid?: string;
}

export class IdTokenError extends LineLoginError {
  override readonly name = 'IdTokenError';
  declare readonly code: IdTokenErrorCode;
  readonly details: IdTokenErrorDetails;

  constructor(
    code: IdTokenErrorCode,
    specifics: string,
    details: IdTokenErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, specifics, options);
    this.details = details;
  }
}

export interface TokenErrorDetails {
  channelId?: string;
  userId?: string;
}

export class TokenError extends LineLoginError {
  override readonly name = 'TokenError';
  declare readonly code: TokenErrorCode;
  readonly details: TokenErrorDetails;

  constructor(code: TokenErrorCode, specifics: string, details: TokenErrorDetails = {}, options?: { cause?: unknown }) {
    super(code, specifics, options);
    this.details = details;
  }
}

export class InputError extends LineLoginError {
  override readonly name = 'InputError';
  declare readonly code: InputErrorCode;
  /** The argument or setting at fault, e.g. `channelId` or `lineLogin.apiBaseUrl`. */
  readonly field: string | undefined;

  constructor(code: InputErrorCode, specifics: string, field?: string, options?: { cause?: unknown }) {
    super(code, specifics, options);
    this.field = field;
  }
}

export interface LocalLineErrorDetails {
  /** The port that was asked for (ERR_LOCAL_LINE_PORT_IN_USE). */
  port?: number;
  channelId?: string;
}

export class LocalLineError extends LineLoginError {
  override readonly name = 'LocalLineError';
  declare readonly code: LocalLineErrorCode;
  readonly details: LocalLineErrorDetails;

  constructor(code: LocalLineErrorCode, specifics: string, details: LocalLineErrorDetails = {}) {
    super(code, specifics);
    this.details = details;
  }
}

export function isLineLoginError(value: unknown): value is LineLoginError {
  return value instanceof LineLoginError;
}
