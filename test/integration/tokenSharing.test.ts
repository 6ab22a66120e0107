// Issue 14 in the real VS Code: the `line` authentication provider as another extension sees it,
// its change events (sign-in, refresh, another window's write, sign-out), the LINE_* terminal
// environment, and the .env export kept updated after a refresh. Runs after lineLogin.test.ts
// with its own channel and emulator, and leaves no channel or account behind.
import { activateForTests } from './activate';
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import type { TestHooks } from '../../src/extension';
import { parseDotEnv } from '../../src/core/exports/dotEnv';
import type { TokenSet } from '../../src/core/types';
import { listedAccount, serializeListing } from '../../src/core/accountListing';
import { answerWorkbench, closeTabs, harnessAvailable } from '../host/client';
import { freePort } from '../support/ports';
import { eventually } from '../support/wait';

const SECRETS_KEY = 'lineLogin.accounts.v1';
const LISTING_KEY = 'lineLogin.accounts.v1.listing';
const CHANNEL = { channelId: '1690000077', channelSecret: '77f8e7d6c5b4a39281706f5e4d3c2b1a', name: 'Sharing' };
const USER = { userId: `U${'9'.repeat(31)}a`, displayName: 'Ueda' };
const ACCOUNT = { channelId: CHANNEL.channelId, userId: USER.userId };
const SESSION_ID = `${CHANNEL.channelId}/${USER.userId}`;
const SCOPES = ['profile', `channel:${CHANNEL.channelId}`];

let hooks: TestHooks;
let emulator: LineEmulator;
let folder: string;
const providerEvents: { added: string[]; removed: string[]; changed: string[] }[] = [];
let consumerEvents = 0;
const subscriptions: vscode.Disposable[] = [];

async function stored(): Promise<TokenSet | undefined> {
  const value = await hooks.secrets.get(SECRETS_KEY);
  const accounts = value === undefined ? [] : (JSON.parse(value) as { accounts: TokenSet[] }).accounts;
  return accounts.find((account) => account.channelId === CHANNEL.channelId && account.userId === USER.userId);
}

function sawEvent(kind: 'added' | 'removed' | 'changed', since: number): boolean {
  return providerEvents.slice(since).some((event) => event[kind].includes(SESSION_ID));
}

describe('Sharing LINE tokens: the line authentication provider, terminals and .env exports', function () {
  this.timeout(60_000);

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    hooks = await activateForTests();
    const callbackUrl = `http://localhost:${await freePort()}/callback`;
    emulator = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      autoApprove: true,
      channels: [{ ...CHANNEL, callbackUrls: [callbackUrl] }],
      users: [{ ...USER, friendOf: [] }],
    });
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', emulator.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('lineLogin.addChannel', {
      ...CHANNEL,
      callbackUrl,
      scopes: ['profile', 'openid'],
    });
    folder = await mkdtemp(join(tmpdir(), 'line-sharing-'));
    subscriptions.push(
      hooks.authProvider.onDidChangeSessions((event) => {
        providerEvents.push({
          added: (event.added ?? []).map((s) => s.id),
          removed: (event.removed ?? []).map((s) => s.id),
          changed: (event.changed ?? []).map((s) => s.id),
        });
      }),
      vscode.authentication.onDidChangeSessions((event) => {
        if (event.provider.id === 'line') {
          consumerEvents += 1;
        }
      }),
    );
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    for (const subscription of subscriptions) {
      subscription.dispose();
    }
    await Promise.resolve(
      vscode.commands.executeCommand('lineLogin.removeChannel', { channelId: CHANNEL.channelId, confirmed: true }),
    ).catch(() => undefined);
    await closeTabs().catch(() => undefined);
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await emulator.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('a sign-in becomes a session: the event fires, and a consumer gets the current token for its scopes', async () => {
    const since = providerEvents.length;
    const consumerSince = consumerEvents;
    await vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId });
    await eventually(() => sawEvent('added', since), 'onDidChangeSessions reports the new session');
    await eventually(() => consumerEvents > consumerSince, 'vscode.authentication.onDidChangeSessions fires for line');
    const tokenSet = await stored();
    assert.ok(tokenSet);

    const sessions = await hooks.authProvider.getSessions(SCOPES);
    assert.deepEqual(
      sessions.map((s) => ({
        id: s.id,
        account: s.account,
        scopes: s.scopes,
        token: s.accessToken === tokenSet.accessToken,
      })),
      [{ id: SESSION_ID, account: { id: SESSION_ID, label: 'Sharing (…99999a)' }, scopes: SCOPES, token: true }],
    );
    assert.deepEqual(await hooks.authProvider.getSessions(['email', `channel:${CHANNEL.channelId}`]), []);

    // A consumer's first quiet request: VS Code withholds the session until the person allows this
    // extension, and files the request in the Accounts menu. (Its modal prompt for createIfNone is
    // refused in extension-test mode, so the test takes the Accounts-menu path a person can take.)
    const before = new Set(await vscode.commands.getCommands(true));
    assert.equal(await vscode.authentication.getSession('line', SCOPES, { createIfNone: false }), undefined);
    let requests: string[] = [];
    await eventually(async () => {
      requests = (await vscode.commands.getCommands(true)).filter(
        (id) => !before.has(id) && id.toLowerCase().includes('line') && !id.startsWith('lineLogin.'),
      );
      return requests.length > 0;
    }, 'VS Code registers the access request of the Accounts menu');
    console.log(`access request commands: ${requests.join(', ')}`);
    const [request] = requests;
    assert.ok(request);
    const granting = Promise.resolve(vscode.commands.executeCommand(request));
    await answerWorkbench('.quick-input-widget .monaco-list-row', { press: 'Enter' });
    await granting;
    // Once allowed, the quiet form works: what a consumer calls on every use.
    const session = await vscode.authentication.getSession('line', SCOPES, { createIfNone: false });
    assert.ok(session, 'VS Code hands the session to a consumer');
    assert.equal(session.account.id, SESSION_ID);
    assert.deepEqual(session.scopes, SCOPES);
    const profile = await fetch(`${emulator.apiBaseUrl}/v2/profile`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    assert.equal(profile.status, 200);
    assert.equal(((await profile.json()) as { userId: string }).userId, USER.userId);
  });

  it('opting in puts the LINE_* variables in new terminals, not persisted, and never the refresh token', async () => {
    assert.equal(hooks.environmentVariables.get('LINE_ACCESS_TOKEN'), undefined, 'nothing before the opt-in');
    assert.deepEqual(await vscode.commands.executeCommand('lineLogin.useInTerminal', ACCOUNT), ACCOUNT);
    await hooks.terminalEnvironment.whenApplied();
    const tokenSet = await stored();
    assert.ok(tokenSet);
    assert.equal(hooks.environmentVariables.persistent, false);
    assert.equal(hooks.environmentVariables.get('LINE_ACCESS_TOKEN')?.value, tokenSet.accessToken);
    assert.equal(hooks.environmentVariables.get('LINE_CHANNEL_ID')?.value, CHANNEL.channelId);
    assert.equal(hooks.environmentVariables.get('LINE_USER_ID')?.value, USER.userId);
    assert.equal(hooks.environmentVariables.get('LINE_API_BASE_URL')?.value, emulator.apiBaseUrl);
    const names = [...hooks.environmentVariables].map(([name]) => name);
    assert.ok(!names.includes('LINE_REFRESH_TOKEN'));
  });

  it('an exported .env (kept updated), the terminal and the session all follow a refresh', async () => {
    const file = join(folder, '.env');
    const exported = await vscode.commands.executeCommand<{ variables: string[]; git: string; keptUpdated: boolean }>(
      'lineLogin.exportDotEnv',
      { ...ACCOUNT, file, keepUpdated: true, confirmed: true },
    );
    assert.equal(exported.git, 'outsideRepository');
    assert.equal(exported.keptUpdated, true);
    assert.ok(!exported.variables.includes('LINE_REFRESH_TOKEN'));
    const before = await stored();
    assert.ok(before);
    assert.equal(parseDotEnv(await readFile(file, 'utf8')).get('LINE_ACCESS_TOKEN'), before.accessToken);

    const since = providerEvents.length;
    await vscode.commands.executeCommand('lineLogin.refreshAccessToken', ACCOUNT);
    const after = await stored();
    assert.ok(after && after.accessToken !== before.accessToken);
    await eventually(() => sawEvent('changed', since), 'onDidChangeSessions reports the refreshed session');
    await hooks.terminalEnvironment.whenApplied();
    assert.equal(hooks.environmentVariables.get('LINE_ACCESS_TOKEN')?.value, after.accessToken);
    await eventually(
      async () => parseDotEnv(await readFile(file, 'utf8')).get('LINE_ACCESS_TOKEN') === after.accessToken,
      'the followed .env file gets the new token',
    );
    const [session] = await hooks.authProvider.getSessions(SCOPES);
    assert.equal(session?.accessToken, after.accessToken);
  });

  it("another window's write to SecretStorage fires onDidChangeSessions here", async () => {
    const value = await hooks.secrets.get(SECRETS_KEY);
    assert.ok(value);
    const listing = await hooks.secrets.get(LISTING_KEY);
    const parsed = JSON.parse(value) as { version: number; generation: number; accounts: TokenSet[] };
    const since = providerEvents.length;
    // A refresh as another window's store writes it: a new access token with its own times, then the listing.
    const rewritten = parsed.accounts.map((account) =>
      account.channelId === CHANNEL.channelId
        ? {
            ...account,
            accessToken: `${account.accessToken}x`,
            accessTokenIssuedAt: account.accessTokenIssuedAt + 1_000,
            accessTokenExpiresAt: account.accessTokenExpiresAt + 1_000,
          }
        : account,
    );
    const generation = parsed.generation + 1;
    await hooks.secrets.store(SECRETS_KEY, JSON.stringify({ ...parsed, generation, accounts: rewritten }));
    await hooks.secrets.store(LISTING_KEY, serializeListing({ generation, accounts: rewritten.map(listedAccount) }));
    await eventually(() => sawEvent('changed', since), 'the other window’s refresh is reported');
    await hooks.secrets.store(SECRETS_KEY, value);
    if (listing !== undefined) {
      await hooks.secrets.store(LISTING_KEY, listing);
    }
  });

  it('a sign-out fires removed, clears the terminal variables and stops updating the .env file', async () => {
    const since = providerEvents.length;
    await vscode.commands.executeCommand('lineLogin.signOut', ACCOUNT);
    await eventually(() => sawEvent('removed', since), 'onDidChangeSessions reports the removed session');
    await hooks.terminalEnvironment.whenApplied();
    assert.equal(hooks.environmentVariables.get('LINE_ACCESS_TOKEN'), undefined);
    assert.equal([...hooks.environmentVariables].length, 0);
    assert.equal(hooks.terminalEnvironment.account, undefined, 'the opt-in ends with the account');
    // The follower reacts to the same store event as the provider, after its own read of the store.
    await eventually(async () => {
      await hooks.dotEnvFollower.whenApplied();
      return hooks.dotEnvFollower.followed().length === 0;
    }, 'the .env file is no longer followed');
    assert.deepEqual(await hooks.authProvider.getSessions(undefined), []);
  });

  it('removeSession (Sign Out in the Accounts menu) signs out locally', async () => {
    await vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId });
    assert.ok(await stored());
    await hooks.authProvider.removeSession(SESSION_ID);
    assert.equal(await stored(), undefined);
  });
});
