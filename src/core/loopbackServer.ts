/**
 * A single-shot loopback listener for LINE's authorize redirect (RFC 8252 §7.3, §8.3;
 * docs/security.md §2–6). It listens on the registered callback URL's loopback host(s) and fixed port only,
 * accepts the first callback, answers it with a redirect to a clean result page, then closes itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AuthorizationError, InputError, isLineLoginError } from './errors';
import { isForgedErrorCallback, parseCallbackParams, parseCallbackUrl, type AuthorizationCallback } from './callback';
import { loopbackHostHeaders } from './loopback';
import {
  RESULT_PAGE_HEADERS,
  RESULT_PAGE_SECURITY_HEADERS,
  RESULT_PAGE_STRINGS_EN,
  renderResultPage,
  type ResultPageOutcome,
  type ResultPageStrings,
} from './resultPage';

export type { AuthorizationCallback } from './callback';

export const DEFAULT_CALLBACK_TIMEOUT_MS = 300_000;
export const DEFAULT_RESULT_PAGE_GRACE_MS = 3_000;
/** Where a settled callback is redirected to, so the code leaves the address bar and history. */
export const RESULT_PAGE_PATH = '/line-login-devtools/result';

export interface LoopbackServerOptions {
  /** The callback URL exactly as registered on the channel's LINE Login tab (and sent as redirect_uri). */
  callbackUrl: string;
  expectedState: string;
  /** Default 5 minutes. */
  timeoutMs?: number;
  /** Aborting cancels the attempt with ERR_CANCELLED. */
  signal?: AbortSignal;
  /** Localized page texts; English by default. */
  resultPageStrings?: Partial<ResultPageStrings>;
  /** Localized title/detail of the result page for a failed attempt; by default the error's message. */
  describeFailure?: (error: AuthorizationError) => { title: string; detail?: string };
  /** How long the server waits for the browser to fetch the result page before closing. Default 3 s. */
  resultPageGraceMs?: number;
}

export interface LoopbackServer {
  readonly port: number;
  /** The callback URL as given (trimmed): the exact `redirect_uri` for the authorize and token requests. */
  readonly callbackUrl: string;
  /** What is actually listening: loopback addresses only (127.0.0.1 and/or ::1). */
  readonly addresses: readonly AddressInfo[];
  /** Settles once: with the first valid callback, or with the error that ended the attempt. */
  waitForCallback(): Promise<AuthorizationCallback>;
  /**
   * Idempotent; destroys open sockets; a pending waitForCallback() rejects with ERR_CANCELLED.
   * After a callback has settled the attempt, it first lets the browser fetch the result page
   * (at most `resultPageGraceMs`).
   */
  close(): Promise<void>;
}

const MAX_TIMER_MS = 2_147_483_647;

type Outcome = { ok: true; callback: AuthorizationCallback } | { ok: false; error: AuthorizationError };

// Errors meaning "this machine has no IPv6 loopback"; ::1 is optional for a localhost callback.
const NO_IPV6_CODES = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);

function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

// A function, so that TypeScript does not narrow `aborted` across the awaits in between.
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) {
    const minutes = ms / 60_000;
    return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  }
  if (ms >= 1000 && ms % 1000 === 0) {
    return `${ms / 1000} seconds`;
  }
  return `${ms} ms`;
}

function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // Always an explicit loopback host: never 0.0.0.0, :: or a bare listen(port) (RFC 8252 §8.3).
    server.listen({ host, port, exclusive: true });
  });
}

function listenError(error: unknown, host: string, port: number, callbackUrl: string): AuthorizationError {
  const code = errnoCode(error);
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  if (code === 'EADDRINUSE') {
    return new AuthorizationError(
      'ERR_PORT_IN_USE',
      `Port ${port} (${where}) is already in use, so the sign-in callback cannot be received.`,
      { port, callbackUrl },
      { cause: error },
    );
  }
  const hint = code === 'EACCES' ? ` Listening on port ${port} is not permitted here.` : '';
  return new AuthorizationError(
    'ERR_LISTEN_FAILED',
    `Could not listen on ${where} for the sign-in callback${code === undefined ? '' : ` (${code})`}.${hint}`,
    { port, callbackUrl },
    { cause: error },
  );
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => {
      resolve();
    });
  });
}

export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const parsed = parseCallbackUrl(options.callbackUrl);
  const callbackUrl = options.callbackUrl.trim();
  const { port, path: callbackPath, bindHosts } = parsed;
  if (options.expectedState === '') {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'The expected state of a sign-in attempt must not be empty.',
      'expectedState',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  // setTimeout turns anything above 2^31-1 ms into 1 ms.
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      'The callback timeout must be a positive number of milliseconds, at most about 24 days.',
      'timeoutMs',
    );
  }
  const graceMs = Math.min(Math.max(options.resultPageGraceMs ?? DEFAULT_RESULT_PAGE_GRACE_MS, 0), MAX_TIMER_MS);
  const strings: ResultPageStrings = { ...RESULT_PAGE_STRINGS_EN, ...options.resultPageStrings };
  const resultPath = callbackPath === RESULT_PAGE_PATH ? `${RESULT_PAGE_PATH}-page` : RESULT_PAGE_PATH;
  const { signal } = options;

  const cancelled = (): AuthorizationError => new AuthorizationError('ERR_CANCELLED', '', { callbackUrl });
  if (isAborted(signal)) {
    throw cancelled();
  }

  // Only the names a browser uses for this listener. Anything else (e.g. a DNS-rebinding name that
  // resolves to 127.0.0.1) is refused, so a web page cannot talk to the listener as same-origin.
  const allowedHosts = new Set(loopbackHostHeaders(port));

  let outcome: Outcome | undefined;
  let resolveCallback!: (callback: AuthorizationCallback) => void;
  let rejectCallback!: (error: AuthorizationError) => void;
  const callbackPromise = new Promise<AuthorizationCallback>((resolve, reject) => {
    resolveCallback = resolve;
    rejectCallback = reject;
  });
  // The caller may close() without ever waiting; that must not be an unhandled rejection.
  callbackPromise.catch(() => undefined);

  const servers: Server[] = [];
  const addresses: AddressInfo[] = [];
  const sockets = new Set<Socket>();
  const timers: { timeout?: NodeJS.Timeout; grace?: NodeJS.Timeout } = {};
  let shuttingDown: Promise<void> | undefined;
  // Opens when a callback settles the attempt; ends once the result page was served or the grace
  // period passed, so that a caller closing right after waitForCallback() does not leave the
  // browser on a "connection refused" page.
  let resultPageWindow: Promise<void> | undefined;
  let endResultPageWindow = (): void => undefined;

  const settle = (result: Outcome): boolean => {
    if (outcome !== undefined) {
      return false;
    }
    outcome = result;
    clearTimeout(timers.timeout);
    signal?.removeEventListener('abort', onAbort);
    if (result.ok) {
      resolveCallback(result.callback);
    } else {
      rejectCallback(result.error);
    }
    return true;
  };

  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      settle({ ok: false, error: cancelled() });
      clearTimeout(timers.timeout);
      clearTimeout(timers.grace);
      signal?.removeEventListener('abort', onAbort);
      const closed = Promise.all(servers.map(closeServer));
      // server.close() alone waits for keep-alive sockets to time out (vscode-azuretools destroys them too).
      for (const socket of sockets) {
        if (socket.writableLength > 0) {
          // A response is still being flushed: let it finish, but not for long.
          socket.end();
          setTimeout(() => socket.destroy(), 1_000).unref();
        } else {
          socket.destroy();
        }
      }
      await closed;
    })();
    return shuttingDown;
  };

  const close = (): Promise<void> => (resultPageWindow === undefined ? shutdown() : resultPageWindow.then(shutdown));

  const closeSoon = (): void => {
    void shutdown();
  };

  function onAbort(): void {
    settle({ ok: false, error: cancelled() });
    closeSoon();
  }

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { ...RESULT_PAGE_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    res.end(body);
  };

  const sendPage = (
    res: ServerResponse,
    status: number,
    page: ResultPageOutcome,
    headers: Record<string, string> = {},
  ): void => {
    res.writeHead(status, { ...RESULT_PAGE_HEADERS, ...headers });
    res.end(renderResultPage(page, strings));
  };

  const failurePage = (error: AuthorizationError): ResultPageOutcome => {
    if (options.describeFailure !== undefined) {
      const described = options.describeFailure(error);
      return described.detail === undefined
        ? { ok: false, title: described.title }
        : { ok: false, title: described.title, detail: described.detail };
    }
    return { ok: false, title: strings.failureTitle, detail: error.message };
  };

  const handleRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      send(res, 421, 'Misdirected request.\n');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      send(res, 400, 'Bad request.\n');
      return;
    }

    if (url.pathname === resultPath) {
      if (req.method !== 'GET') {
        send(res, 405, 'Method not allowed.\n', { Allow: 'GET' });
        return;
      }
      if (outcome === undefined) {
        send(res, 404, 'Not found.\n');
        return;
      }
      // The page shows the stored outcome, never anything from this request's query.
      sendPage(res, 200, outcome.ok ? { ok: true } : failurePage(outcome.error), { Connection: 'close' });
      res.on('finish', () => {
        endResultPageWindow();
      });
      return;
    }

    if (url.pathname !== callbackPath) {
      // No file serving of any kind (favicon.ico included).
      send(res, 404, 'Not found.\n');
      return;
    }
    if (req.method !== 'GET') {
      send(res, 405, 'Method not allowed.\n', { Allow: 'GET' });
      return;
    }
    const params = url.searchParams;
    if (!params.has('code') && !params.has('error')) {
      // Not LINE's redirect (a prefetch, someone opening the bare URL): it must not end the attempt.
      send(res, 400, "This address only receives LINE Login's redirect.\n");
      return;
    }
    if (outcome !== undefined) {
      sendPage(res, 409, { ok: false, title: strings.alreadyHandledTitle, detail: strings.alreadyHandledDetail });
      return;
    }
    if (isForgedErrorCallback(params, options.expectedState)) {
      // Not LINE's answer to this attempt (no or another state): it must not end the sign-in.
      send(res, 400, 'This response does not belong to the sign-in in progress, so it was ignored.\n');
      return;
    }

    let result: Outcome;
    try {
      result = { ok: true, callback: parseCallbackParams(params, options.expectedState) };
    } catch (error) {
      result = {
        ok: false,
        error:
          error instanceof AuthorizationError
            ? error
            : new AuthorizationError(
                'ERR_AUTHORIZE_FAILED',
                `The sign-in callback could not be processed${isLineLoginError(error) ? `: ${error.message}` : '.'}`,
                { callbackUrl },
                { cause: error },
              ),
      };
    }
    settle(result);
    // RFC 9700 §4.3.1 (code in browser history), docs/security.md §5: move the browser off the URL carrying the code.
    res.writeHead(302, { ...RESULT_PAGE_SECURITY_HEADERS, Location: resultPath, 'Content-Length': '0' });
    res.end();
    resultPageWindow = new Promise<void>((resolve) => {
      endResultPageWindow = resolve;
    });
    void resultPageWindow.then(shutdown);
    timers.grace = setTimeout(() => {
      endResultPageWindow();
    }, graceMs);
    timers.grace.unref();
  };

  const createListener = (): Server => {
    const server = createServer(handleRequest);
    // A browser needs far less; a slow or silent client must not hold the listener.
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    server.maxHeadersCount = 100;
    server.on('connection', (socket: Socket) => {
      if (shuttingDown !== undefined) {
        socket.destroy();
        return;
      }
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    return server;
  };

  for (const [index, host] of bindHosts.entries()) {
    const server = createListener();
    try {
      await listenOn(server, host, port);
    } catch (error) {
      const optionalIpv6 = index > 0 && host === '::1' && NO_IPV6_CODES.has(errnoCode(error) ?? '');
      if (optionalIpv6) {
        continue;
      }
      await shutdown();
      throw listenError(error, host, port, callbackUrl);
    }
    servers.push(server);
    const address = server.address();
    if (address !== null && typeof address !== 'string') {
      addresses.push(address);
    }
    server.on('error', (error: Error) => {
      if (settle({ ok: false, error: listenError(error, host, port, callbackUrl) })) {
        closeSoon();
      }
    });
  }

  // The signal may have fired while listening.
  if (isAborted(signal)) {
    await shutdown();
    throw cancelled();
  }
  signal?.addEventListener('abort', onAbort, { once: true });

  timers.timeout = setTimeout(() => {
    const settled = settle({
      ok: false,
      error: new AuthorizationError(
        'ERR_CALLBACK_TIMEOUT',
        `Nothing came back to ${callbackUrl} within ${formatDuration(timeoutMs)}: register exactly that URL and try again.`,
        { callbackUrl, timeoutMs },
      ),
    });
    if (settled) {
      closeSoon();
    }
  }, timeoutMs);
  timers.timeout.unref();

  return {
    port,
    callbackUrl,
    addresses,
    waitForCallback: () => callbackPromise,
    close,
  };
}
