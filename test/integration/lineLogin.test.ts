// The extension in a real VS Code, against the local LINE Login emulator running in this extension
// host. The browser leg is real: openExternal opens a Chromium tab on the emulator's authorize page
// (a *.localhost name), the harness clicks Allow, LINE-style redirect reaches the loopback server.
import { activateForTests } from './activate';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import type { TestHooks } from '../../src/extension';
import type { TokenSet } from '../../src/core/types';
import { readEndpoints } from '../../src/vscode/config';
import { answerWorkbench, browserTabs, clickInTab, closeTabs, harnessAvailable, takeScreenshot } from '../host/client';
import { freePort } from '../support/ports';
import { shownDocument } from './shownDocument';
import { assertTreeRowsFit, descendants } from './treeRowsFit';
import { delay, eventually } from '../support/wait';

const CHANNEL = { channelId: '1690000001', channelSecret: '9f8e7d6c5b4a39281706f5e4d3c2b1a0', name: 'Shop (emulator)' };
const USER = {
  userId: `U${'d'.repeat(32)}`,
  displayName: '山田 花子',
  pictureUrl: 'https://profile.line-scdn.net/hanako',
  statusMessage: 'こんにちは',
  email: 'hanako@example.com',
};
const SECRETS_KEY = 'lineLogin.accounts.v1';

let hooks: TestHooks;
let emulator: LineEmulator;
let callbackPort: number;
/** Everything any command returned, checked at the end for token strings. */
const results: unknown[] = [];
/** Every token the emulator issued to us, collected from SecretStorage. */
const seenTokens = new Set<string>();

async function run<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  const result = await vscode.commands.executeCommand<T>(command, args);
  results.push(result);
  return result;
}

async function storedAccounts(): Promise<TokenSet[]> {
  const stored = await hooks.secrets.get(SECRETS_KEY);
  const accounts = stored === undefined ? [] : (JSON.parse(stored) as { accounts: TokenSet[] }).accounts;
  for (const account of accounts) {
    for (const token of [account.accessToken, account.refreshToken, account.idToken]) {
      if (token !== undefined) {
        seenTokens.add(token);
      }
    }
  }
  return accounts;
}

/** Signs in through the real browser; clicks Allow on the emulator's consent page when it shows. */
async function signInThroughBrowser(args: Record<string, unknown> = {}): Promise<{ userId: string }> {
  const signIn = run<{ userId: string }>('lineLogin.signIn', { channelId: CHANNEL.channelId, ...args });
  const consent = clickInTab('line-emulator.localhost', '#allow', 20_000).catch((error: unknown) => error);
  const summary = await signIn;
  await consent;
  return summary;
}

/**
 * Runs `work` while modal questions are answered with `answer` (undefined: the person closes them).
 * VS Code refuses to show modal dialogs while extension tests run ("DialogService: refused to show
 * dialog in tests"), so the test answers in the person's place; notifications stay real and are
 * clicked in the workbench. Resolves with `work`'s result and the questions asked.
 */
async function answeringModals<T>(
  answer: string | undefined,
  work: () => Thenable<T>,
): Promise<{ result: T; asked: string[] }> {
  const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
  const original = window.showWarningMessage;
  const asked: string[] = [];
  window.showWarningMessage = (...args: unknown[]): Thenable<unknown> => {
    const [message, options] = args;
    if (typeof options === 'object' && options !== null && 'modal' in options && options.modal === true) {
      asked.push(String(message));
      return Promise.resolve(answer);
    }
    return original.apply(vscode.window, args);
  };
  try {
    return { result: await work(), asked };
  } finally {
    window.showWarningMessage = original;
  }
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

async function children(node?: unknown): Promise<vscode.TreeItem[]> {
  return await hooks.explorer.getChildren(node as never);
}

describe('LINE Login DevTools in VS Code', function () {
  this.timeout(60_000);

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    hooks = await activateForTests();
    assert.ok(hooks, 'the extension hands test hooks to the tests in ExtensionMode.Test');
    emulator = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      channels: [{ ...CHANNEL, callbackUrls: [] }],
      users: [{ ...USER, friendOf: [CHANNEL.channelId] }],
    });
    callbackPort = await freePort();
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', emulator.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    await closeTabs().catch(() => undefined);
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await emulator.close();
  });

  describe('channels', () => {
    it('starts with the welcome state: no channels, no accounts', async () => {
      assert.deepEqual(await children(), []);
      assert.deepEqual(hooks.explorer.contextKeys, { hasChannels: false, hasAccounts: false });
      assert.equal(hooks.statusBar.snapshot.visible, false);
    });

    it('addChannel keeps the secret in SecretStorage only, never in settings', async () => {
      const callbackUrl = `http://localhost:${callbackPort}/callback`;
      emulator.addChannel({ ...CHANNEL, callbackUrls: [callbackUrl] });
      const summary = await run<Record<string, unknown>>('lineLogin.addChannel', {
        ...CHANNEL,
        callbackUrl,
        scopes: ['profile', 'openid', 'email'],
      });
      assert.deepEqual(summary, {
        channelId: CHANNEL.channelId,
        name: CHANNEL.name,
        callbackUrl,
        scopes: ['profile', 'openid', 'email'],
        hasSecret: true,
      });
      const channels = vscode.workspace.getConfiguration('lineLogin').get<unknown[]>('channels');
      assert.deepEqual(channels, [
        { channelId: CHANNEL.channelId, name: CHANNEL.name, callbackUrl, scopes: ['profile', 'openid', 'email'] },
      ]);
      assert.equal(await hooks.secrets.get(`lineLogin.channelSecret.${CHANNEL.channelId}`), CHANNEL.channelSecret);
      await eventually(async () => (await children()).length === 1, 'the channel appears in the tree');
      const [channelNode] = await children();
      assert.ok(channelNode);
      assert.equal(labelOf(channelNode), CHANNEL.name);
      assert.equal(channelNode.contextValue, 'channel');
      assert.deepEqual(hooks.explorer.contextKeys, { hasChannels: true, hasAccounts: false });
    });

    it('editChannel changes fields and keeps the stored secret when none is given', async () => {
      const edited = await run<Record<string, unknown>>('lineLogin.editChannel', {
        channelId: CHANNEL.channelId,
        name: 'Renamed',
      });
      assert.equal(edited.name, 'Renamed');
      assert.equal(edited.hasSecret, true);
      await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, name: CHANNEL.name });
    });

    it('rejects bad input with a message that says what to do', async () => {
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('lineLogin.addChannel', { channelId: 'abc', channelSecret: 'x' }),
        ),
        { code: 'ERR_INVALID_CHANNEL', message: /Basic settings/ },
      );
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('lineLogin.addChannel', {
            channelId: '1',
            channelSecret: 'secretvalue',
            callbackUrl: 'https://example.com/cb',
          }),
        ),
        { code: 'ERR_CALLBACK_URL_INVALID' },
      );
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId, scope: ['profile'] }),
        ),
        { message: /Unknown argument "scope"/ },
      );
    });
  });

  describe('endpoint settings', () => {
    it('cannot be redirected from workspace settings', async () => {
      // What a cloned repository could ship. Written to disk directly: VS Code's API refuses to write
      // a machine setting to workspace settings, so an API write would prove nothing.
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.ok(folder, 'the test workspace is open');
      const settingsFile = join(folder, '.vscode', 'settings.json');
      await mkdir(dirname(settingsFile), { recursive: true });
      await writeFile(
        settingsFile,
        JSON.stringify({
          'lineLogin.apiBaseUrl': 'https://attacker.example',
          'lineLogin.authorizeBaseUrl': 'https://attacker.example',
          // A setting a workspace may change: proof that VS Code has read the file.
          'lineLogin.signInTimeoutSeconds': 45,
        }),
      );
      try {
        const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('lineLogin');
        await eventually(() => config().get('signInTimeoutSeconds') === 45, 'VS Code reads the workspace settings');
        assert.equal(readEndpoints().apiBaseUrl, emulator.apiBaseUrl);
        assert.equal(readEndpoints().authorizeBaseUrl, emulator.authorizeBaseUrl);
        assert.equal(hooks.services.client.endpoints.apiBaseUrl, emulator.apiBaseUrl);
        assert.equal(hooks.services.client.endpoints.authorizeBaseUrl, emulator.authorizeBaseUrl);
      } finally {
        await rm(settingsFile, { force: true });
        await eventually(
          () => vscode.workspace.getConfiguration('lineLogin').get('signInTimeoutSeconds') === 300,
          'the workspace settings are gone again',
        );
      }
    });

    it('plain http is refused for a non-loopback host', async () => {
      const config = vscode.workspace.getConfiguration('lineLogin');
      await config.update('apiBaseUrl', 'http://api.example.com', vscode.ConfigurationTarget.Global);
      try {
        await assert.rejects(
          Promise.resolve(vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId })),
          { code: 'ERR_INVALID_ENDPOINT', message: /https/ },
        );
      } finally {
        await config.update('apiBaseUrl', emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
      }
    });
  });

  describe('sign in through the browser, then every token action', () => {
    let accountKey: { channelId: string; userId: string };

    it('signs in: consent clicked in Chromium, tokens exchanged with the emulator and stored', async () => {
      const summary = await signInThroughBrowser();
      accountKey = { channelId: CHANNEL.channelId, userId: summary.userId };
      assert.equal(summary.userId, USER.userId);
      assert.equal((summary as unknown as { displayName: string }).displayName, USER.displayName);

      const authorize = emulator.requests.filter((r) => r.endpoint === 'authorize' && r.method === 'GET').at(-1);
      const tokenRequests = emulator.requests.filter((r) => r.endpoint === 'token');
      assert.equal(tokenRequests.length, 1, 'exactly one token request');
      const token = tokenRequests[0];
      assert.ok(authorize && token);
      assert.equal(token.form.grant_type, 'authorization_code');
      assert.equal(token.form.redirect_uri, `http://localhost:${callbackPort}/callback`);
      assert.equal(token.form.client_secret, CHANNEL.channelSecret);
      const challenge = createHash('sha256')
        .update(token.form.code_verifier ?? '')
        .digest('base64url');
      assert.equal(challenge, authorize.query.code_challenge, 'the code_verifier matches the S256 challenge');
      assert.equal(authorize.query.code_challenge_method, 'S256');
      assert.match(authorize.query.state ?? '', /^[0-9a-f]{32,}$/);
      assert.ok(authorize.query.nonce);

      const [stored] = await storedAccounts();
      assert.ok(stored);
      assert.equal(stored.userId, USER.userId);
      assert.equal(stored.idTokenClaims?.email, USER.email);
      await eventually(
        () =>
          hooks.treeView.selection.some(
            (node) => (node as vscode.TreeItem).id === `account/${CHANNEL.channelId}/${USER.userId}`,
          ),
        'the new account is shown and selected in the tree',
      );
    });

    it("the sign-in's result does not wait for the tree to reveal the account; the reveal still happens", async () => {
      const treeView = hooks.treeView;
      const reveal = treeView.reveal.bind(treeView);
      const revealed: unknown[] = [];
      // A workbench that takes its time drawing the view: the reveal never finishes during this test.
      treeView.reveal = (element): Promise<void> => {
        revealed.push(element);
        return new Promise<void>(() => undefined);
      };
      try {
        const summary = await signInThroughBrowser();
        assert.equal(summary.userId, USER.userId);
        await eventually(() => revealed.length === 1, 'the account is revealed in the tree');
        assert.equal((revealed[0] as vscode.TreeItem).id, `account/${CHANNEL.channelId}/${USER.userId}`);
      } finally {
        treeView.reveal = reveal;
      }
    });

    it("builds an account's tokens and claims only when the account is expanded", async () => {
      hooks.explorer.refresh();
      const [channelNode] = await children();
      const [account] = await children(channelNode);
      assert.ok(account);
      assert.equal((account as unknown as { childrenBuilt: boolean }).childrenBuilt, false);
      assert.ok((await children(account)).length >= 3, 'access token, refresh token, ID token, profile');
      assert.equal((account as unknown as { childrenBuilt: boolean }).childrenBuilt, true);
    });

    it('shows channel → account → tokens, claims and profile in the tree, and the account in the status bar', async () => {
      await eventually(async () => (await children((await children())[0])).length === 1, 'the account appears');
      const [channelNode] = await children();
      const [accountNode] = await children(channelNode);
      assert.ok(accountNode);
      assert.equal(labelOf(accountNode), USER.displayName);
      assert.match(accountNode.contextValue ?? '', /^account:selected:refreshable:idToken:openid$/);
      const tokenNodes = await children(accountNode);
      const contextValues = tokenNodes.map((node) => node.contextValue);
      assert.deepEqual(contextValues, ['token:access:valid', 'token:refresh:valid', 'token:id:valid', 'profile']);
      const idTokenNode = tokenNodes[2];
      const claims = (await children(idTokenNode)).map(labelOf);
      for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce', 'amr', 'name', 'picture', 'email']) {
        assert.ok(claims.includes(claim), `claim ${claim} listed`);
      }
      await eventually(
        () => hooks.statusBar.snapshot.visible && hooks.statusBar.snapshot.selected,
        'the status bar shows the account',
      );
      assert.match(hooks.statusBar.snapshot.text, new RegExp(USER.displayName));
      assert.equal(hooks.statusBar.snapshot.warning, 'none');

      // No token appears in any label, description or tooltip.
      const stored = await storedAccounts();
      const shown = [channelNode, accountNode, ...tokenNodes, ...(await children(idTokenNode))].filter(
        (n): n is vscode.TreeItem => n !== undefined,
      );
      const everything = JSON.stringify(
        shown.map((n) => ({
          l: n.label,
          d: n.description,
          t: n.tooltip instanceof vscode.MarkdownString ? n.tooltip.value : n.tooltip,
        })),
      );
      for (const account of stored) {
        for (const tokenValue of [account.accessToken, account.refreshToken ?? '', account.idToken ?? '']) {
          assert.ok(!everything.includes(tokenValue), 'no full token in the tree');
        }
      }
    });

    it('every row of the token explorer, expanded, fits the default side bar', async function () {
      if (!harnessAvailable()) {
        this.skip();
      }
      await vscode.commands.executeCommand('workbench.view.extension.lineLogin');
      const account = await hooks.explorer.findAccountNode(accountKey);
      assert.ok(account);
      await hooks.treeView.reveal(account, { select: true, expand: 3 });
      const nodes = await descendants<unknown>(account, children);
      await assertTreeRowsFit(
        'Tokens',
        [
          CHANNEL.name,
          USER.displayName,
          'Access token',
          'Refresh token',
          'ID token',
          'iss',
          'sub',
          'nonce',
          'picture',
          'pwd',
        ],
        nodes,
        (node) => hooks.treeView.reveal(node as never, { select: false, focus: false }),
      );
    });

    it('takes the README screenshot with the token explorer and the token details open', async () => {
      await vscode.commands.executeCommand('workbench.view.extension.lineLogin');
      const node = await hooks.explorer.findAccountNode(accountKey);
      assert.ok(node);
      await hooks.treeView.reveal(node, { select: true, expand: 2 });
      // It opens in the Markdown preview.
      await vscode.commands.executeCommand('lineLogin.showTokenDetails', node);
      await delay(1000);
      // `npm run screenshots` refreshes the README's picture; ordinary runs only prove it can be taken.
      const target =
        process.env['UPDATE_SCREENSHOTS'] === '1'
          ? 'docs/token-explorer.png'
          : '.vscode-test/screenshots/token-explorer.png';
      const path = await takeScreenshot(target);
      assert.ok(path !== undefined && existsSync(path));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it("verifyAccessToken returns LINE's answer after the channel check", async () => {
      const verification = await run<{ valid: boolean; clientId: string; expiresIn: number; scope: string[] }>(
        'lineLogin.verifyAccessToken',
        accountKey,
      );
      assert.equal(verification.valid, true);
      assert.equal(verification.clientId, CHANNEL.channelId);
      assert.ok(verification.expiresIn > 0);
    });

    it('refreshAccessToken replaces the tokens and keeps the ID token', async () => {
      const [before] = await storedAccounts();
      const summary = await run<{ hasIdToken: boolean }>('lineLogin.refreshAccessToken', accountKey);
      const [after] = await storedAccounts();
      assert.ok(before && after);
      assert.notEqual(after.accessToken, before.accessToken);
      // LINE's reference (emulator/README.md ledger L2): the refresh token that was sent comes back.
      assert.equal(after.refreshToken, before.refreshToken);
      assert.equal(after.idToken, before.idToken);
      assert.equal(summary.hasIdToken, true);
    });

    it('a failed refresh keeps every stored token and says what went wrong', async () => {
      const before = await hooks.secrets.get(SECRETS_KEY);
      emulator.setFault(
        'token',
        {
          kind: 'status',
          status: 500,
          body: '{"error":"server_error","error_description":"maintenance"}',
          contentType: 'application/json',
        },
        1,
      );
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('lineLogin.refreshAccessToken', accountKey)),
        { code: 'ERR_LINE_SERVER_ERROR', message: /500/ },
      );
      emulator.setFault('token', { kind: 'malformedJson' }, 1);
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('lineLogin.refreshAccessToken', accountKey)),
        { code: 'ERR_LINE_MALFORMED_RESPONSE' },
      );
      assert.equal(await hooks.secrets.get(SECRETS_KEY), before);
    });

    it("verifyIdToken compares the local check with LINE's verify endpoint", async () => {
      const comparison = await run<{ local: { ok: boolean }; server: { ok: boolean }; differences: string[] }>(
        'lineLogin.verifyIdToken',
        accountKey,
      );
      assert.equal(comparison.local.ok, true);
      assert.equal(comparison.server.ok, true);
      assert.deepEqual(comparison.differences, []);
    });

    it("getProfile, getUserInfo and getFriendshipStatus return LINE's data", async () => {
      assert.deepEqual(await run('lineLogin.getProfile', accountKey), {
        userId: USER.userId,
        displayName: USER.displayName,
        pictureUrl: USER.pictureUrl,
        statusMessage: USER.statusMessage,
      });
      assert.deepEqual(await run('lineLogin.getUserInfo', accountKey), {
        sub: USER.userId,
        name: USER.displayName,
        picture: USER.pictureUrl,
      });
      assert.deepEqual(await run('lineLogin.getFriendshipStatus', accountKey), { friendFlag: true });
    });

    it('copy commands put the token on the clipboard only, never in their result', async () => {
      const [stored] = await storedAccounts();
      assert.ok(stored);
      assert.deepEqual(await run('lineLogin.copyAccessToken', accountKey), { copied: 'accessToken' });
      assert.equal(await vscode.env.clipboard.readText(), stored.accessToken);
      await run('lineLogin.copyAuthorizationHeader', accountKey);
      assert.equal(await vscode.env.clipboard.readText(), `Authorization: Bearer ${stored.accessToken}`);
      await run('lineLogin.copyCurl', accountKey);
      assert.equal(
        await vscode.env.clipboard.readText(),
        `curl -sS -H 'Authorization: Bearer ${stored.accessToken}' '${emulator.apiBaseUrl}/v2/profile'`,
      );
      await vscode.env.clipboard.writeText('');
    });

    it('showTokenDetails opens a read-only document without any full token', async () => {
      const { uri } = await run<{ uri: string }>('lineLogin.showTokenDetails', accountKey);
      const content = hooks.documents.content(vscode.Uri.parse(uri)) ?? '';
      assert.match(content, /UTC/);
      assert.ok(content.includes(USER.userId));
      const [stored] = await storedAccounts();
      assert.ok(stored);
      for (const tokenValue of [stored.accessToken, stored.refreshToken ?? '', stored.idToken ?? '']) {
        assert.ok(!content.includes(tokenValue));
      }
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });

    it('decodeJwt explains any JWT and checks an HS256 signature with the channel secret', async () => {
      const [stored] = await storedAccounts();
      assert.ok(stored?.idToken);
      const decoded = await vscode.commands.executeCommand<{
        header: { alg: string };
        claims: { sub: string; exp: number };
        signature: { ok: boolean; checked: boolean };
        times: { status: string; exp?: { epochSeconds: number; secondsFromNow: number } };
      }>('lineLogin.decodeJwt', { token: stored.idToken });
      assert.equal(decoded.header.alg, 'HS256');
      // The times are a field of their own, judged against the machine clock, not only raw claims.
      assert.equal(decoded.times.status, 'valid');
      const exp = decoded.times.exp;
      assert.ok(exp, 'exp is judged');
      assert.equal(exp.epochSeconds, decoded.claims.exp);
      assert.ok(exp.secondsFromNow > 0);
      assert.equal(decoded.claims.sub, USER.userId);
      assert.deepEqual([decoded.signature.checked, decoded.signature.ok], [true, true]);
      const forged = `${stored.idToken.slice(0, stored.idToken.lastIndexOf('.'))}.AAAA`;
      const rejected = await vscode.commands.executeCommand<{ signature: { ok: boolean; errorCode: string } }>(
        'lineLogin.decodeJwt',
        { token: forged },
      );
      assert.deepEqual(
        [rejected.signature.ok, rejected.signature.errorCode],
        [false, 'ERR_ID_TOKEN_SIGNATURE_INVALID'],
      );
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('lineLogin.decodeJwt', { token: 'not-a-jwt' })),
        { code: 'ERR_INVALID_JWT' },
      );
    });

    it('decodeJwt from the palette takes a JWT from the clipboard and opens the explained claims', async () => {
      const [stored] = await storedAccounts();
      assert.ok(stored?.idToken);
      await vscode.env.clipboard.writeText(stored.idToken);
      const before = hooks.documents.lastShown;
      const decoding = Promise.resolve(vscode.commands.executeCommand('lineLogin.decodeJwt'));
      // The input box comes prefilled from the clipboard; the person confirms it.
      await answerWorkbench('.quick-input-widget input[type="password"]', { press: 'Enter' });
      await decoding;
      const text = await shownDocument(hooks, 'the decoded JWT', before);
      assert.match(text, /HS256/);
      assert.ok(text.includes(USER.userId));
      assert.ok(!text.includes(stored.idToken), 'the document never holds the token itself');
      await vscode.env.clipboard.writeText('');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });

    it('verifyIdToken from the tree opens the side-by-side report', async () => {
      const node = await hooks.explorer.findAccountNode(accountKey);
      assert.ok(node);
      const before = hooks.documents.lastShown;
      await vscode.commands.executeCommand('lineLogin.verifyIdToken', node);
      const text = await shownDocument(hooks, 'the verification report', before);
      assert.match(text, /Local check/);
      assert.match(text, /LINE verify endpoint/);
      assert.match(text, /Both checks agree/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });

    it("a change written by another window shows up in this window's tree", async () => {
      const stored = await hooks.secrets.get(SECRETS_KEY);
      assert.ok(stored);
      const parsed = JSON.parse(stored) as { version: number; accounts: TokenSet[] };
      const first = parsed.accounts[0];
      assert.ok(first);
      const other: TokenSet = {
        ...first,
        userId: `U${'e'.repeat(32)}`,
        profile: { userId: `U${'e'.repeat(32)}`, displayName: 'Other Window' },
      };
      await hooks.secrets.store(SECRETS_KEY, JSON.stringify({ ...parsed, accounts: [...parsed.accounts, other] }));
      await eventually(
        async () => (await children((await children())[0])).some((node) => labelOf(node) === 'Other Window'),
        "the other window's account appears",
      );
      await hooks.secrets.store(SECRETS_KEY, stored);
      await eventually(async () => (await children((await children())[0])).length === 1, 'it disappears again');
    });

    it('an access token under a day from expiry turns the status bar and tree warning-coloured', async () => {
      const stored = await hooks.secrets.get(SECRETS_KEY);
      assert.ok(stored);
      const parsed = JSON.parse(stored) as { version: number; accounts: TokenSet[] };
      const soon = parsed.accounts.map((account) => ({ ...account, accessTokenExpiresAt: Date.now() + 3600_000 }));
      await hooks.secrets.store(SECRETS_KEY, JSON.stringify({ ...parsed, accounts: soon }));
      await eventually(() => hooks.statusBar.snapshot.warning === 'warning', 'the status bar warns');
      const [accessNode] = await children((await children((await children())[0]))[0]);
      assert.equal(accessNode?.contextValue, 'token:access:expiring');
      await hooks.secrets.store(SECRETS_KEY, stored);
      await eventually(() => hooks.statusBar.snapshot.warning === 'none', 'the status bar calms down');
    });

    it('lineLogin.autoRefresh refreshes an account near expiry by itself', async () => {
      const stored = await hooks.secrets.get(SECRETS_KEY);
      assert.ok(stored);
      const parsed = JSON.parse(stored) as { version: number; accounts: TokenSet[] };
      const before = parsed.accounts[0];
      assert.ok(before);
      // A 30-day token with an hour left, not refreshed since sign-in: auto refresh waits 10 minutes
      // after any refresh (the refreshAccessToken test above made one), so the fixture says none happened.
      const expiresAt = Date.now() + 3600_000;
      const issuedAt = expiresAt - 30 * 24 * 3600_000;
      await hooks.secrets.store(
        SECRETS_KEY,
        JSON.stringify({
          ...parsed,
          accounts: [
            {
              ...before,
              accessTokenIssuedAt: issuedAt,
              accessTokenExpiresAt: expiresAt,
              originalIssuedAt: issuedAt,
            },
          ],
        }),
      );
      await vscode.workspace
        .getConfiguration('lineLogin')
        .update('autoRefresh', true, vscode.ConfigurationTarget.Global);
      try {
        await eventually(
          async () => (await storedAccounts())[0]?.accessToken !== before.accessToken,
          'the automatic refresh',
          15_000,
        );
        const [after] = await storedAccounts();
        assert.ok(after);
        assert.ok(after.accessTokenExpiresAt > Date.now() + 29 * 24 * 3600_000);
        assert.equal(after.idToken, before.idToken);
      } finally {
        await vscode.workspace
          .getConfiguration('lineLogin')
          .update('autoRefresh', undefined, vscode.ConfigurationTarget.Global);
      }
    });

    it("selectAccount picks the status bar's account; showLog and refreshView run", async () => {
      await hooks.services.selection.set(undefined);
      await eventually(() => !hooks.statusBar.snapshot.selected, 'nothing selected');
      const summary = await run<{ userId: string }>('lineLogin.selectAccount', accountKey);
      assert.equal(summary.userId, USER.userId);
      await eventually(
        () => hooks.statusBar.snapshot.selected && hooks.statusBar.snapshot.account?.userId === USER.userId,
        'the status bar shows the selection',
      );
      await vscode.commands.executeCommand('lineLogin.showLog');
      await vscode.commands.executeCommand('lineLogin.refreshView');
      assert.equal((await children()).length, 1);
    });

    it('revokeAccessToken needs confirmation, calls LINE, then deletes locally and reports the answer', async () => {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lineLogin.revokeAccessToken', accountKey)), {
        message: /confirmed: true/,
      });
      const [stored] = await storedAccounts();
      assert.ok(stored);
      const result = await run('lineLogin.revokeAccessToken', { ...accountKey, confirmed: true });
      assert.deepEqual(result, { revokedOnServer: true, deletedLocally: true });
      assert.deepEqual(await storedAccounts(), []);
      const revoke = emulator.requests.filter((r) => r.endpoint === 'revoke').at(-1);
      assert.equal(revoke?.form.access_token, stored.accessToken);
      await eventually(() => !hooks.statusBar.snapshot.visible, 'the status bar hides');
    });

    it('signs in again (LINE session: no consent page), then deauthorize ends it on LINE', async () => {
      const summary = await run<{ userId: string }>('lineLogin.signIn', {
        channelId: CHANNEL.channelId,
        scopes: ['profile'],
      });
      assert.equal(summary.userId, USER.userId);
      const [stored] = await storedAccounts();
      assert.ok(stored);
      assert.equal(stored.idToken, undefined, 'no ID token without openid');
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lineLogin.deauthorize', accountKey)), {
        message: /confirmed: true/,
      });
      assert.deepEqual(await run('lineLogin.deauthorize', { ...accountKey, confirmed: true }), {
        deauthorizedOnServer: true,
        deletedLocally: true,
      });
      assert.equal(emulator.requests.filter((r) => r.endpoint === 'deauthorize').length, 1);
      assert.deepEqual(await storedAccounts(), []);
    });

    it('signInWithRedirectUrl: the person picks defaults, approves in the browser and pastes the redirected URL', async () => {
      await closeTabs();
      // Where the browser lands in this mode is not ours to serve (a remote host's browser cannot reach
      // us); here a stand-in page on the callback port records the URL a person would copy.
      let landedOn: ((url: string) => void) | undefined;
      const landed = new Promise<string>((resolve) => (landedOn = resolve));
      const landing = createHttpServer((request, response) => {
        landedOn?.(`http://localhost:${callbackPort}${request.url ?? ''}`);
        response.end('copy the URL from the address bar');
      });
      await new Promise<void>((resolve) => landing.listen(callbackPort, '127.0.0.1', resolve));
      try {
        const [channelNode] = await children();
        // A tree node, not an argument object: the interactive flow with its quick pick and input box.
        const signIn = Promise.resolve(
          vscode.commands.executeCommand<{ userId: string } | undefined>(
            'lineLogin.signInWithRedirectUrl',
            channelNode,
          ),
        );
        await answerWorkbench('.quick-input-widget .monaco-list-row', { press: 'Enter' });
        // The consent page shows unless LINE's session already holds consent.
        const consent = clickInTab('line-emulator.localhost', '#allow', 10_000).catch((error: unknown) => error);
        const redirected = await landed;
        assert.match(redirected, /\/callback\?code=/);
        await answerWorkbench('.quick-input-widget input[type="password"]', { text: redirected, press: 'Enter' });
        const summary = await signIn;
        await consent;
        assert.equal(summary?.userId, USER.userId);
        assert.equal((await storedAccounts()).length, 1);
        await eventually(
          () =>
            hooks.treeView.selection.some(
              (node) => (node as vscode.TreeItem).id === `account/${CHANNEL.channelId}/${USER.userId}`,
            ),
          'the new account is selected in the tree',
        );
      } finally {
        await new Promise<void>((resolve) =>
          landing.close(() => {
            resolve();
          }),
        );
        await closeTabs();
      }
    });

    it('a state mismatch (a silently failed auto login) offers "Retry Without Auto Login", and the retry signs in', async () => {
      await closeTabs();
      // prompt=consent holds the browser on the consent page, so the stale redirect below comes first.
      await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, loginOptions: { prompt: 'consent' } });
      try {
        const tokenRequests = emulator.requests.filter((r) => r.endpoint === 'token').length;
        const [channelNode] = await children();
        const signIn = Promise.resolve(vscode.commands.executeCommand('lineLogin.signIn', channelNode));
        await answerWorkbench('.quick-input-widget .monaco-list-row', { press: 'Enter' });
        // This attempt's tab: closed tabs of earlier tests are in the harness's list too.
        await eventually(
          async () =>
            (await browserTabs()).some(
              (tab) =>
                !tab.closed &&
                tab.history.some(
                  (url) => url.includes('line-emulator.localhost') && url.includes('/oauth2/v2.1/authorize'),
                ),
            ),
          'the authorize page opens',
          20_000,
          100,
        );
        // What LINE does when auto login fails silently: back to the callback with a state that is not this attempt's.
        const stale = await fetch(`http://localhost:${callbackPort}/callback?code=stale-code&state=not-this-attempt`, {
          redirect: 'manual',
        });
        assert.equal(stale.status, 302);
        assert.equal(await signIn, undefined, 'the attempt failed and told the person');
        await closeTabs();
        await answerWorkbench('.notifications-toasts .monaco-button:has-text("Retry Without Auto Login")', {
          click: true,
        });
        await clickInTab('line-emulator.localhost', '#allow', 20_000);
        await eventually(
          () => emulator.requests.filter((r) => r.endpoint === 'token').length === tokenRequests + 1,
          'the retry exchanges a new code',
          20_000,
        );
        const retried = emulator.requests.filter((r) => r.endpoint === 'authorize' && r.method === 'GET').at(-1);
        assert.equal(retried?.query.disable_auto_login, 'true');
        assert.equal(retried.query.prompt, 'consent', 'the retry repeats what the person chose');
        assert.ok(
          !emulator.requests.some((r) => r.endpoint === 'token' && r.form.code === 'stale-code'),
          'the stale code was never exchanged',
        );
        await eventually(async () => (await storedAccounts()).length === 1, 'the account is stored');
      } finally {
        await closeTabs();
        await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, loginOptions: {} });
      }
    });

    it("a forged error callback is answered 400 and ignored; LINE's error text reaches the notification as text, never a link", async () => {
      await closeTabs();
      // prompt=consent holds the browser on the consent page while the test plays the redirects.
      await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, loginOptions: { prompt: 'consent' } });
      try {
        const authorizeGets = (): { query: Record<string, string | undefined> }[] =>
          emulator.requests.filter((r) => r.endpoint === 'authorize' && r.method === 'GET');
        const before = authorizeGets().length;
        const [channelNode] = await children();
        const signIn = Promise.resolve(vscode.commands.executeCommand('lineLogin.signIn', channelNode));
        await answerWorkbench('.quick-input-widget .monaco-list-row', { press: 'Enter' });
        await eventually(() => authorizeGets().length > before, 'the browser opens the authorize page');
        const state = authorizeGets().at(-1)?.query.state ?? '';
        assert.match(state, /^[0-9a-f]{32,}$/);
        const callback = `http://localhost:${callbackPort}/callback`;
        const link = '[Open a terminal](command:workbench.action.terminal.new)';

        // Any web page can send this to the fixed port: without this attempt's state it is not LINE's.
        const forged = await fetch(`${callback}?error=access_denied&error_description=${encodeURIComponent(link)}`, {
          redirect: 'manual',
        });
        assert.equal(forged.status, 400);
        const page = await fetch(`${callback}?error=ACCESS_DENIED&state=not-this-attempt`, { redirect: 'manual' });
        assert.equal(page.status, 400);

        // LINE's own error redirect (this attempt's state) ends the attempt; its words are shown as data.
        const real = await fetch(
          `${callback}?error=INVALID_SCOPE&error_description=${encodeURIComponent(`See ${link}`)}&state=${state}`,
          { redirect: 'manual' },
        );
        assert.equal(real.status, 302);
        assert.equal(await signIn, undefined, 'the attempt failed and told the person');
        // The brackets and the command are on screen as written: VS Code made no link of them.
        await answerWorkbench(
          '.notifications-toasts .notification-list-item-message:has-text("[Open a terminal] (command:workbench.action.terminal.new)")',
          {},
        );
      } finally {
        await closeTabs();
        await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, loginOptions: {} });
      }
    });

    it('signOut deletes locally only', async () => {
      await signInThroughBrowser({ prompt: 'consent' });
      const [stored] = await storedAccounts();
      assert.ok(stored);
      assert.deepEqual(await run('lineLogin.signOut', accountKey), { signedOut: true });
      assert.deepEqual(await storedAccounts(), []);
      const verify = await fetch(
        `${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=${encodeURIComponent(stored.accessToken)}`,
      );
      assert.equal(verify.status, 200, 'LINE still accepts the token');
    });
  });

  describe('when LINE or the stored data fail', () => {
    const accountKey = { channelId: CHANNEL.channelId, userId: USER.userId };

    /** LINE's session in Chromium already holds consent (see "signOut deletes locally only"): no page to click. */
    async function signInAgain(): Promise<TokenSet> {
      await run('lineLogin.signIn', { channelId: CHANNEL.channelId });
      const [stored] = await storedAccounts();
      assert.ok(stored);
      return stored;
    }

    async function accountNode(): Promise<vscode.TreeItem | undefined> {
      const [channelNode] = await children();
      return (await children(channelNode)).find((node) => node.id === `account/${CHANNEL.channelId}/${USER.userId}`);
    }

    /** Runs revoke from the tree (a person), confirms the modal question, resolves with what the command returned. */
    async function revokeFromTree(): Promise<{ deletedLocally: boolean; serverErrorCode?: string } | undefined> {
      const node = await accountNode();
      assert.ok(node, 'the account is in the tree');
      const { result, asked } = await answeringModals('Revoke', () =>
        vscode.commands.executeCommand<{ deletedLocally: boolean; serverErrorCode?: string } | undefined>(
          'lineLogin.revokeAccessToken',
          node,
        ),
      );
      assert.deepEqual(asked, [`Revoke the access token of ${USER.userId}?`]);
      results.push(result);
      return result;
    }

    it('revoke while LINE is unreachable keeps the account, marks it in the tree and status bar, and "Retry" revokes it', async () => {
      await vscode.commands.executeCommand('notifications.clearAll');
      const stored = await signInAgain();
      emulator.setFault('revoke', { kind: 'destroySocket' }, 1);
      const automated = await run<{ revokedOnServer: boolean; deletedLocally: boolean; serverErrorCode?: string }>(
        'lineLogin.revokeAccessToken',
        { ...accountKey, confirmed: true },
      );
      assert.equal(automated.revokedOnServer, false);
      assert.equal(automated.deletedLocally, false);
      assert.match(automated.serverErrorCode ?? '', /^ERR_NETWORK/);
      assert.deepEqual(Object.keys(automated).sort(), ['deletedLocally', 'revokedOnServer', 'serverErrorCode']);
      const [kept] = await storedAccounts();
      assert.equal(kept?.accessToken, stored.accessToken, 'the only copy is kept');
      assert.equal(kept.revokeFailure?.errorCode, automated.serverErrorCode);
      await eventually(
        async () => (await accountNode())?.contextValue?.endsWith(':revokeFailed') === true,
        'the tree marks it',
      );
      assert.match(String((await accountNode())?.description), /revoke failed/);
      await eventually(() => hooks.statusBar.snapshot.warning === 'warning', 'the status bar warns');

      // A person: the same failure offers Retry, which reaches LINE this time.
      emulator.setFault('revoke', { kind: 'status', status: 500, body: '{"error":"server_error"}' }, 1);
      const failed = await revokeFromTree();
      assert.equal(failed?.deletedLocally, false);
      assert.equal(failed.serverErrorCode, 'ERR_LINE_SERVER_ERROR');
      await answerWorkbench('.notifications-toasts .monaco-button:has-text("Retry")', { click: true });
      await eventually(async () => (await storedAccounts()).length === 0, 'the retry revokes and deletes the account');
      const verify = await fetch(
        `${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=${encodeURIComponent(stored.accessToken)}`,
      );
      assert.equal(verify.status, 400, 'LINE no longer accepts the token');
      await vscode.commands.executeCommand('notifications.clearAll');
    });

    it('"Delete Locally Anyway" removes an account LINE could not be told about; automation says deleteLocallyOnFailure', async () => {
      const stored = await signInAgain();
      emulator.setFault('revoke', { kind: 'status', status: 503, body: '' }, 1);
      assert.equal((await revokeFromTree())?.deletedLocally, false);
      await answerWorkbench('.notifications-toasts .monaco-button:has-text("Delete Locally Anyway")', { click: true });
      await eventually(async () => (await storedAccounts()).length === 0, 'the account is deleted locally');
      const verify = await fetch(
        `${emulator.apiBaseUrl}/oauth2/v2.1/verify?access_token=${encodeURIComponent(stored.accessToken)}`,
      );
      assert.equal(verify.status, 200, 'LINE was never told: the token still works there');

      await signInAgain();
      emulator.setFault('revoke', { kind: 'destroySocket' }, 1);
      assert.deepEqual(
        await run('lineLogin.revokeAccessToken', { ...accountKey, confirmed: true, deleteLocallyOnFailure: true }),
        { revokedOnServer: false, deletedLocally: true, serverErrorCode: 'ERR_NETWORK' },
      );
      assert.deepEqual(await storedAccounts(), []);
      await vscode.commands.executeCommand('notifications.clearAll');
    });

    /** Makes this window's SecretStorage refuse store() for one key, as a locked keychain would, while `work` runs. */
    async function refusingStore<T>(
      refusedKey: string,
      work: () => Promise<T>,
    ): Promise<{ result: T; refused: number }> {
      const secrets = hooks.secrets as { store: (key: string, value: string) => Thenable<void> };
      const original = secrets.store;
      let refused = 0;
      secrets.store = (key: string, value: string): Thenable<void> => {
        if (key === refusedKey) {
          refused += 1;
          return Promise.reject(new Error('the keychain refused the write (test)'));
        }
        return original.call(hooks.secrets, key, value);
      };
      try {
        return { result: await work(), refused };
      } finally {
        secrets.store = original;
      }
    }

    it('a secret storage that refuses writes stops a sign-in before the browser opens: no code is redeemed', async () => {
      const tabs = (await browserTabs()).length;
      const requests = emulator.requests.length;
      const { result, refused } = await refusingStore('lineLogin.storeProbe', () =>
        Promise.resolve(vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId })).then(
          () => undefined,
          (error: unknown) => error as Error & { code?: string },
        ),
      );
      assert.equal(result?.code, 'ERR_STORE_UNAVAILABLE');
      assert.match(result.message, /nothing was sent to LINE/);
      assert.equal(refused, 1);
      assert.equal((await browserTabs()).length, tabs, 'no browser tab opened');
      assert.equal(emulator.requests.length, requests, 'LINE was not asked for anything');
      assert.deepEqual(await storedAccounts(), []);
    });

    it('new tokens that cannot be saved stay usable in memory, the person is told, and "Retry Saving" saves them', async function () {
      // The store retries, then the refresh retries while holding its lock (about 20 s in all).
      this.timeout(120_000);
      await vscode.commands.executeCommand('notifications.clearAll');
      const before = await signInAgain();
      const node = await accountNode();
      assert.ok(node);
      const { result, refused } = await refusingStore(SECRETS_KEY, () =>
        Promise.resolve(vscode.commands.executeCommand('lineLogin.refreshAccessToken', node)),
      );
      assert.equal(result, undefined, 'the command reported the failure to the person');
      assert.ok(refused >= 4, 'saving was retried');
      const inMemory = await hooks.services.store.get(accountKey);
      assert.ok(inMemory);
      assert.notEqual(inMemory.accessToken, before.accessToken, 'the new tokens are in use');
      assert.equal((await storedAccounts())[0]?.accessToken, before.accessToken, 'not saved yet');
      assert.deepEqual(hooks.services.store.unsavedAccounts(), [accountKey]);
      seenTokens.add(inMemory.accessToken);
      await answerWorkbench('.notifications-toasts .monaco-button:has-text("Retry Saving")', { click: true });
      await eventually(
        async () => (await storedAccounts())[0]?.accessToken === inMemory.accessToken,
        'the kept tokens are saved',
      );
      assert.deepEqual(hooks.services.store.unsavedAccounts(), []);
      await vscode.commands.executeCommand('notifications.clearAll');
    });

    it('an unreadable accounts document is moved aside (not deleted), the person is told once, and the store works again', async () => {
      await signInAgain();
      const garbage = '{"version":1,"accounts":[{"channelId":"1690000001","userId":"U1"';
      // What a broken write or another tool could leave behind.
      await hooks.secrets.store(SECRETS_KEY, garbage);
      await answerWorkbench('.notifications-toasts .notification-list-item-message:has-text("moved aside")', {});
      await eventually(async () => {
        const value = await hooks.secrets.get(SECRETS_KEY);
        return value !== undefined && value !== garbage;
      }, 'a readable document replaces it');
      const backups = JSON.parse((await hooks.secrets.get(`${SECRETS_KEY}.unreadable`)) ?? '[]') as string[];
      assert.equal(backups.length, 1);
      assert.equal(await hooks.secrets.get(backups[0] ?? ''), garbage, 'the unreadable text is kept');
      assert.deepEqual(await storedAccounts(), []);
      await eventually(async () => (await children((await children())[0])).length === 0, 'the tree shows no account');
      assert.ok(!(await children()).some((node) => node.contextValue === 'message'), 'and no error');

      // Told once: more readers find a readable document and set nothing else aside.
      hooks.explorer.refresh();
      await hooks.statusBar.update();
      assert.equal((JSON.parse((await hooks.secrets.get(`${SECRETS_KEY}.unreadable`)) ?? '[]') as string[]).length, 1);
      const setAsideLines = async (): Promise<number> =>
        (await readFile(join(hooks.logUri.fsPath, 'LINE Login.log'), 'utf8').catch(() => ''))
          .split('\n')
          .filter((line) => line.includes('the document was moved to')).length;
      await eventually(async () => (await setAsideLines()) === 1, 'the log says where the document went');
      await delay(500);
      assert.equal(await setAsideLines(), 1, 'once');

      // And the store takes a sign-in again.
      await signInAgain();
      assert.equal((await storedAccounts()).length, 1);
      await vscode.commands.executeCommand('notifications.clearAll');
      await closeTabs();
    });

    it('"Reset Stored Tokens…" asks first, then removes every account and the set-aside copies', async () => {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('lineLogin.resetStoredTokens', {})), {
        message: /confirmed: true/,
      });
      assert.equal((await storedAccounts()).length, 1, 'nothing happened without confirmation');
      const declined = await answeringModals(undefined, () =>
        vscode.commands.executeCommand('lineLogin.resetStoredTokens'),
      );
      assert.deepEqual(declined, { result: undefined, asked: ['Reset the stored LINE Login tokens?'] });
      assert.equal((await storedAccounts()).length, 1, 'closing the question changes nothing');
      const reset = await answeringModals('Reset', () =>
        vscode.commands.executeCommand<{ removedAccounts: number | null; removedBackups: number }>(
          'lineLogin.resetStoredTokens',
        ),
      );
      assert.deepEqual(reset.result, { removedAccounts: 1, removedBackups: 1 });
      assert.deepEqual(await storedAccounts(), []);
      assert.equal(await hooks.secrets.get(`${SECRETS_KEY}.unreadable`), undefined);
      assert.equal(await hooks.secrets.get(`lineLogin.channelSecret.${CHANNEL.channelId}`), CHANNEL.channelSecret);
      await eventually(async () => (await children((await children())[0])).length === 0, 'the tree is empty');
      assert.deepEqual(await run('lineLogin.resetStoredTokens', { confirmed: true }), {
        removedAccounts: 0,
        removedBackups: 0,
      });
      await vscode.commands.executeCommand('notifications.clearAll');
    });
  });

  describe('sign-in errors a user will meet', () => {
    it('the browser never comes back: after lineLogin.signInTimeoutSeconds, the exact callback URL to register', async function () {
      this.timeout(90_000);
      const config = vscode.workspace.getConfiguration('lineLogin');
      await config.update('signInTimeoutSeconds', 30, vscode.ConfigurationTarget.Global);
      // prompt=consent keeps the emulator's consent page up; nobody clicks it.
      const started = Date.now();
      try {
        await assert.rejects(
          Promise.resolve(
            vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId, prompt: 'consent' }),
          ),
          (error: Error & { code?: string }) =>
            error.code === 'ERR_CALLBACK_TIMEOUT' &&
            error.message.includes(`http://localhost:${callbackPort}/callback`) &&
            /not registered/.test(error.message),
        );
        assert.ok(Date.now() - started >= 29_000, 'waited for the configured time');
      } finally {
        await config.update('signInTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
        await closeTabs();
      }
    });

    it('signInWithRedirectUrl needs a person; automation is told to use signIn', async () => {
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('lineLogin.signInWithRedirectUrl', { channelId: CHANNEL.channelId }),
        ),
        { code: 'ERR_INVALID_INPUT', message: /lineLogin.signIn/ },
      );
    });

    it('consent denied', async () => {
      emulator.setFault('authorize', { kind: 'denyConsent' }, 1);
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId })),
        { code: 'ERR_ACCESS_DENIED' },
      );
    });

    it('the callback port is taken: names the port', async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(callbackPort, '127.0.0.1', resolve));
      try {
        await assert.rejects(
          Promise.resolve(vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId })),
          { code: 'ERR_PORT_IN_USE', message: new RegExp(String(callbackPort)) },
        );
      } finally {
        await new Promise<void>((resolve) =>
          blocker.close(() => {
            resolve();
          }),
        );
      }
    });

    it('a wrong channel secret', async () => {
      await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, channelSecret: 'wrong0secret0value' });
      try {
        const error: unknown = await Promise.resolve(
          vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId }),
        ).catch((caught: unknown) => caught);
        assert.ok(error instanceof Error);
        assert.equal((error as Error & { code: string }).code, 'ERR_LINE_INVALID_CLIENT');
        assert.ok(!error.message.includes('wrong0secret0value'));
      } finally {
        await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, channelSecret: CHANNEL.channelSecret });
      }
    });
  });

  describe('no secret leaks anywhere', () => {
    it('no token, code or secret in the log, the settings files or any command result', async () => {
      await storedAccounts();
      const secrets = [...seenTokens, CHANNEL.channelSecret, 'wrong0secret0value'];
      const codes = emulator.requests
        .filter((r) => r.endpoint === 'token' && r.form.code !== undefined)
        .map((r) => r.form.code ?? '');
      const verifiers = emulator.requests.map((r) => r.form.code_verifier).filter((v): v is string => v !== undefined);
      assert.ok(seenTokens.size >= 3 && codes.length >= 3);

      const logFile = join(hooks.logUri.fsPath, 'LINE Login.log');
      await eventually(() => existsSync(logFile), 'the log file is written');
      await delay(500);
      const log = await readFile(logFile, 'utf8');
      assert.match(log, /POST \/oauth2\/v2.1\/token · 200 · [\d.]+ ms · x-line-request-id=[0-9a-f]+/);
      assert.match(log, /GET \/oauth2\/v2.1\/verify · 200/);

      const userSettings = join(dirname(dirname(hooks.globalStorageUri.fsPath)), 'settings.json');
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const settingsFiles = [
        userSettings,
        ...(folder === undefined ? [] : [join(folder, '.vscode', 'settings.json')]),
      ].filter((file) => existsSync(file));
      assert.ok(settingsFiles.length >= 1, 'the user settings file exists');
      const settings = (await Promise.all(settingsFiles.map((file) => readFile(file, 'utf8')))).join('\n');
      assert.match(settings, /lineLogin.channels/);

      const commandResults = JSON.stringify(results);
      for (const secret of [...secrets, ...codes, ...verifiers]) {
        assert.ok(!log.includes(secret), 'the log holds no secret');
        assert.ok(!settings.includes(secret), 'settings hold no secret');
        assert.ok(!commandResults.includes(secret), 'command results hold no secret');
      }
    });
  });

  describe('removeChannel', () => {
    it('asks for confirmation, then deletes the channel, its secret and its accounts', async () => {
      await run('lineLogin.signIn', { channelId: CHANNEL.channelId });
      assert.equal((await storedAccounts()).length, 1);
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('lineLogin.removeChannel', { channelId: CHANNEL.channelId })),
        { message: /confirmed: true/ },
      );
      assert.deepEqual(await run('lineLogin.removeChannel', { channelId: CHANNEL.channelId, confirmed: true }), {
        channelId: CHANNEL.channelId,
        removedAccounts: 1,
      });
      assert.deepEqual(await storedAccounts(), []);
      assert.equal(await hooks.secrets.get(`lineLogin.channelSecret.${CHANNEL.channelId}`), undefined);
      assert.deepEqual(vscode.workspace.getConfiguration('lineLogin').get('channels'), []);
      await eventually(async () => (await children()).length === 0, 'the tree is empty again');
    });
  });
});
