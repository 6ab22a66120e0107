/**
 * The one place that talks HTTP to LINE: timeouts, cancellation and the request log. What goes wrong
 * becomes a coded LineApiError in lineFailures.ts; a 2xx answer's JSON is read in lineJson.ts.
 */
import { LineApiError, type LineApiErrorCode } from './errors';
import { networkError, parseRetryAfter, statusError, withRequestId } from './lineFailures';
import { parseJsonObject, type JsonObject } from './lineJson';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** One line per request for the log: never a query string, header value or body. */
export interface LineRequestLogEntry {
  method: string;
  /** The path only: the verify endpoint carries the access token in its query. */
  path: string;
  status?: number;
  durationMs: number;
  requestId?: string;
  errorCode?: LineApiErrorCode;
}

export interface LineHttpOptions {
  fetch?: FetchLike;
  /** Per-request timeout. LINE answers in well under a second; 15 s covers slow proxies. */
  timeoutMs?: number;
  /** Epoch milliseconds; turns a Retry-After HTTP-date into seconds. Defaults to Date.now. */
  now?: () => number;
  onRequest?: (entry: LineRequestLogEntry) => void;
}

export interface LineRequest {
  method: 'GET' | 'POST';
  url: URL;
  form?: Record<string, string | undefined>;
  json?: unknown;
  bearer?: string;
  /** Secrets of the same operation that this request does not carry, masked all the same. */
  alsoSecret?: readonly string[];
  signal?: AbortSignal | undefined;
}

export interface LineResponse {
  status: number;
  requestId: string | undefined;
  /** The raw body text; empty for LINE's empty 200 (revoke) and 204 (deauthorize). */
  body: string;
  endpoint: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

export class LineHttp {
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #onRequest: ((entry: LineRequestLogEntry) => void) | undefined;

  constructor(options: LineHttpOptions = {}) {
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#now = options.now ?? Date.now;
    this.#onRequest = options.onRequest;
  }

  /** Sends a request; resolves only for a 2xx status, otherwise throws a coded LineApiError. */
  async send(request: LineRequest): Promise<LineResponse> {
    const endpoint = `${request.method} ${request.url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = formBody(request.form);
    } else if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    if (request.bearer !== undefined) {
      // docs/security.md §18: Bearer tokens go in the header, never the URL.
      headers.authorization = `Bearer ${request.bearer}`;
    }

    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    const started = performance.now();
    const log = (entry: Omit<LineRequestLogEntry, 'method' | 'path' | 'durationMs'>): void => {
      this.#onRequest?.({
        method: request.method,
        path: request.url.pathname,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...entry,
      });
    };

    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(request.url.toString(), {
        method: request.method,
        headers,
        body: body ?? null,
        signal,
        redirect: 'manual',
      });
    } catch (error) {
      const apiError = networkError(error, endpoint, this.#timeoutMs, request.signal);
      log({ errorCode: apiError.code });
      throw apiError;
    }
    const requestId = lineRequestId(response.headers.get('x-line-request-id'), requestSecrets(request));
    try {
      text = await response.text();
    } catch (error) {
      // The connection dropped mid-body: a truncated answer, or our own timeout/cancel.
      const apiError = signal.aborted
        ? networkError(error, endpoint, this.#timeoutMs, request.signal)
        : new LineApiError(
            'ERR_LINE_MALFORMED_RESPONSE',
            `LINE's answer to ${endpoint} was cut off before it was complete.`,
            withRequestId({ endpoint, status: response.status }, requestId),
            { cause: error },
          );
      log({ status: response.status, ...optional('requestId', requestId), errorCode: apiError.code });
      throw apiError;
    }

    if (response.status < 200 || response.status > 299) {
      const apiError = statusError(
        response.status,
        text,
        endpoint,
        requestId,
        parseRetryAfter(response.headers.get('retry-after'), this.#now()),
        requestSecrets(request),
      );
      log({ status: response.status, ...optional('requestId', requestId), errorCode: apiError.code });
      throw apiError;
    }
    log({ status: response.status, ...optional('requestId', requestId) });
    return { status: response.status, requestId, body: text, endpoint };
  }

  /** Sends a request whose 2xx answer must be a JSON object. */
  async sendForJson(request: LineRequest): Promise<{ json: JsonObject; response: LineResponse }> {
    const response = await this.send(request);
    return { json: parseJsonObject(response), response };
  }
}

/** LINE's request IDs are 32 hex digits; anything else a proxy put there, or an echo of a secret, is not repeated. */
function lineRequestId(value: string | null, secrets: readonly string[]): string | undefined {
  if (value === null || !/^[A-Za-z0-9._-]{1,128}$/.test(value)) {
    return undefined;
  }
  return secrets.some((secret) => secret.length >= 8 && value.includes(secret)) ? undefined : value;
}

/** Fields whose values are secrets (RFC 6749, RFC 7636, LINE's revoke and deauthorize bodies). */
const SECRET_FIELDS = ['code', 'code_verifier', 'client_secret', 'refresh_token', 'access_token', 'id_token'];

/** What this request sent that must not come back in a message, should LINE's answer echo it. */
function requestSecrets(request: LineRequest): string[] {
  const secrets: string[] = [...(request.alsoSecret ?? [])];
  for (const field of SECRET_FIELDS) {
    const value = request.form?.[field] ?? request.url.searchParams.get(field) ?? undefined;
    if (value !== undefined) {
      secrets.push(value);
    }
  }
  if (request.bearer !== undefined) {
    secrets.push(request.bearer);
  }
  const json: unknown = request.json;
  if (typeof json === 'object' && json !== null) {
    secrets.push(...Object.values(json).filter((value): value is string => typeof value === 'string'));
  }
  return secrets;
}

function formBody(form: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    if (value !== undefined) {
      params.set(name, value);
    }
  }
  return params.toString();
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
