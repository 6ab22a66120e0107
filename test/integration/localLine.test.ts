// Local LINE (issue 12) in a real VS Code: the emulator loaded from dist/localLine.js only on Start,
// the view's nodes, the settings an app needs on the clipboard (and the secret nowhere else), a
// taken port, and this extension's own sign-in pointed at Local LINE and back.
import { openAppBrowser } from './appBrowser';
import { EXTENSION_ID } from './manifest';
import { activateForTests } from './activate';
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { DEMO_CHANNEL, DEMO_USERS } from '../../emulator/demoData';
import { STARTER_LOCAL_LINE_CONFIG } from '../../emulator/index';
import type { TestHooks } from '../../src/extension';
import { readEndpoints } from '../../src/vscode/config';
import type { ReportCard } from '../../src/core/inspector/app/index';
import type { AppSessionEntry } from '../../src/vscode/inspector/flowHistory';
import { startSampleApps } from '../fixtures/sampleApps/sampleApps';
import type { SampleApp } from '../fixtures/sampleApps/sampleApp';
import { answerWorkbench, closeTabs, harnessAvailable, readText, takeScreenshot } from '../host/client';
import { freePort } from '../support/ports';
import { delay, eventually } from '../support/wait';

const BROWSER_HOST = 'line-emulator.localhost';
/** A channel served next to the demo one, with a callback port of this run's own. */
const SHOP = { channelId: '1690000077', channelSecret: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', name: 'Local shop' };

const BUYER = { userId: `U${'b7'.repeat(16)}`, displayName: 'Buyer', email: 'buyer@example.com' };

let hooks: TestHooks;
let port: number;
/** Callback ports of this run: the extension's own sign-in and the two sample apps. */
const ports = { extensionCallback: '', good: 0, sloppy: 0 };

/** The workspace's .vscode/line-emulator.json. */
function configFile(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace has a folder');
  return vscode.Uri.joinPath(folder.uri, '.vscode', 'line-emulator.json');
}

function shopConfig(users: object[] = [BUYER]): string {
  return JSON.stringify(
    {
      channels: [
        {
          ...SHOP,
          kind: 'web',
          callbackUrls: [
            ports.extensionCallback,
            `http://127.0.0.1:${ports.good}/callback`,
            `http://127.0.0.1:${ports.sloppy}/callback`,
          ],
        },
      ],
      users,
      consent: { mode: 'autoApprove' },
    },
    null,
    2,
  );
}

async function writeConfig(text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(configFile(), new TextEncoder().encode(text));
}

/** Start returns the running Local LINE's summary. */
async function summary(): Promise<{ source: string; channels: { channelId: string }[]; users: { userId: string }[] }> {
  return await vscode.commands.executeCommand('lineLogin.startLocalLine', {});
}
/** Everything a command returned: checked at the end for secrets. */
const results: unknown[] = [];

async function run<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  const result = await vscode.commands.executeCommand<T>(command, args);
  results.push(result);
  return result;
}

function bundleInRequireCache(): boolean {
  return Object.keys(require.cache).some((file) => file.endsWith(`${sep}dist${sep}localLine.js`));
}

interface Shown {
  label: string;
  description: string;
  contextValue: string;
  children: Shown[];
}

/** The view as the workbench would render it, every level. */
async function shownTree(node?: unknown): Promise<Shown[]> {
  const tree = hooks.localLine.tree;
  const nodes = (await tree.getChildren(node)) ?? [];
  const shown: Shown[] = [];
  for (const child of nodes) {
    const item = await tree.getTreeItem(child);
    shown.push({
      label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
      description: typeof item.description === 'string' ? item.description : '',
      contextValue: item.contextValue ?? '',
      children: await shownTree(child),
    });
  }
  return shown;
}

async function logText(): Promise<string> {
  return await readFile(join(hooks.logUri.fsPath, 'LINE Login.log'), 'utf8').catch(() => '');
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('lineLogin').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('Local LINE inside VS Code', function () {
  this.timeout(90_000);

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    hooks = await activateForTests();
    port = await freePort();
    ports.extensionCallback = `http://localhost:${await freePort()}/callback`;
    ports.good = await freePort();
    ports.sloppy = await freePort();
    await setSetting('localLine.port', port);
    await setSetting('localLine.browserHost', BROWSER_HOST);
    // Suites before this one may leave accounts behind; Use Local LINE refuses while any is stored.
    await vscode.commands.executeCommand('lineLogin.resetStoredTokens', { confirmed: true });
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    await closeTabs().catch(() => undefined);
    await Promise.resolve(vscode.commands.executeCommand('lineLogin.useLineAgain', { confirmed: true })).catch(
      () => undefined,
    );
    await vscode.commands.executeCommand('lineLogin.stopLocalLine', {});
    for (const key of ['localLine.port', 'localLine.browserHost', 'authorizeBaseUrl', 'apiBaseUrl']) {
      await setSetting(key, undefined);
    }
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('loads nothing of the emulator until Start: Stop before Start loads nothing either', async () => {
    assert.equal(hooks.localLine.loaded(), false, 'the Local LINE controller is loaded before Start');
    assert.equal(bundleInRequireCache(), false, 'dist/localLine.js is in require.cache before Start');
    assert.deepEqual(await run('lineLogin.stopLocalLine', {}), { running: false });
    assert.equal(bundleInRequireCache(), false);
    assert.deepEqual(await shownTree(), [], 'the view is empty (its welcome text shows)');
    // The walkthrough service listens for completion events from when a walkthrough first opens
    // (firstRun.test.ts opens it earlier in a full run).
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#gettingStarted`, false);
    await readText('[data-step-id$="tryOffline"][aria-checked="false"]', {}, 10_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a taken port: ERR_LOCAL_LINE_PORT_IN_USE naming the port and the setting', async () => {
    const occupier: Server = createServer();
    await new Promise<void>((resolve) => occupier.listen(port, '127.0.0.1', resolve));
    try {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lineLogin.startLocalLine', {})), {
        code: 'ERR_LOCAL_LINE_PORT_IN_USE',
        message: new RegExp(`Port ${port} .*lineLogin\\.localLine\\.port`),
      });
    } finally {
      await new Promise<void>((resolve) =>
        occupier.close(() => {
          resolve();
        }),
      );
    }
    assert.deepEqual(await shownTree(), [], 'nothing runs after the failed start');
  });

  it('Start from the command: both base URLs, the discovery URL, the demo channel and users', async () => {
    const summary = await run<Record<string, unknown>>('lineLogin.startLocalLine', {});
    const authorizeBaseUrl = `http://${BROWSER_HOST}:${port}`;
    const apiBaseUrl = `http://127.0.0.1:${port}`;
    assert.deepEqual(summary, {
      running: true,
      source: 'demo',
      port,
      authorizeBaseUrl,
      apiBaseUrl,
      discoveryUrl: `${authorizeBaseUrl}/.well-known/openid-configuration`,
      channels: [
        { channelId: DEMO_CHANNEL.channelId, name: DEMO_CHANNEL.name, callbackUrls: DEMO_CHANNEL.callbackUrls },
      ],
      users: DEMO_USERS.map((user) => ({ userId: user.userId, displayName: user.displayName })),
    });
    assert.ok(bundleInRequireCache(), 'Start loads dist/localLine.js');
    assert.equal(hooks.localLine.loaded(), true);
    // It really serves LINE's discovery document, with the browser-facing URL as issuer.
    const discovery = await fetch(`${apiBaseUrl}/.well-known/openid-configuration`, {
      headers: { host: `${BROWSER_HOST}:${port}` },
    });
    assert.equal(discovery.status, 200);
    assert.equal(((await discovery.json()) as { issuer: string }).issuer, authorizeBaseUrl);
    // Starting again is the same Local LINE.
    assert.deepEqual(await run('lineLogin.startLocalLine', {}), summary);
  });

  it('ticks the walkthrough step "Try it all offline" on Start; the palette title starts it too', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#gettingStarted`, false);
    await readText('[data-step-id$="tryOffline"][aria-checked="true"]', {}, 10_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('lineLogin.stopLocalLine', {});
    await vscode.commands.executeCommand('workbench.action.quickOpen', '>LINE Login: Start Local LINE');
    await delay(300);
    const rows = await readText('.quick-input-widget .monaco-list-row .quick-input-list-row:first-child');
    assert.equal(rows[0], 'LINE Login: Start Local LINE', `palette rows: ${rows.join(' | ')}`);
    await answerWorkbench('.quick-input-widget .monaco-list-row', { press: 'Enter' });
    await eventually(async () => (await shownTree()).length > 0, 'Local LINE runs again');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it("the view shows the URLs, channels with the app's settings (no secret) and users", async () => {
    const tree = await shownTree();
    const authorizeBaseUrl = `http://${BROWSER_HOST}:${port}`;
    const apiBaseUrl = `http://127.0.0.1:${port}`;
    assert.deepEqual(
      tree.map(({ label, description, contextValue }) => [label, description, contextValue]),
      [
        ['Authorize base URL', authorizeBaseUrl, 'localLine.value'],
        ['API base URL', apiBaseUrl, 'localLine.value'],
        ['Discovery URL', `${authorizeBaseUrl}/.well-known/openid-configuration`, 'localLine.value'],
        ['Channels (1)', '', 'localLine.channels'],
        ['Users (2)', '', 'localLine.users'],
        ['Faults (0)', '', 'localLine.faults'],
      ],
    );
    const [channel] = tree[3]?.children ?? [];
    assert.ok(channel);
    assert.equal(channel.label, DEMO_CHANNEL.name);
    assert.equal(channel.description, DEMO_CHANNEL.channelId);
    assert.deepEqual(
      channel.children.map(({ label, description }) => [label, description]),
      [
        [
          'Settings for your app',
          `LINE_CHANNEL_ID=${DEMO_CHANNEL.channelId} LINE_CHANNEL_SECRET=… LINE_AUTHORIZE_URL=${authorizeBaseUrl} LINE_API_URL=${apiBaseUrl}`,
        ],
        ['Callback URL', 'http://localhost:33418/callback'],
      ],
    );
    assert.deepEqual(
      tree[4]?.children.map(({ label, description }) => [label, description]),
      DEMO_USERS.map((user) => [user.displayName, user.userId]),
    );
    assert.ok(!JSON.stringify(tree).includes(DEMO_CHANNEL.channelSecret), 'the view never shows a channel secret');
  });

  it('copies the settings for an app: the secret goes to the clipboard only', async () => {
    await vscode.env.clipboard.writeText('');
    const result = await run('lineLogin.copyLocalLineEnv', { channelId: DEMO_CHANNEL.channelId });
    assert.deepEqual(result, {
      channelId: DEMO_CHANNEL.channelId,
      variables: ['LINE_CHANNEL_ID', 'LINE_CHANNEL_SECRET', 'LINE_AUTHORIZE_URL', 'LINE_API_URL'],
    });
    assert.equal(
      await vscode.env.clipboard.readText(),
      [
        `LINE_CHANNEL_ID=${DEMO_CHANNEL.channelId}`,
        `LINE_CHANNEL_SECRET=${DEMO_CHANNEL.channelSecret}`,
        `LINE_AUTHORIZE_URL=http://${BROWSER_HOST}:${port}`,
        `LINE_API_URL=http://127.0.0.1:${port}`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(await run('lineLogin.copyLocalLineValue', { item: 'apiBaseUrl' }), {
      copied: `http://127.0.0.1:${port}`,
    });
    assert.equal(await vscode.env.clipboard.readText(), `http://127.0.0.1:${port}`);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('lineLogin.copyLocalLineEnv', { channelId: '1999999999' })),
      { code: 'ERR_LOCAL_LINE_CHANNEL_UNKNOWN', message: /1999999999/ },
    );
  });

  it('Create Local LINE Configuration writes the starter file once; Local LINE follows the file', async () => {
    const created = await run<{ uri: string; created: boolean }>('lineLogin.createLocalLineConfig', {});
    assert.deepEqual(created, { uri: configFile().toString(), created: true });
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(configFile()));
    assert.equal(text, STARTER_LOCAL_LINE_CONFIG);
    assert.deepEqual(await run('lineLogin.createLocalLineConfig', {}), { uri: created.uri, created: false });
    await eventually(async () => (await summary()).source === 'file', 'Local LINE serves the new file');
    await writeConfig(shopConfig());
    await eventually(
      async () => (await summary()).channels.map((channel) => channel.channelId).join() === SHOP.channelId,
      'Local LINE serves the saved file',
    );
  });

  it('a broken file: its problems as diagnostics at their line, and the last good configuration keeps serving', async () => {
    const broken = shopConfig().replace(`"channelId": "${SHOP.channelId}"`, '"channelId": "12"');
    const brokenLine = broken.split('\n').findIndex((line) => line.includes('"channelId": "12"'));
    assert.ok(brokenLine > 0);
    await writeConfig(broken);
    await eventually(
      () => vscode.languages.getDiagnostics(configFile()).some((d) => d.range.start.line === brokenLine),
      `a diagnostic on line ${brokenLine + 1}`,
    );
    const served = await summary();
    assert.deepEqual(
      served.channels.map((channel) => channel.channelId),
      [SHOP.channelId],
    );
    assert.equal((await fetch(`http://127.0.0.1:${port}/oauth2/v2.1/certs`)).status, 200);
    // Fixed: served again, diagnostics gone.
    const second = { userId: `U${'c8'.repeat(16)}`, displayName: 'Second buyer' };
    await writeConfig(shopConfig([BUYER, second]));
    await eventually(async () => (await summary()).users.length === 2, 'the fixed file is served');
    await eventually(() => vscode.languages.getDiagnostics(configFile()).length === 0, 'the diagnostics clear');
    await writeConfig(shopConfig());
    await eventually(async () => (await summary()).users.length === 1, 'back to one user');
  });

  it('faults set by command reach an app: one-shot 429 with Retry-After, sticky 500, cleared with one command', async () => {
    const api = `http://127.0.0.1:${port}`;
    const token = (): Promise<Response> =>
      fetch(`${api}/oauth2/v2.1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code',
      });
    assert.deepEqual(
      await run('lineLogin.setLocalLineFault', {
        endpoint: 'token',
        fault: { kind: 'status', status: 429, retryAfter: 7 },
        times: 1,
      }),
      { endpoint: 'token', fault: { kind: 'status', status: 429, retryAfter: 7 }, remaining: 1 },
    );
    const faults = (await shownTree()).find((node) => node.contextValue === 'localLine.faults');
    assert.deepEqual(
      faults?.children.map(({ label, description }) => [label, description]),
      [['token: 429 (Retry-After: 7)', '1 more request(s)']],
    );
    const limited = await token();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
    assert.equal((await token()).status, 400, 'one-shot: the next request is answered normally');
    await eventually(
      async () => (await shownTree()).some((node) => node.label === 'Faults (0)'),
      'the used fault leaves the view',
    );

    await run('lineLogin.setLocalLineFault', { endpoint: 'profile', fault: { kind: 'status', status: 500 } });
    assert.equal((await fetch(`${api}/v2/profile`)).status, 500);
    assert.equal((await fetch(`${api}/v2/profile`)).status, 500, 'sticky');
    assert.deepEqual(await run('lineLogin.clearLocalLineFault', { endpoint: 'profile' }), { cleared: 'profile' });
    assert.equal((await fetch(`${api}/v2/profile`)).status, 401, 'cleared: no token is a 401 again');
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('lineLogin.setLocalLineFault', {
          endpoint: 'token',
          fault: { kind: 'status', status: 429, retryAfter: -1 },
        }),
      ),
      { code: 'ERR_INVALID_INPUT' },
    );

    const kids = async (): Promise<string[]> =>
      ((await (await fetch(`${api}/oauth2/v2.1/certs`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const before = await kids();
    assert.deepEqual(await run('lineLogin.rotateLocalLineKeys', {}), { rotated: true });
    assert.notDeepEqual(await kids(), before);
  });

  it('Use Local LINE for This Channel refuses while tokens from the LINE in use are stored', async () => {
    const before = readEndpoints();
    const now = Date.now();
    await hooks.services.store.put({
      channelId: '1600000001',
      userId: `U${'e'.repeat(32)}`,
      accessToken: 'real-line-access-token-not-for-local-line',
      tokenType: 'Bearer',
      scopes: ['profile'],
      accessTokenIssuedAt: now,
      accessTokenExpiresAt: now + 3_600_000,
      originalIssuedAt: now,
    });
    try {
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('lineLogin.useLocalLineForChannel', { channelId: SHOP.channelId }),
        ),
        { code: 'ERR_LOCAL_LINE_TOKENS_MIXED', message: /1600000001/ },
      );
      assert.deepEqual(readEndpoints(), before, 'nothing switched');
      assert.equal(hooks.services.channels.get(SHOP.channelId), undefined, 'no channel added');
    } finally {
      await hooks.services.store.delete({ channelId: '1600000001', userId: `U${'e'.repeat(32)}` });
    }
  });

  it("signs in with this extension's own flow against Local LINE, then Use LINE Again restores the settings", async () => {
    // The person's own endpoint settings, which must come back exactly.
    const previous = { authorizeBaseUrl: 'http://previous.localhost:1234', apiBaseUrl: 'http://127.0.0.1:1234' };
    await setSetting('authorizeBaseUrl', previous.authorizeBaseUrl);
    await setSetting('apiBaseUrl', previous.apiBaseUrl);
    const callbackUrl = ports.extensionCallback;

    const used = await run<Record<string, unknown>>('lineLogin.useLocalLineForChannel', { channelId: SHOP.channelId });
    assert.deepEqual(used, {
      channelId: SHOP.channelId,
      authorizeBaseUrl: `http://${BROWSER_HOST}:${port}`,
      apiBaseUrl: `http://127.0.0.1:${port}`,
      addedChannel: true,
    });
    assert.deepEqual(readEndpoints(), { authorizeBaseUrl: used.authorizeBaseUrl, apiBaseUrl: used.apiBaseUrl });
    assert.equal(hooks.services.channels.get(SHOP.channelId)?.callbackUrl, callbackUrl);
    assert.equal(await hooks.secrets.get(`lineLogin.channelSecret.${SHOP.channelId}`), SHOP.channelSecret);

    // Local LINE approves by itself (consent mode autoApprove in the file): the browser goes straight back.
    const account = await run<{ userId: string }>('lineLogin.signIn', { channelId: SHOP.channelId });
    assert.equal(account.userId, BUYER.userId);
    // The extension's own exchanges are its flows, not "your app"'s.
    const skipped = hooks.localLine.testing()?.extensionExchangesSkipped() ?? 0;
    assert.ok(skipped >= 3, `authorize, token and profile are the extension's own (${skipped} taken)`);
    assert.deepEqual(
      hooks.inspector.history.appSessions().filter((session) => session.channelId === SHOP.channelId),
      [],
      "the extension's sign-in is not counted as an app",
    );
    const verified = await run<Record<string, unknown>>('lineLogin.verifyAccessToken', {
      channelId: SHOP.channelId,
      userId: account.userId,
    });
    assert.equal(verified.clientId, SHOP.channelId);

    const back = await run('lineLogin.useLineAgain', { confirmed: true });
    assert.deepEqual(back, { restored: true, signedOutAccounts: 1, removedChannels: [SHOP.channelId] });
    assert.deepEqual(readEndpoints(), previous, 'the previous endpoint settings are back, exactly');
    assert.deepEqual(await hooks.services.store.list(), [], "Local LINE's tokens are not kept for LINE");
    assert.equal(hooks.services.channels.get(SHOP.channelId), undefined);
    assert.deepEqual(await run('lineLogin.useLineAgain', { confirmed: true }), {
      restored: false,
      signedOutAccounts: 0,
      removedChannels: [],
    });
    await closeTabs();
  });

  it('your app: both sample apps log in through Chromium; the Flows view has their sessions and report cards', async () => {
    const { browse, close: closeBrowser } = await openAppBrowser();
    const { good, sloppy } = await startSampleApps(
      {
        channelId: SHOP.channelId,
        channelSecret: SHOP.channelSecret,
        authorizeBaseUrl: `http://${BROWSER_HOST}:${port}`,
        apiBaseUrl: `http://127.0.0.1:${port}`,
      },
      ports,
    );
    const session = (app: SampleApp): AppSessionEntry | undefined =>
      hooks.inspector.history.appSessions().find((candidate) => candidate.app === app.url);
    const card = async (app: SampleApp): Promise<ReportCard> => {
      const entry = session(app);
      assert.ok(entry, `no app session for ${app.url}`);
      return (await run<{ card: ReportCard }>('lineLogin.showAppReportCard', { sessionId: entry.sessionId })).card;
    };
    const failing = async (app: SampleApp): Promise<string[]> =>
      (await card(app)).lines.filter((line) => line.verdict === 'fail').map((line) => line.checkId);
    try {
      // The harness's Chromium opens each app's login, follows Local LINE's redirects (auto-approve)
      // and lands on the app's callback, as a person's browser would.
      await browse(good.loginUrl);
      await eventually(
        async () =>
          session(good) !== undefined &&
          (await card(good)).lines.some((l) => l.checkId === 'app.state.sent' && l.verdict === 'pass'),
        'the good app logged in',
        30_000,
      );
      await browse(`${good.url}/logout`);
      await browse(sloppy.loginUrl);
      await eventually(
        async () => session(sloppy) !== undefined && (await failing(sloppy)).includes('app.bearer'),
        'the sloppy app logged in and called the profile API',
        30_000,
      );
      for (const id of [
        'app.state.sent',
        'app.nonce',
        'app.redirect_uri.identical',
        'app.code.once',
        'app.client_auth',
        'app.bearer',
      ]) {
        assert.ok((await failing(sloppy)).includes(id), `sloppy app: ${id} should fail`);
      }
      assert.deepEqual(await failing(good), [], 'the good app fails no check');
      // The Flows view: a session node per app, its flows marked "your app".
      for (const app of [good, sloppy]) {
        const node = hooks.inspector.view
          .getChildren()
          .find((candidate) => hooks.inspector.view.getTreeItem(candidate).label === `Your app: ${app.url}`);
        assert.ok(node, `the Flows view shows ${app.url}`);
        for (const flow of hooks.inspector.view.getChildren(node)) {
          assert.match(String(hooks.inspector.view.getTreeItem(flow).description), /^your app\b/);
        }
      }
      // `npm run screenshots` refreshes the README's pictures; ordinary runs only prove they can be taken.
      const shot = (name: string): string =>
        process.env['UPDATE_SCREENSHOTS'] === '1' ? `docs/${name}.png` : `.vscode-test/screenshots/${name}.png`;
      await closeTabs();
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('lineLogin.localLine.focus');
      await delay(500);
      assert.ok(await takeScreenshot(shot('local-line')));
      const entry = session(sloppy);
      assert.ok(entry);
      // The report card opens in the Markdown preview; its webview takes a moment to render.
      await vscode.commands.executeCommand('lineLogin.showAppReportCard', { sessionId: entry.sessionId });
      await delay(3000);
      assert.ok(await takeScreenshot(shot('local-line-report-card')));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    } finally {
      await good.close();
      await sloppy.close();
      await closeBrowser();
    }
  });

  it('Stop: the port is released and the view empties', async () => {
    assert.deepEqual(await run('lineLogin.stopLocalLine', {}), { running: false });
    await assert.rejects(fetch(`http://127.0.0.1:${port}/oauth2/v2.1/certs`));
    await eventually(async () => (await shownTree()).length === 0, 'the view empties');
  });

  it('no channel secret in any command result or in the log', async () => {
    const everything = JSON.stringify(results);
    for (const secret of [DEMO_CHANNEL.channelSecret, SHOP.channelSecret]) {
      assert.ok(!everything.includes(secret), 'a command result carries a channel secret');
      assert.ok(!(await logText()).includes(secret), 'the log carries a channel secret');
    }
    assert.match(await logText(), /Local LINE started/);
  });
});
