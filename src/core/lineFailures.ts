/**
 * Everything that can go wrong with a request to LINE, as a coded LineApiError: the network (fetch's
 * TypeError with a libuv code, timeouts), LINE's error statuses and its three error body shapes.
 */
import { LineApiError, type LineApiErrorCode } from './errors';
import type { JsonObject } from './lineJson';
import { printableLineText } from './lineText';

export function withRequestId(
  details: { endpoint: string; status?: number },
  requestId: string | undefined,
): { endpoint: string; status?: number; requestId?: string } {
  return requestId === undefined ? details : { ...details, requestId };
}

export function requestIdSuffix(requestId: string | undefined): string {
  return requestId === undefined ? '' : ` (x-line-request-id: ${requestId})`;
}

/** fetch() rejects with a TypeError whose `cause` carries the libuv code; timeouts are DOMExceptions. */
export function networkError(
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

export function statusError(
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

export function statusErrorCode(status: number, body: LineErrorBody | undefined): LineApiErrorCode {
  const lineError = body?.error?.toLowerCase();
  if (lineError === 'invalid_grant') {
    return 'ERR_LINE_INVALID_GRANT';
  }
  // The client always sends every parameter, so LINE's only published answer to a refused token
  // request (emulator/README.md ledger L9) means the channel ID or secret was not accepted.
  if (lineError === 'invalid_client' || body?.errorDescription === 'some parameters missed or invalid') {
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
