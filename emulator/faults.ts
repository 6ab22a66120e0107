/** Injected failures: which endpoint fails how, for how many requests, and what that failure looks like. */

import { STATUS_CODES } from 'node:http';
import type { RequestContext } from './context';
import { PROXY_ERROR_HTML } from './pages';
import { reply } from './respond';
import type { Reply } from './respond';
import { messagePage } from './pages';
import { page } from './respond';
import type { ActiveFault, EmulatorEndpoint, EmulatorFault } from './types';

interface FaultEntry {
  fault: EmulatorFault;
  remaining: number | undefined;
}

export class FaultBook {
  readonly #faults = new Map<EmulatorEndpoint, FaultEntry>();

  /** Applies to the endpoint before normal processing; `times` (default: until cleared) counts down. */
  set(endpoint: EmulatorEndpoint, fault: EmulatorFault, times?: number): void {
    if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
      throw new RangeError('times must be a positive integer.');
    }
    if ((fault.kind === 'denyConsent' || fault.kind === 'cancelConsent') && endpoint !== 'authorize') {
      throw new TypeError(`The ${fault.kind} fault applies to the authorize endpoint only.`);
    }
    if (fault.kind === 'slow' && (!Number.isFinite(fault.delayMs) || fault.delayMs < 0)) {
      throw new RangeError(`Invalid fault delay ${String(fault.delayMs)}: milliseconds, 0 or more.`);
    }
    // RFC 9110 §10.2.3: Retry-After as delay-seconds is a non-negative integer.
    if (
      fault.kind === 'status' &&
      fault.retryAfter !== undefined &&
      !(Number.isInteger(fault.retryAfter) && fault.retryAfter >= 0)
    ) {
      throw new RangeError(`Invalid Retry-After ${String(fault.retryAfter)}: whole seconds, 0 or more.`);
    }
    if (
      (fault.kind === 'status' || fault.kind === 'emptyBody') &&
      (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)
    ) {
      throw new RangeError(`Invalid fault status ${String(fault.status)}.`);
    }
    this.#faults.set(endpoint, { fault, remaining: times });
  }

  clear(): void {
    this.#faults.clear();
  }

  /** Ends the endpoint's fault, one-shot or sticky; a no-op when there is none. */
  clearEndpoint(endpoint: EmulatorEndpoint): void {
    this.#faults.delete(endpoint);
  }

  /** The faults still waiting, in the order they were set. */
  list(): ActiveFault[] {
    return [...this.#faults].map(([endpoint, entry]) => ({
      endpoint,
      fault: { ...entry.fault },
      remaining: entry.remaining,
    }));
  }

  /** The fault for this request, counting it down. */
  take(endpoint: EmulatorEndpoint): EmulatorFault | undefined {
    const entry = this.#faults.get(endpoint);
    if (entry === undefined) {
      return undefined;
    }
    if (entry.remaining !== undefined) {
      entry.remaining -= 1;
      if (entry.remaining <= 0) {
        this.#faults.delete(endpoint);
      }
    }
    return entry.fault;
  }
}

export type FaultOutcome =
  /** Handle the request normally (after the delay of a `slow` fault, or with denyConsent set). */
  | { kind: 'continue' }
  | { kind: 'reply'; reply: Reply }
  /** Drop the connection without an answer (or the server closed while delaying). */
  | { kind: 'drop' };

/** A 200 whose JSON body stops mid-way. */
const TRUNCATED_JSON = '{"access_token":"bNl4YEFPI/hjFWhTqexp4MuEw5YPs","expires_in":2592';

export async function applyFault(
  ctx: RequestContext,
  fault: EmulatorFault,
  delay: (ms: number) => Promise<boolean>,
): Promise<FaultOutcome> {
  switch (fault.kind) {
    case 'denyConsent':
      ctx.denyConsent = fault.errorCase ?? 'upper';
      return { kind: 'continue' };
    case 'cancelConsent':
      // README ledger L27: a closed page sends nothing to the app; LINE's page is what stays.
      ctx.note = 'login cancelled (page closed)';
      return {
        kind: 'reply',
        reply: page(200, messagePage('Login cancelled', 'The login was cancelled. You can close this window.')),
      };
    case 'slow':
      return (await delay(fault.delayMs)) ? { kind: 'continue' } : { kind: 'drop' };
    case 'status': {
      const body = fault.body ?? JSON.stringify({ message: STATUS_CODES[fault.status] ?? 'Error' });
      let contentType = fault.contentType;
      if (contentType === undefined) {
        try {
          JSON.parse(body);
          contentType = 'application/json';
        } catch {
          contentType = 'text/plain; charset=utf-8';
        }
      }
      const headers: Record<string, string> = { 'content-type': contentType };
      if (fault.retryAfter !== undefined) {
        headers['retry-after'] = String(fault.retryAfter);
      }
      return { kind: 'reply', reply: reply(fault.status, headers, body) };
    }
    case 'malformedJson':
      return { kind: 'reply', reply: reply(200, { 'content-type': 'application/json' }, TRUNCATED_JSON) };
    case 'html':
      // A proxy answered, not LINE: no x-line-request-id.
      return {
        kind: 'reply',
        reply: { ...reply(502, { 'content-type': 'text/html' }, PROXY_ERROR_HTML), omitRequestId: true },
      };
    case 'emptyBody':
      return {
        kind: 'reply',
        reply: reply(
          fault.status,
          fault.status === 204 || fault.status === 304 ? {} : { 'content-type': 'application/json' },
          '',
        ),
      };
    case 'destroySocket':
      ctx.req.socket.destroy();
      return { kind: 'drop' };
  }
}
