// The installed .vsix activates and signs in through the real browser against the emulator, using
// only the public automation API (the installed copy runs in normal mode: no test hooks).
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { closeTabs, harnessAvailable } from '../host/client';
import { freePort } from '../support/ports';

const EXTENSION_ID = 'line-login-devtools.line-login-devtools';
// This file runs from <repository>/out/test/packaged/.
const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..');
const CHANNEL = { channelId: '1700000001', channelSecret: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', name: 'Packaged' };
const USER = { userId: `U${'f'.repeat(32)}`, displayName: 'Packaged User' };

describe('the packaged extension (.vsix installed with --install-extension)', function () {
  this.timeout(60_000);
  let emulator: LineEmulator;

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    const callbackUrl = `http://localhost:${await freePort()}/callback`;
    emulator = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      autoApprove: true,
      channels: [{ ...CHANNEL, callbackUrls: [callbackUrl] }],
      users: [USER],
    });
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', emulator.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('lineLogin.addChannel', {
      ...CHANNEL,
      callbackUrl,
      scopes: ['profile', 'openid'],
    });
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    await closeTabs().catch(() => undefined);
    await emulator.close();
  });

  it('is the installed copy, not the repository, and it activated', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'installed');
    assert.equal(extension.extensionKind, vscode.ExtensionKind.Workspace);
    assert.ok(
      !resolve(extension.extensionPath).startsWith(REPOSITORY_ROOT) && extension.extensionPath.includes('extensions'),
      extension.extensionPath,
    );
    assert.equal(extension.isActive, true);
    assert.equal(extension.exports, undefined, 'no test hooks outside test mode');
  });

  it('contributes its commands and the Japanese bundle', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const command of ['lineLogin.signIn', 'lineLogin.verifyIdToken', 'lineLogin.decodeJwt']) {
      assert.ok(commands.includes(command), command);
    }
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const bundle = await vscode.workspace.fs.stat(
      vscode.Uri.joinPath(extension?.extensionUri ?? vscode.Uri.file('/'), 'l10n', 'bundle.l10n.ja.json'),
    );
    assert.ok(bundle.size > 1000);
  });

  it('signs in through the browser, verifies and revokes', async () => {
    const account = await vscode.commands.executeCommand<{ userId: string; hasIdToken: boolean }>('lineLogin.signIn', {
      channelId: CHANNEL.channelId,
    });
    assert.equal(account.userId, USER.userId);
    assert.equal(account.hasIdToken, true);
    const key = { channelId: CHANNEL.channelId, userId: USER.userId };
    const verification = await vscode.commands.executeCommand<{ clientId: string }>('lineLogin.verifyAccessToken', key);
    assert.equal(verification.clientId, CHANNEL.channelId);
    const comparison = await vscode.commands.executeCommand<{ local: { ok: boolean }; server: { ok: boolean } }>(
      'lineLogin.verifyIdToken',
      key,
    );
    assert.deepEqual([comparison.local.ok, comparison.server.ok], [true, true]);
    assert.deepEqual(await vscode.commands.executeCommand('lineLogin.revokeAccessToken', { ...key, confirmed: true }), {
      revokedOnServer: true,
      deletedLocally: true,
    });
    await vscode.commands.executeCommand('lineLogin.removeChannel', { channelId: CHANNEL.channelId, confirmed: true });
  });
});
