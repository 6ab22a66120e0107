/**
 * The node:http side of the emulator: listening and closing, the Host check, reading and parsing
 * bodies, recording and logging each request. What to answer is the router's business.
 */

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { redactPatterns } from '../src/core/redact';
import { isLoopbackHost } from '../src/core/loopback';
import { FORM } from './context';
import type { RequestContext } from './context';
import { messageError } from './errors';
import { BodyTooLargeError, flattenHeaders, mediaType, parseParams, readBody } from './http';
import type { ParsedParams } from './http';
import { dispatch, matchRoute } from './router';
import type { Dispatcher } from './router';
import { errorReply, writeReply } from './respond';
import type { Reply } from './respond';
import { newRequestId } from './state/randomValues';
import type { EmulatorState } from './state';
import type { FaultBook } from './faults';
import type { EmulatorEndpoint, EmulatorExchange, RecordedRequest } from './types';

/** `[::1]` for an IPv6 literal, so it can stand in a URL or a Host header. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export interface ServerOptions {
  host: string;
  port: number;
  browserHost: string;
  state: EmulatorState;
  faults: FaultBook;
  /** Everything received on a known path goes here. */
  record: (request: RecordedRequest) => void;
  /** Each request on a known path with its answer, once the answer has gone out (or was dropped). */
  exchange: ((exchange: EmulatorExchange) => void) | undefined;
  log: ((line: string) => void) | undefined;
}

export class EmulatorServer {
  readonly #options: ServerOptions;
  readonly #sockets = new Set<Socket>();
  readonly #delays = new Set<() => void>();
  readonly #dispatcher: Dispatcher;
  #server: Server | undefined;
  #port = 0;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: ServerOptions) {
    this.#options = options;
    this.#dispatcher = {
      state: options.state,
      faults: options.faults,
      delay: (ms) => this.#delay(ms),
    };
  }

  get port(): number {
    return this.#port;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.#onRequest(req, res);
    });
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.#options.host, port: this.#options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') {
      server.close();
      throw new Error('The LINE emulator could not determine its port.');
    }
    this.#port = address.port;
    this.#server = server;
  }

  /** Stops listening and destroys open sockets; idempotent. */
  close(): Promise<void> {
    if (this.#closing !== undefined) {
      return this.#closing;
    }
    this.#closed = true;
    for (const release of this.#delays) {
      release();
    }
    this.#delays.clear();
    const server = this.#server;
    this.#closing =
      server === undefined
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
            for (const socket of this.#sockets) {
              socket.destroy();
            }
          });
    return this.#closing;
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#handle(req, res).catch((error: unknown) => {
      this.#log(`internal error: ${error instanceof Error ? error.name : 'unknown'}`);
      if (!res.headersSent && !res.destroyed) {
        writeReply(res, errorReply(messageError(500, 'internal_error', 'Internal Server Error')));
      } else {
        res.destroy();
      }
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = newRequestId();
    res.setHeader('x-line-request-id', requestId);
    const rawUrl = req.url ?? '/';
    // A request target is origin-form; anything else (e.g. `//host/x`) just fails to route.
    const url = new URL(`http://emulator.invalid${rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`}`);
    const method = req.method ?? 'GET';
    // Filled in as the request is handled; read when the response has gone out.
    const outcome: { ctx?: RequestContext; faultNote?: string | undefined } = {};
    res.on('finish', () => {
      const note = outcome.ctx?.note ?? outcome.faultNote;
      this.#log(
        `${method} ${url.pathname} ${res.statusCode} ${Math.round(performance.now() - started)}ms x-line-request-id=${requestId}${note === undefined ? '' : ` (${note})`}`,
      );
    });

    if (!this.#hostAllowed(req.headers.host)) {
      // DNS rebinding: a web page that re-points its own name at 127.0.0.1 must not drive the emulator.
      req.resume();
      writeReply(res, errorReply(messageError(400, 'invalid_host', 'Invalid Host header')));
      return;
    }
    const match = matchRoute(method, url.pathname);
    if (match.kind === 'unknownPath') {
      // Not recorded: it names no endpoint.
      req.resume();
      writeReply(res, errorReply(messageError(404, 'not_found', 'Not found')));
      return;
    }
    const endpoint = match.kind === 'route' ? match.route.endpoint : match.endpoint;
    const query = parseParams(url.searchParams);

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        const recorded = this.#record(endpoint, req, url, query.values, {});
        this.#answer(
          res,
          { ...recorded, rawQuery: url.search.slice(1), rawBody: '' },
          errorReply(messageError(413, 'too_large', 'Request Entity Too Large', { headers: { connection: 'close' } })),
        );
        return;
      }
      throw error;
    }
    const { form, json } = parseBody(req, body);
    const recorded = this.#record(endpoint, req, url, query.values, form.values);
    const exchanged = { ...recorded, rawQuery: url.search.slice(1), rawBody: body.toString('utf8') };

    if (match.kind === 'wrongMethod') {
      this.#answer(
        res,
        exchanged,
        errorReply(
          messageError(405, 'method_not_allowed', 'Method Not Allowed', { headers: { allow: match.allow.join(', ') } }),
        ),
      );
      return;
    }

    const ctx: RequestContext = { req, url, endpoint, query, form, json, denyConsent: undefined, note: undefined };
    outcome.ctx = ctx;
    const { reply, faultNote } = await dispatch(match.route, ctx, {
      ...this.#dispatcher,
      // A slow fault goes on only if both the server and the client are still there.
      delay: async (ms) => (await this.#delay(ms)) && !res.destroyed,
    });
    outcome.faultNote = faultNote;
    if (reply === undefined) {
      if (faultNote === 'fault destroySocket') {
        this.#log(`${method} ${url.pathname} connection destroyed (fault destroySocket)`);
      }
      this.#answer(res, exchanged, undefined);
      return;
    }
    this.#answer(res, exchanged, reply);
  }

  /** Writes the reply (none: the connection was dropped) and tells the exchange observer. */
  #answer(res: ServerResponse, request: EmulatorExchange['request'], answer: Reply | undefined): void {
    const sent = answer !== undefined && !res.destroyed && !res.headersSent ? answer : undefined;
    if (answer !== undefined) {
      writeReply(res, answer);
    }
    const observer = this.#options.exchange;
    if (observer === undefined) {
      return;
    }
    const response =
      sent === undefined ? undefined : { status: sent.status, headers: { ...sent.headers }, body: sent.body };
    try {
      observer({ request, response, answeredAt: this.#options.state.clock.now() });
    } catch (error) {
      // An observer's failure must never change what the app under test receives.
      this.#log(`exchange observer failed: ${error instanceof Error ? error.name : 'unknown'}`);
    }
  }

  #hostAllowed(host: string | undefined): boolean {
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d+))?$/.exec(host ?? '');
    if (match === null) {
      return false;
    }
    const name = (match[1] ?? '').toLowerCase();
    const port = Number(match[2] ?? '80');
    if (port !== this.#port) {
      return false;
    }
    return (
      isLoopbackHost(name) ||
      name === urlHost(this.#options.host).toLowerCase() ||
      name === urlHost(this.#options.browserHost).toLowerCase()
    );
  }

  #record(
    endpoint: EmulatorEndpoint,
    req: IncomingMessage,
    url: URL,
    query: Record<string, string>,
    form: Record<string, string>,
  ): RecordedRequest {
    const recorded: RecordedRequest = {
      endpoint,
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      form,
      headers: flattenHeaders(req),
      at: this.#options.state.clock.now(),
    };
    this.#options.record(recorded);
    return recorded;
  }

  /** Resolves true after `ms`, or false at once when the server closes meanwhile. */
  #delay(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        this.#delays.delete(release);
        resolve(!this.#closed);
      };
      const timer = setTimeout(release, Math.max(0, ms));
      this.#delays.add(release);
    });
  }

  #log(line: string): void {
    this.#options.log?.(redactPatterns(line));
  }
}

/** A form body's fields, or a JSON object body and its top-level scalars as fields (for the request record). */
function parseBody(req: IncomingMessage, body: Buffer): { form: ParsedParams; json: unknown } {
  const type = mediaType(req);
  if (type === FORM) {
    return { form: parseParams(new URLSearchParams(body.toString('utf8'))), json: undefined };
  }
  let json: unknown = undefined;
  let form: ParsedParams = { values: {}, duplicates: [] };
  if (type === 'application/json' && body.length > 0) {
    try {
      json = JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      json = undefined;
    }
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      const scalars = Object.entries(json).filter(([, value]) =>
        ['string', 'number', 'boolean'].includes(typeof value),
      );
      form = { values: Object.fromEntries(scalars.map(([name, value]) => [name, String(value)])), duplicates: [] };
    }
  }
  return { form, json };
}
