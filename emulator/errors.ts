/**
 * The emulator's one error type. Handlers throw it; the router turns it into LINE's response for
 * that kind of endpoint (respond.ts `errorReply`), so no handler writes an error response itself.
 */

/**
 * How LINE shapes the error on the wire:
 * - `oauth`: `{"error","error_description"}` with `Cache-Control: no-store` (token, verify, revoke);
 * - `message`: `{"message"[, "details"]}` (the Messaging-API-style endpoints, and transport errors);
 * - `page`: LINE's own HTML error page in the browser (authorize before redirect_uri is verified);
 * - `redirect`: back to the app's callback as `error`/`error_description`/`state` (authorize after).
 */
export type ErrorShape = 'oauth' | 'message' | 'page' | 'redirect';

/** Where an authorize error goes once redirect_uri is known to be registered. */
export interface ClientRedirect {
  /** The channel: the audience of a JWT-mode response. */
  clientId: string;
  redirectUri: string;
  mode: ResponseMode;
  state: string | undefined;
}

/** README ledger L13: LINE documents the JWT modes (JARM) beside `query` and `form_post`. */
export type ResponseMode = 'query' | 'form_post' | 'query.jwt' | 'form_post.jwt' | 'jwt';

export interface EmulatorErrorOptions {
  headers?: Record<string, string>;
  /** Extra members of a `message` body (LINE's `details` array). */
  details?: unknown[];
  /** The request-log note when it should say more than `error: description`; never a secret. */
  note?: string;
  redirect?: ClientRedirect;
}

export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';
  readonly headers: Record<string, string>;
  readonly details: unknown[] | undefined;
  readonly note: string | undefined;
  readonly redirect: ClientRedirect | undefined;

  constructor(
    readonly status: number,
    /** The LINE error code (`invalid_grant`, `INVALID_SCOPE`, ...) or, for `message`/`page`, a log label. */
    readonly error: string,
    /** `error_description`, the `message`, or the page text. */
    readonly description: string,
    readonly shape: ErrorShape,
    options: EmulatorErrorOptions = {},
  ) {
    super(`${error}: ${description}`);
    this.headers = options.headers ?? {};
    this.details = options.details;
    this.note = options.note;
    this.redirect = options.redirect;
  }

  /** The same authorize error, delivered to the app's verified callback. */
  redirectedTo(redirect: ClientRedirect): EmulatorError {
    return new EmulatorError(this.status, this.error, this.description, 'redirect', {
      ...(this.note === undefined ? {} : { note: this.note }),
      redirect,
    });
  }

  withNote(note: string): EmulatorError {
    return new EmulatorError(this.status, this.error, this.description, this.shape, {
      headers: this.headers,
      ...(this.details === undefined ? {} : { details: this.details }),
      ...(this.redirect === undefined ? {} : { redirect: this.redirect }),
      note,
    });
  }
}

// OAuth-style JSON errors (token, verify, revoke, channel token).

export function oauthError(error: string, description: string): EmulatorError {
  return new EmulatorError(400, error, description, 'oauth');
}

export function invalidRequest(description: string): EmulatorError {
  return oauthError('invalid_request', description);
}

export function invalidClient(description: string): EmulatorError {
  return oauthError('invalid_client', description);
}

export function invalidGrant(description: string): EmulatorError {
  return oauthError('invalid_grant', description);
}

export function unsupportedGrantType(): EmulatorError {
  return oauthError('unsupported_grant_type', 'unsupported grant_type');
}

/** An authorize error code (upper case, as LINE sends them); the handler redirects it to the app. */
export function authorizeError(error: string, description: string): EmulatorError {
  return new EmulatorError(302, error, description, 'oauth');
}

// `{"message"}` errors.

export function messageError(
  status: number,
  label: string,
  message: string,
  options?: EmulatorErrorOptions,
): EmulatorError {
  return new EmulatorError(status, label, message, 'message', options);
}

/** LINE's own HTML error page (the browser never reaches the app). */
export function pageError(status: number, label: string, text: string, note?: string): EmulatorError {
  return new EmulatorError(status, label, text, 'page', note === undefined ? {} : { note });
}
