// Local LINE (issue 12) in a real VS Code: the emulator loaded from dist/localLine.js only on Start,
// the view's nodes, the settings an app needs on the clipboard (and the secret nowhere else), a
// taken port, and this extension's own sign-in pointed at Local LINE and back.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { DEMO_CHANNEL, DEMO_USERS } from '../../emulator/demoData';
import type { TestHooks } from '../../src/extension';
import { readEndpoints } from '../../src/vscode/config';
import { answerWorkbench, clickInTab, closeTabs, harnessAvailable, readText } from '../host/client';
import { freePort } from '../support/ports';
import { delay, eventually } from '../support/wait';

const EXTENSION_ID = 'line-login-devtools.line-login-devtools';
const BROWSER_HOST = 'line-emulator.localhost';
/** A channel served next to the demo one, with a callback port of this run's own. */
const SHOP = { channelId: '1690000077', channelSecret: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', name: 'Local shop' };

let hooks: TestHooks;
let port: number;
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
    const extension = vscode.extensions.getExtension<TestHooks>(EXTENSION_ID);
    assert.ok(extension);
    hooks = await extension.activate();
    port = await freePort();
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
          vscode.commands.executeCommand('lineLogin.useLocalLineForChannel', { channelId: DEMO_CHANNEL.channelId }),
        ),
        { code: 'ERR_LOCAL_LINE_TOKENS_MIXED', message: /1600000001/ },
      );
      assert.deepEqual(readEndpoints(), before, 'nothing switched');
      assert.equal(hooks.services.channels.get(DEMO_CHANNEL.channelId), undefined, 'no channel added');
    } finally {
      await hooks.services.store.delete({ channelId: '1600000001', userId: `U${'e'.repeat(32)}` });
    }
  });

  it("signs in with this extension's own flow against Local LINE, then Use LINE Again restores the settings", async () => {
    // The person's own endpoint settings, which must come back exactly.
    const previous = { authorizeBaseUrl: 'http://previous.localhost:1234', apiBaseUrl: 'http://127.0.0.1:1234' };
    await setSetting('authorizeBaseUrl', previous.authorizeBaseUrl);
    await setSetting('apiBaseUrl', previous.apiBaseUrl);
    const callbackUrl = `http://localhost:${await freePort()}/callback`;
    const testing = hooks.localLine.testing();
    assert.ok(testing);
    testing.addChannel({ ...SHOP, callbackUrls: [callbackUrl] });

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

    const signIn = run<{ userId: string }>('lineLogin.signIn', { channelId: SHOP.channelId });
    const consent = clickInTab(BROWSER_HOST, '#allow', 20_000).catch((error: unknown) => error);
    const account = await signIn;
    await consent;
    assert.equal(account.userId, DEMO_USERS[0]?.userId);
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
