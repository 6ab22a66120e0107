// Proves the harness features later tests rely on, without depending on the extension or the
// emulator: openExternal reaches a browser tab unchanged, the harness can click in that tab, a
// plain redirect from it reaches a loopback server in the extension host, and screenshots arrive.
// Skipped under runners without the harness (F5).
import * as assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { browserTabs, clickInTab, closeTabs, harnessAvailable, takeScreenshot } from '../host/client';
import { HARNESS_DIR_ENV } from '../host/protocol';

/** A page with one button whose form redirects to /callback, like an authorize page's consent. */
async function startConsentLikeServer(): Promise<{ server: Server; port: number; callback: Promise<string> }> {
  let resolveCallback: (query: string) => void = () => undefined;
  const callback = new Promise<string>((resolvePromise) => {
    resolveCallback = resolvePromise;
  });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        '<!doctype html><title>consent</title><form method="get" action="/approve"><button id="approve">Allow</button></form>',
      );
    } else if (url.pathname === '/approve') {
      // Back to 127.0.0.1 by a plain redirect, as LINE redirects to the extension's loopback server.
      const { port } = server.address() as AddressInfo;
      response.writeHead(302, { location: `http://127.0.0.1:${port}/callback?code=harness-self-test` });
      response.end();
    } else if (url.pathname === '/callback') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('done');
      resolveCallback(url.search);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  return { server, port: (server.address() as AddressInfo).port, callback };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`${what} did not happen within ${ms} ms`));
      }, ms);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

describe('Integration harness', function () {
  before(function () {
    if (!harnessAvailable()) {
      this.skip();
    }
  });

  it('hands its reply folder to the extension host through the server environment', () => {
    assert.ok((process.env[HARNESS_DIR_ENV] ?? '') !== '');
  });

  it('opens openExternal URLs in a new tab unchanged, clicks in it, and follows its redirect to loopback', async () => {
    const { server, port, callback } = await startConsentLikeServer();
    try {
      // *.localhost: Chromium resolves it to loopback, and the workbench does not proxy-rewrite it.
      const opened = `http://line-emulator.localhost:${port}/`;
      assert.equal(
        await vscode.env.openExternal(vscode.Uri.parse(opened)),
        true,
        'openExternal was refused (link protection?)',
      );
      await clickInTab(`line-emulator.localhost:${port}`, '#approve');
      assert.equal(await withTimeout(callback, 15_000, 'the callback'), '?code=harness-self-test');

      const tab = (await browserTabs()).find((candidate) => candidate.history[0] === opened);
      assert.ok(tab, `no tab started at ${opened}`);
      assert.ok(
        tab.history.some((url) => url.startsWith(`http://127.0.0.1:${port}/callback`)),
        `history: ${tab.history.join(' → ')}`,
      );
    } finally {
      await closeTabs();
      await new Promise<void>((resolveClose) => {
        server.close(() => {
          resolveClose();
        });
        server.closeAllConnections();
      });
    }
  });

  it('saves a PNG of the workbench when asked, and answers once it is written', async () => {
    const relative = '.vscode-test/harness-self-test.png';
    const written = await takeScreenshot(relative);
    // Resolved against the harness's repository root (also the extension's folder, unless --extension says otherwise).
    assert.ok(
      written !== undefined && isAbsolute(written) && written.endsWith(join('/', relative)),
      `written to ${String(written)}`,
    );
    const png = await readFile(written);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    if (process.env['VSCODE_TEST_KEEP'] === undefined) {
      await rm(written, { force: true });
    }
  });
});
