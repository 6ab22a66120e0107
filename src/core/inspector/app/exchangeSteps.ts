/**
 * An emulator exchange as masked Inspector steps: what leaves the tracker. Every value passes the
 * Inspector's masking (../mask.ts) with a redactor that already knows each secret the exchange
 * carried, so a secret that turns up in an unexpected field is caught too.
 */
import type { EmulatorExchange } from '../../../../emulator/types';
import { isSecretField, Redactor } from '../../redact';
import { decodeIdTokenMasked, maskHeaders, maskJson, maskParams } from '../mask';
import type { Check, JsonValue, Step, StepName } from '../model';
import { parseJson } from '../steps';

/** The request's form (or query for GET) as LINE parsed it. */
export function formOf(exchange: EmulatorExchange): URLSearchParams {
  const contentType = exchange.request.headers['content-type'] ?? '';
  return contentType.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(exchange.request.rawBody)
    : new URLSearchParams();
}

export function queryOf(exchange: EmulatorExchange): URLSearchParams {
  return new URLSearchParams(exchange.request.rawQuery);
}

export function jsonBodyOf(exchange: EmulatorExchange): Record<string, unknown> | undefined {
  const contentType = exchange.request.headers['content-type'] ?? '';
  return contentType.startsWith('application/json') ? parseJson(exchange.request.rawBody) : undefined;
}

export function responseJsonOf(exchange: EmulatorExchange): Record<string, unknown> | undefined {
  return exchange.response === undefined ? undefined : parseJson(exchange.response.body);
}

/** The redirect the emulator answered with (to the app's callback or a LINE page), if any. */
export function locationOf(exchange: EmulatorExchange): URL | undefined {
  const location = exchange.response?.headers.location;
  if (exchange.response === undefined || exchange.response.status < 300 || exchange.response.status > 399) {
    return undefined;
  }
  try {
    return location === undefined ? undefined : new URL(location);
  } catch {
    return undefined;
  }
}

export function authorizationOf(exchange: EmulatorExchange): string | undefined {
  return exchange.request.headers.authorization;
}

export function bearerOf(exchange: EmulatorExchange): string | undefined {
  const match = /^Bearer\s+(\S+)/i.exec(authorizationOf(exchange) ?? '');
  return match?.[1];
}

/** Every secret an exchange carries, raw and decoded, for the redactor: nothing is masked by luck. */
export function secretsOf(exchange: EmulatorExchange): string[] {
  const secrets: string[] = [];
  const fields = (params: Iterable<[string, string]>): void => {
    for (const [name, value] of params) {
      if (isSecretField(name)) {
        secrets.push(value);
      }
    }
  };
  fields(queryOf(exchange));
  fields(formOf(exchange));
  fields(Object.entries(exchange.request.query));
  fields(Object.entries(exchange.request.form));
  const authorization = authorizationOf(exchange);
  if (authorization !== undefined) {
    const credential = authorization.replace(/^\S+\s+/, '');
    secrets.push(credential);
    if (/^basic\s/i.test(authorization)) {
      // RFC 6749 §2.3.1: client_id ":" client_secret, base64; the secret is what must not show.
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      secrets.push(decoded, ...(colon < 0 ? [] : [decoded.slice(colon + 1)]));
    }
  }
  for (const body of [jsonBodyOf(exchange), responseJsonOf(exchange)]) {
    for (const [name, value] of Object.entries(body ?? {})) {
      if (isSecretField(name) && typeof value === 'string') {
        secrets.push(value);
      }
    }
  }
  const location = locationOf(exchange);
  if (location !== undefined) {
    fields(location.searchParams);
  }
  return secrets;
}

function urlOf(exchange: EmulatorExchange): string {
  const host = exchange.request.headers.host ?? 'emulator';
  return `http://${host}${exchange.request.path}`;
}

/** The masked step of one exchange (request and answer); checks are the caller's. */
export function maskedStep(name: StepName, exchange: EmulatorExchange, redactor: Redactor, checks: Check[]): Step {
  const { request, response } = exchange;
  const params = maskParams([...queryOf(exchange), ...formOf(exchange)], redactor);
  const json = jsonBodyOf(exchange);
  if (json !== undefined) {
    for (const [field, value] of Object.entries(maskJson(json, redactor) as Record<string, JsonValue>)) {
      params[field] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  const step: Step = {
    name,
    startedAt: request.at,
    durationMs: Math.max(0, exchange.answeredAt - request.at),
    request: {
      method: request.method,
      url: redactor.redact(urlOf(exchange)),
      params,
      headers: maskHeaders(request.headers, redactor),
    },
    checks,
  };
  if (response === undefined) {
    step.networkError = 'The emulator dropped the connection without an answer.';
    return step;
  }
  const body = parseJson(response.body);
  const lineRequestId = response.headers['x-line-request-id'];
  const retryAfter = response.headers['retry-after'];
  step.response = {
    status: response.status,
    ...(lineRequestId === undefined ? {} : { lineRequestId: redactor.redact(lineRequestId) }),
    ...(retryAfter === undefined ? {} : { retryAfter: redactor.redact(retryAfter) }),
    fields: body === undefined ? {} : (maskJson(body, redactor) as Record<string, JsonValue>),
    ...(body === undefined && response.body !== ''
      ? { bodyNote: `${response.body.length} characters that are not a JSON object` }
      : {}),
  };
  const idToken = body?.id_token;
  if (typeof idToken === 'string') {
    const decoded = decodeIdTokenMasked(idToken, redactor);
    if (decoded !== undefined) {
      step.response.idToken = decoded;
    }
  }
  return step;
}

/** The redirect to the app's callback as the browser will follow it: code and state masked. */
export function callbackStep(location: URL, at: number, redactor: Redactor, checks: Check[]): Step {
  return {
    name: 'callback',
    startedAt: at,
    durationMs: 0,
    request: {
      method: 'GET',
      url: redactor.redact(`${location.origin}${location.pathname}`),
      params: maskParams(location.searchParams, redactor),
      headers: {},
    },
    checks,
  };
}
