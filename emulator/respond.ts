/**
 * Every response the emulator sends is a `Reply` built here: handlers return one, the router turns
 * an EmulatorError into one (`errorReply`), and the server writes it (`writeReply`). The security
 * headers of pages and the no-store headers of OAuth answers therefore have one home.
 */

import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { ClientRedirect, EmulatorError } from './errors';
import { formPostPage, messagePage } from './pages';
import type { Page } from './pages';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** A proxy's answer has no LINE request ID. */
  omitRequestId?: boolean;
}

export function reply(status: number, headers: Record<string, string>, body: string): Reply {
  return { status, headers, body };
}

export function empty(status: number): Reply {
  return reply(status, {}, '');
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return reply(status, { 'content-type': 'application/json', ...headers }, JSON.stringify(body));
}

/** RFC 6749 §5.1: token responses (and their errors) must not be cached. */
export function oauthJson(status: number, body: unknown): Reply {
  return json(status, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

export function page(status: number, content: Page, headers: Record<string, string> = {}): Reply {
  return reply(
    status,
    {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': content.csp,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      ...headers,
    },
    content.html,
  );
}

/** Appends parameters without re-serialising the app's own query (which must come back unchanged). */
function appendQuery(uri: string, params: Record<string, string>): string {
  return `${uri}${uri.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
}

/** The authorize result, delivered to the app's callback in the requested response_mode. */
export function toClient(
  redirectUri: string,
  mode: 'query' | 'form_post',
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Reply {
  if (mode === 'form_post') {
    return page(200, formPostPage(redirectUri, params), headers);
  }
  return reply(
    302,
    {
      location: appendQuery(redirectUri, params),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      ...headers,
    },
    '',
  );
}

/** The authorize error parameters an app's callback receives. */
export function errorParams(error: EmulatorError, redirect: ClientRedirect): Record<string, string> {
  return {
    error: error.error,
    error_description: error.description,
    ...(redirect.state === undefined ? {} : { state: redirect.state }),
  };
}

/**
 * The one place an EmulatorError becomes a response, except a `redirect` error, which the router
 * delivers through the authorization response (it may need signing, see endpoints/authorizeResponse.ts).
 */
export function errorReply(error: EmulatorError): Reply {
  switch (error.shape) {
    case 'oauth':
      return oauthJson(error.status, {
        error: error.error,
        // An empty description is left out, as in LINE's answers that carry only `error`.
        ...(error.description === '' ? {} : { error_description: error.description }),
      });
    case 'message':
      return json(
        error.status,
        { message: error.description, ...(error.details === undefined ? {} : { details: error.details }) },
        error.headers,
      );
    case 'page':
      return page(
        error.status,
        messagePage(`${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`, error.description),
        error.headers,
      );
    case 'redirect':
      throw new TypeError('A redirected EmulatorError is delivered by the authorization response.');
  }
}

export function writeReply(res: ServerResponse, answer: Reply): void {
  if (res.destroyed || res.headersSent) {
    return;
  }
  if (answer.omitRequestId === true) {
    res.removeHeader('x-line-request-id');
  }
  const bytes = Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}
