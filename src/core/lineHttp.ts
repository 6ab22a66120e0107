/**
 * The one place that talks HTTP to LINE: timeouts, cancellation, LINE's three error body shapes,
 * and network failures, each turned into a LineApiError with a stable code. Response bodies are
 * parsed tolerantly (LINE warns its JSON may gain fields) but strictly typed through validators.
 */
import { LineApiError, type LineApiErrorCode } from './errors';
import { printableLineText } from './lineText';

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

export type JsonObject = Record<string, unknown>;

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
      // Security checklist §18: Bearer tokens go in the header, never the URL.
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

function withRequestId(
  details: { endpoint: string; status?: number },
  requestId: string | undefined,
): { endpoint: string; status?: number; requestId?: string } {
  return requestId === undefined ? details : { ...details, requestId };
}

function requestIdSuffix(requestId: string | undefined): string {
  return requestId === undefined ? '' : ` (x-line-request-id: ${requestId})`;
}

/** fetch() rejects with a TypeError whose `cause` carries the libuv code; timeouts are DOMExceptions. */
function networkError(
  error: unknown,
  endpoint: string,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
): LineApiError {
  const details = { endpoint };
  if (callerSignal?.aborted === true) {
    return new LineApiError('ERR_NETWORK_ABORTED', `${endpoint} was cancelled.`, details, { cause: error });
  }
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new LineApiError('ERR_NETWORK_TIMEOUT', `No answer to ${endpoint} within ${timeoutMs / 1000} s.`, details, {
      cause: error,
    });
  }
  const causeCode = systemErrorCode(error);
  if (causeCode === 'ECONNREFUSED') {
    return new LineApiError('ERR_NETWORK_REFUSED', `The connection for ${endpoint} was refused.`, details, {
      cause: error,
    });
  }
  if (causeCode === 'ENOTFOUND' || causeCode === 'EAI_AGAIN') {
    return new LineApiError('ERR_NETWORK_DNS', `The host name for ${endpoint} could not be resolved.`, details, {
      cause: error,
    });
  }
  return new LineApiError(
    'ERR_NETWORK',
    `${endpoint} failed before LINE answered${causeCode ? ` (${causeCode})` : ''}.`,
    details,
    { cause: error },
  );
}

function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** LINE's error bodies: `{error, error_description}`, `{message}`, empty, or not JSON at all. */
interface LineErrorBody {
  error?: string;
  errorDescription?: string;
  message?: string;
}

/** RFC 9110 §10.2.3: `Retry-After` is delay-seconds or an HTTP-date; as seconds from now, or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d{1,10}$/.test(text)) {
    return Number(text);
  }
  // An HTTP-date always names a weekday or month, so a bare or signed number never gets here.
  if (!/[A-Za-z]/.test(text)) {
    return undefined;
  }
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(Math.ceil((date - now) / 1000), 0) : undefined;
}

function readErrorBody(text: string, secrets: readonly string[]): LineErrorBody | undefined {
  if (text.trim() === '') {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return undefined;
  }
  const record = parsed as JsonObject;
  const body: LineErrorBody = {};
  if (typeof record.error === 'string') {
    body.error = printableLineText(record.error, secrets);
  }
  if (typeof record.error_description === 'string') {
    body.errorDescription = printableLineText(record.error_description, secrets);
  }
  if (typeof record.message === 'string') {
    body.message = printableLineText(record.message, secrets);
  }
  return body;
}

function statusError(
  status: number,
  text: string,
  endpoint: string,
  requestId: string | undefined,
  retryAfterSeconds: number | undefined,
  secrets: readonly string[],
): LineApiError {
  const body = readErrorBody(text, secrets);
  const details: ConstructorParameters<typeof LineApiError>[2] = { endpoint, status };
  if (requestId !== undefined) {
    details.requestId = requestId;
  }
  if (body?.error !== undefined) {
    details.lineError = body.error;
  }
  if (body?.errorDescription !== undefined) {
    details.lineErrorDescription = body.errorDescription;
  }
  if (body?.message !== undefined) {
    details.lineMessage = body.message;
  }
  if (retryAfterSeconds !== undefined) {
    details.retryAfterSeconds = retryAfterSeconds;
  }

  const said =
    body === undefined ? 'a body that is not JSON (a proxy or captive portal page?)' : describeErrorBody(body);
  return new LineApiError(
    statusErrorCode(status, body),
    `LINE answered ${endpoint} with ${status}: ${said}.${requestIdSuffix(requestId)}`,
    details,
  );
}

function describeErrorBody(body: LineErrorBody): string {
  if (body.error !== undefined) {
    return body.errorDescription !== undefined ? `${body.error} (${body.errorDescription})` : body.error;
  }
  if (body.message !== undefined) {
    return body.message;
  }
  return 'an empty body';
}

function statusErrorCode(status: number, body: LineErrorBody | undefined): LineApiErrorCode {
  const lineError = body?.error?.toLowerCase();
  if (lineError === 'invalid_grant') {
    return 'ERR_LINE_INVALID_GRANT';
  }
  if (lineError === 'invalid_client') {
    return 'ERR_LINE_INVALID_CLIENT';
  }
  if (status === 401) {
    return 'ERR_LINE_ACCESS_TOKEN_INVALID';
  }
  if (status === 403) {
    return 'ERR_LINE_FORBIDDEN';
  }
  if (status === 413) {
    return 'ERR_LINE_PAYLOAD_TOO_LARGE';
  }
  if (status === 429) {
    return 'ERR_LINE_RATE_LIMITED';
  }
  if (status >= 500) {
    return 'ERR_LINE_SERVER_ERROR';
  }
  if (status === 400) {
    // LINE's verify endpoint says "access token expired" / "invalid" with error=invalid_request.
    const description = body?.errorDescription?.toLowerCase() ?? '';
    if (lineError === 'invalid_request' && description.includes('access token')) {
      return 'ERR_LINE_ACCESS_TOKEN_INVALID';
    }
    return 'ERR_LINE_BAD_REQUEST';
  }
  return 'ERR_LINE_UNEXPECTED_STATUS';
}

export function malformed(response: LineResponse, what: string): LineApiError {
  return new LineApiError(
    'ERR_LINE_MALFORMED_RESPONSE',
    `LINE's answer to ${response.endpoint} ${what}.${requestIdSuffix(response.requestId)}`,
    withRequestId({ endpoint: response.endpoint, status: response.status }, response.requestId),
  );
}

export function parseJsonObject(response: LineResponse): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw malformed(
      response,
      response.body.trim() === ''
        ? 'was empty where JSON was expected'
        : 'was not valid JSON (truncated, or a proxy page?)',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw malformed(response, 'was JSON but not an object');
  }
  return parsed as JsonObject;
}

const TOKEN_PATTERN = /^[A-Za-z0-9\-._~+/]{1,8192}=*$/;

/** Small validators: a wrong type is a malformed response, named by field, never a TypeError later. */
export class JsonReader {
  constructor(
    private readonly json: JsonObject,
    private readonly response: LineResponse,
  ) {}

  string(field: string): string {
    const value = this.json[field];
    if (typeof value !== 'string' || value === '') {
      throw malformed(this.response, `has no valid "${field}" (expected a non-empty string)`);
    }
    return value;
  }

  optionalString(field: string): string | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'string') {
      throw malformed(this.response, `has a "${field}" that is not a string`);
    }
    return value;
  }

  /**
   * A token as RFC 6750 §2.1 defines its characters (b64token; LINE's tokens and JWTs fit): anything
   * else would break the Authorization header it is sent in, or is not a token at all.
   */
  token(field: string): string {
    const value = this.string(field);
    if (!TOKEN_PATTERN.test(value)) {
      throw malformed(this.response, `has a "${field}" that is not a token (RFC 6750 characters, at most 8192)`);
    }
    return value;
  }

  optionalToken(field: string): string | undefined {
    return this.json[field] === undefined || this.json[field] === null ? undefined : this.token(field);
  }

  number(field: string): number {
    const value = this.json[field];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw malformed(this.response, `has no valid "${field}" (expected a number)`);
    }
    return value;
  }

  optionalNumber(field: string): number | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw malformed(this.response, `has a "${field}" that is not a number`);
    }
    return value;
  }

  /** A whole number of seconds within [min, max]: a duration outside it is a broken answer, not data to store. */
  seconds(field: string, range: { min: number; max: number }): number {
    const value = this.number(field);
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      throw malformed(
        this.response,
        `has an "${field}" of ${String(value)}, not a whole number of seconds from ${range.min} to ${range.max}`,
      );
    }
    return value;
  }

  boolean(field: string): boolean {
    const value = this.json[field];
    if (typeof value !== 'boolean') {
      throw malformed(this.response, `has no valid "${field}" (expected true or false)`);
    }
    return value;
  }

  optionalStringArray(field: string): string[] | undefined {
    const value = this.json[field];
    if (value === undefined || value === null) {
      return undefined;
    }
    if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
      throw malformed(this.response, `has an "${field}" that is not a list of strings`);
    }
    return value;
  }

  /** `aud` may be a string (LINE) or an array of strings (OIDC allows it). */
  audience(field: string): string {
    const value = this.json[field];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
    if (Array.isArray(value) && typeof value[0] === 'string') {
      return value[0];
    }
    throw malformed(this.response, `has no valid "${field}"`);
  }
}
