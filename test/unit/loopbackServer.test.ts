import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { chmod, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  startLoopbackServer,
  RESULT_PAGE_PATH,
  type LoopbackServer,
  type LoopbackServerOptions,
} from '../../src/core/loopbackServer';
import { AuthorizationError } from '../../src/core/errors';
import { freePort } from '../support/ports';

const execFileAsync = promisify(execFile);
const STATE = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const CODE = 'AuthCodeFromLine42';

async function occupy(host: string, port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, resolve);
  });
  return server;
}

function closeNetServer(server: Server): Promise<void> {
  return new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

async function start(
  overrides: Partial<LoopbackServerOptions> = {},
): Promise<{ server: LoopbackServer; base: string }> {
  const port = await freePort();
  // A short grace period: tests that never fetch the result page would otherwise wait for it in close().
  const server = await startLoopbackServer({
    callbackUrl: `http://127.0.0.1:${port}/callback`,
    expectedState: STATE,
    resultPageGraceMs: 200,
    ...overrides,
  });
  return { server, base: `http://127.0.0.1:${port}` };
}

function get(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', ...init });
}

/** A raw request, so that Host and method can be anything. */
function rawRequest(
  port: number,
  options: { method?: string; path: string; host?: string; address?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.address ?? '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: options.host ?? `127.0.0.1:${port}` },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Resolves true once nothing accepts connections on host:port (polls briefly). */
async function becomesUnreachable(host: string, port: number, withinMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => {
        resolve(true);
      });
    });
    if (refused) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/** Asserts the attempt is still pending: waitForCallback has not settled. */
async function assertPending(server: LoopbackServer): Promise<void> {
  const marker = Symbol('pending');
  const winner = await Promise.race([
    server.waitForCallback().then(
      () => 'resolved',
      () => 'rejected',
    ),
    new Promise((resolve) =>
      setTimeout(() => {
        resolve(marker);
      }, 30),
    ),
  ]);
  assert.equal(winner, marker);
}

function assertSecurityHeaders(response: Response): void {
  assert.equal(
    response.headers.get('content-security-policy'),
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  );
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('cache-control'), 'no-store');
}

describe('startLoopbackServer', () => {
  test('success: 302 to the result page, resolves the code, serves the page with security headers, then closes', async () => {
    const { server, base } = await start();
    const callback = await get(`${base}/callback?code=${CODE}&state=${STATE}&friendship_status_changed=true`);
    assert.equal(callback.status, 302);
    assert.equal(callback.headers.get('location'), RESULT_PAGE_PATH);
    assertSecurityHeaders(callback);
    assert.deepEqual(await server.waitForCallback(), { code: CODE, friendshipStatusChanged: true });

    const page = await get(`${base}${RESULT_PAGE_PATH}`);
    assert.equal(page.status, 200);
    assertSecurityHeaders(page);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    const html = await page.text();
    assert.match(html, /Signed in to LINE Login DevTools/);
    assert.ok(!html.includes(CODE));
    assert.ok(!html.includes(STATE));
    assert.ok(await becomesUnreachable('127.0.0.1', server.port), 'the server closes itself after the result page');
    await server.close();
  });

  test('binds only loopback addresses: 127.0.0.1 and ::1 for a localhost callback', async () => {
    const port = await freePort();
    const server = await startLoopbackServer({
      callbackUrl: `http://localhost:${port}/callback`,
      expectedState: STATE,
    });
    try {
      assert.equal(server.port, port);
      assert.equal(server.callbackUrl, `http://localhost:${port}/callback`);
      assert.ok(server.addresses.length >= 1);
      for (const address of server.addresses) {
        assert.ok(['127.0.0.1', '::1'].includes(address.address), `bound to ${address.address}`);
        assert.equal(address.port, port);
      }
      assert.equal(server.addresses[0]?.address, '127.0.0.1');
      const viaV4 = await rawRequest(port, { path: '/callback', host: `localhost:${port}` });
      assert.equal(viaV4.status, 400);
      if (server.addresses.some((a) => a.address === '::1')) {
        const viaV6 = await rawRequest(port, { path: '/callback', host: `localhost:${port}`, address: '::1' });
        assert.equal(viaV6.status, 400);
      }
      // Not reachable through any non-loopback address of this machine.
      const external = Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((info) => !info.internal)
        .map((info) => info.address);
      for (const address of external) {
        assert.ok(await becomesUnreachable(address, port, 200), `reachable on ${address}`);
      }
      await assertPending(server);
    } finally {
      await server.close();
    }
  });

  test('binds [::1] only for an [::1] callback', async (t) => {
    const port = await freePort();
    let server: LoopbackServer;
    try {
      server = await startLoopbackServer({
        callbackUrl: `http://[::1]:${port}/cb`,
        expectedState: STATE,
        resultPageGraceMs: 200,
      });
    } catch (error) {
      if (error instanceof AuthorizationError && error.code === 'ERR_LISTEN_FAILED') {
        t.skip('no IPv6 loopback on this machine');
        return;
      }
      throw error;
    }
    try {
      assert.deepEqual(
        server.addresses.map((a) => a.address),
        ['::1'],
      );
      const response = await get(`http://[::1]:${port}/cb?code=${CODE}&state=${STATE}`);
      assert.equal(response.status, 302);
      assert.deepEqual(await server.waitForCallback(), { code: CODE });
    } finally {
      await server.close();
    }
  });

  test('wrong state fails the attempt with ERR_STATE_MISMATCH and the page explains it', async () => {
    const { server, base } = await start();
    const callback = await get(`${base}/callback?code=${CODE}&state=not-the-state`);
    assert.equal(callback.status, 302);
    await assert.rejects(server.waitForCallback(), { code: 'ERR_STATE_MISMATCH' });
    const html = await (await get(`${base}${RESULT_PAGE_PATH}`)).text();
    assert.match(html, /auto login/);
    assert.ok(!html.includes(CODE));
    assert.ok(!html.includes('not-the-state'));
    await server.close();
  });

  test('missing state → ERR_STATE_MISSING', async () => {
    const { server, base } = await start();
    assert.equal((await get(`${base}/callback?code=${CODE}`)).status, 302);
    await assert.rejects(server.waitForCallback(), { code: 'ERR_STATE_MISSING' });
    await server.close();
  });

  test('error=ACCESS_DENIED → ERR_ACCESS_DENIED', async () => {
    const { server, base } = await start();
    const callback = await get(
      `${base}/callback?error=ACCESS_DENIED&error_description=The+user+has+denied+the+approval&state=${STATE}`,
    );
    assert.equal(callback.status, 302);
    await assert.rejects(server.waitForCallback(), { code: 'ERR_ACCESS_DENIED' });
    await server.close();
  });

  test('error=access_denied in lower case (as LINE SDKs see it) → ERR_ACCESS_DENIED', async () => {
    const { server, base } = await start();
    const callback = await get(`${base}/callback?error=access_denied&state=${STATE}`);
    assert.equal(callback.status, 302);
    await assert.rejects(server.waitForCallback(), { code: 'ERR_ACCESS_DENIED' });
    await server.close();
  });

  test('a forged error callback (no state, or another one) is answered 400 and the real callback still wins', async () => {
    const { server, base } = await start();
    const link = encodeURIComponent(
      '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
    );
    for (const query of [
      `error=access_denied&error_description=${link}`,
      `error=INVALID_SCOPE&error_description=${link}&state=`,
      `error=ACCESS_DENIED&error_description=${link}&state=not-the-state`,
      `error=SERVER_ERROR&state=${STATE.slice(0, -1)}1`,
    ]) {
      const response = await get(`${base}/callback?${query}`);
      assert.equal(response.status, 400, query);
      const text = await response.text();
      assert.ok(!text.includes('command:'), 'nothing of it is echoed');
      await assertPending(server);
    }
    const callback = await get(`${base}/callback?code=${CODE}&state=${STATE}`);
    assert.equal(callback.status, 302);
    assert.deepEqual(await server.waitForCallback(), { code: CODE });
    await server.close();
  });

  test('another error: ERR_AUTHORIZE_FAILED, and a <script> in error_description is escaped on the page', async () => {
    const { server, base } = await start();
    const description = encodeURIComponent('<script>alert("pwned")</script>');
    await get(`${base}/callback?error=SERVER_ERROR&error_description=${description}&state=${STATE}`);
    await assert.rejects(server.waitForCallback(), (error: unknown) => {
      assert.ok(error instanceof AuthorizationError);
      assert.equal(error.code, 'ERR_AUTHORIZE_FAILED');
      assert.equal(error.details.lineError, 'SERVER_ERROR');
      return true;
    });
    const page = await get(`${base}${RESULT_PAGE_PATH}`);
    assertSecurityHeaders(page);
    const html = await page.text();
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /&lt;script&gt;alert\(&quot;pwned&quot;\)&lt;\/script&gt;/);
    await server.close();
  });

  test('the result page shows the stored outcome, never its own query', async () => {
    const { server, base } = await start();
    await get(`${base}/callback?code=${CODE}&state=${STATE}`);
    const html = await (await get(`${base}${RESULT_PAGE_PATH}?title=%3Cb%3Eowned&next=https://evil.example/`)).text();
    assert.doesNotMatch(html, /owned|evil\.example/);
    assert.match(html, /Signed in/);
    await server.close();
  });

  test('the result page is 404 before any callback', async () => {
    const { server, base } = await start();
    assert.equal((await get(`${base}${RESULT_PAGE_PATH}`)).status, 404);
    await assertPending(server);
    await server.close();
  });

  test('wrong paths are 404 (no file serving) and do not settle the attempt', async () => {
    const { server, base } = await start();
    for (const path of [
      '/',
      '/other',
      '/callback/extra',
      '/Callback',
      '/../etc/passwd',
      `/other?code=${CODE}&state=${STATE}`,
    ]) {
      const response = await get(`${base}${path}`);
      assert.equal(response.status, 404, path);
      assertSecurityHeaders(response);
    }
    await assertPending(server);
    await server.close();
  });

  test('favicon and the bare callback path are ignored', async () => {
    const { server, base } = await start();
    assert.equal((await get(`${base}/favicon.ico`)).status, 404);
    assert.equal((await get(`${base}/callback`)).status, 400);
    assert.equal((await get(`${base}/callback?foo=bar`)).status, 400);
    await assertPending(server);
    // The real callback still works afterwards.
    assert.equal((await get(`${base}/callback?code=${CODE}&state=${STATE}`)).status, 302);
    assert.deepEqual(await server.waitForCallback(), { code: CODE });
    await server.close();
  });

  test('POST and other methods on the callback path are 405 with Allow: GET', async () => {
    const { server, base } = await start();
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      const response = await get(`${base}/callback?code=${CODE}&state=${STATE}`, { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'GET');
    }
    await assertPending(server);
    await server.close();
  });

  test('a request naming another host (DNS rebinding) is refused without settling', async () => {
    const { server } = await start();
    const response = await rawRequest(server.port, {
      path: `/callback?code=${CODE}&state=${STATE}`,
      host: `evil.example:${server.port}`,
    });
    assert.equal(response.status, 421);
    await assertPending(server);
    await server.close();
  });

  test('the first callback wins; a second one is refused and changes nothing', async () => {
    const { server, base } = await start({ resultPageGraceMs: 5_000 });
    assert.equal((await get(`${base}/callback?code=${CODE}&state=${STATE}`)).status, 302);
    const second = await get(`${base}/callback?code=OTHER&state=${STATE}`);
    assert.equal(second.status, 409);
    assertSecurityHeaders(second);
    assert.match(await second.text(), /already been handled/);
    const failing = await get(`${base}/callback?error=access_denied&state=${STATE}`);
    assert.equal(failing.status, 409);
    assert.deepEqual(await server.waitForCallback(), { code: CODE });
    assert.match(await (await get(`${base}${RESULT_PAGE_PATH}`)).text(), /Signed in/);
    await server.close();
  });

  test('waitForCallback returns the same promise every time', async () => {
    const { server } = await start();
    assert.equal(server.waitForCallback(), server.waitForCallback());
    await server.close();
  });

  test('closes after a grace period when the result page is never fetched', async () => {
    const { server, base } = await start({ resultPageGraceMs: 50 });
    await get(`${base}/callback?code=${CODE}&state=${STATE}`);
    assert.deepEqual(await server.waitForCallback(), { code: CODE });
    assert.ok(await becomesUnreachable('127.0.0.1', server.port));
  });

  test('close() right after the callback resolves still lets the browser load the result page', async () => {
    const { server, base } = await start();
    await get(`${base}/callback?code=${CODE}&state=${STATE}`);
    assert.deepEqual(await server.waitForCallback(), { code: CODE });
    const closing = server.close();
    const page = await get(`${base}${RESULT_PAGE_PATH}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Signed in/);
    await closing;
    assert.ok(await becomesUnreachable('127.0.0.1', server.port, 200));
  });

  test('close() after the callback waits at most the grace period for the result page', async () => {
    const { server, base } = await start({ resultPageGraceMs: 100 });
    await get(`${base}/callback?code=${CODE}&state=${STATE}`);
    const started = Date.now();
    await server.close();
    assert.ok(Date.now() - started < 1_000);
    assert.deepEqual(await server.waitForCallback(), { code: CODE });
  });

  test('timeout → ERR_CALLBACK_TIMEOUT naming the exact callback URL, and the port is released', async () => {
    const { server } = await start({ timeoutMs: 50 });
    await assert.rejects(server.waitForCallback(), (error: unknown) => {
      assert.ok(error instanceof AuthorizationError);
      assert.equal(error.code, 'ERR_CALLBACK_TIMEOUT');
      assert.equal(error.details.callbackUrl, server.callbackUrl);
      assert.ok(error.message.includes(server.callbackUrl));
      assert.match(error.message, /not registered/);
      assert.match(error.message, /LINE Login tab/);
      return true;
    });
    assert.ok(await becomesUnreachable('127.0.0.1', server.port));
  });

  test('AbortSignal → ERR_CANCELLED, and the port is released', async () => {
    const controller = new AbortController();
    const { server } = await start({ signal: controller.signal });
    const waiting = server.waitForCallback();
    controller.abort();
    await assert.rejects(waiting, { code: 'ERR_CANCELLED' });
    assert.ok(await becomesUnreachable('127.0.0.1', server.port));
  });

  test('an already aborted signal → ERR_CANCELLED without listening', async () => {
    const port = await freePort();
    await assert.rejects(
      startLoopbackServer({
        callbackUrl: `http://127.0.0.1:${port}/cb`,
        expectedState: STATE,
        signal: AbortSignal.abort(),
      }),
      { code: 'ERR_CANCELLED' },
    );
  });

  test('port taken → ERR_PORT_IN_USE naming the port; never another port', async () => {
    const port = await freePort();
    const blocker = await occupy('127.0.0.1', port);
    try {
      await assert.rejects(
        startLoopbackServer({ callbackUrl: `http://localhost:${port}/callback`, expectedState: STATE }),
        (error: unknown) => {
          assert.ok(error instanceof AuthorizationError);
          assert.equal(error.code, 'ERR_PORT_IN_USE');
          assert.equal(error.details.port, port);
          assert.ok(error.message.includes(String(port)));
          assert.match(error.message, /another sign-in/);
          assert.match(error.message, /different port/);
          return true;
        },
      );
    } finally {
      await closeNetServer(blocker);
    }
  });

  test('port taken on ::1 only → ERR_PORT_IN_USE, and 127.0.0.1 is released again', async (t) => {
    const port = await freePort();
    let blocker: Server;
    try {
      blocker = await occupy('::1', port);
    } catch {
      t.skip('no IPv6 loopback on this machine');
      return;
    }
    try {
      await assert.rejects(
        startLoopbackServer({ callbackUrl: `http://localhost:${port}/callback`, expectedState: STATE }),
        {
          code: 'ERR_PORT_IN_USE',
        },
      );
      const again = await occupy('127.0.0.1', port);
      await closeNetServer(again);
    } finally {
      await closeNetServer(blocker);
    }
  });

  test('a privileged port without privileges → ERR_LISTEN_FAILED (EACCES)', async (t) => {
    // In a child process, so that a root test run can drop to an unprivileged user first. The
    // compiled core is copied to a folder that user can read (a clone may sit in a private folder).
    const readable = await mkdtemp(join(tmpdir(), 'line-login-eacces-'));
    t.after(() => rm(readable, { recursive: true, force: true }));
    await cp(join(__dirname, '../../src/core'), join(readable, 'core'), { recursive: true });
    await chmodTree(readable);
    const modulePath = join(readable, 'core', 'loopbackServer.js');
    const script = [
      'if (process.getuid && process.getuid() === 0) process.setuid(65534);',
      `require(${JSON.stringify(modulePath)})`,
      "  .startLoopbackServer({ callbackUrl: 'http://127.0.0.1:1/callback', expectedState: 'state' })",
      "  .then((s) => { console.log('LISTENING'); return s.close(); }, (e) => { console.log(e.code + ' ' + e.message); });",
    ].join('\n');
    let stdout: string;
    try {
      ({ stdout } = await execFileAsync(process.execPath, ['-e', script], { timeout: 10_000 }));
    } catch (error) {
      t.skip(`cannot run an unprivileged child process here: ${String(error)}`);
      return;
    }
    if (stdout.startsWith('LISTENING')) {
      t.skip('this system lets unprivileged processes bind port 1');
      return;
    }
    assert.match(stdout, /^ERR_LISTEN_FAILED /);
    assert.match(stdout, /port 1\b/);
  });

  test('an invalid callback URL → ERR_CALLBACK_URL_INVALID', async () => {
    for (const callbackUrl of [
      'http://0.0.0.0:33418/callback',
      'https://localhost:33418/callback',
      'http://example.com/cb',
    ]) {
      await assert.rejects(startLoopbackServer({ callbackUrl, expectedState: STATE }), {
        code: 'ERR_CALLBACK_URL_INVALID',
      });
    }
  });

  test('an empty state or an unusable timeout is a caller bug (ERR_INVALID_INPUT)', async () => {
    const port = await freePort();
    const callbackUrl = `http://127.0.0.1:${port}/cb`;
    await assert.rejects(startLoopbackServer({ callbackUrl, expectedState: '' }), { code: 'ERR_INVALID_INPUT' });
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await assert.rejects(startLoopbackServer({ callbackUrl, expectedState: STATE, timeoutMs }), {
        code: 'ERR_INVALID_INPUT',
      });
    }
    assert.ok(await becomesUnreachable('127.0.0.1', port, 200), 'nothing was left listening');
  });

  test('close() with an open keep-alive socket finishes promptly, is idempotent and cancels the wait', async () => {
    const { server } = await start();
    const socket = connect({ host: '127.0.0.1', port: server.port });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const firstResponse = new Promise<string>((resolve) =>
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk.toString('utf8'));
      }),
    );
    socket.write(`GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: keep-alive\r\n\r\n`);
    assert.match(await firstResponse, /^HTTP\/1\.1 404/);
    const socketClosed = new Promise<void>((resolve) =>
      socket.once('close', () => {
        resolve();
      }),
    );

    const started = Date.now();
    await server.close();
    await server.close();
    assert.ok(Date.now() - started < 1_000, `close took ${Date.now() - started} ms`);
    await socketClosed;
    await assert.rejects(server.waitForCallback(), { code: 'ERR_CANCELLED' });
  });

  test('close() before anyone waits does not leave an unhandled rejection', async () => {
    const { server } = await start();
    await server.close();
    await assert.rejects(server.waitForCallback(), { code: 'ERR_CANCELLED' });
  });

  test('uses localized result-page strings and describeFailure', async () => {
    const { server, base } = await start({
      resultPageStrings: { lang: 'ja', successTitle: 'サインインしました' },
      describeFailure: (error) => ({ title: `失敗: ${error.code}` }),
    });
    await get(`${base}/callback?error=access_denied&state=${STATE}`);
    await assert.rejects(server.waitForCallback(), { code: 'ERR_ACCESS_DENIED' });
    const html = await (await get(`${base}${RESULT_PAGE_PATH}`)).text();
    assert.match(html, /<html lang="ja">/);
    assert.match(html, /失敗: ERR_ACCESS_DENIED/);
    await server.close();
  });
});

/** World-readable folders and files, so a child process that dropped to `nobody` can load them. */
async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await chmodTree(path);
    } else {
      await chmod(path, 0o644);
    }
  }
}
