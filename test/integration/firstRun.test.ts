// A first run as a new user makes it, through the workbench itself: the command palette (typed and
// answered with Enter, as a person does) and the Get Started walkthrough, whose steps must tick on
// the real actions. Leaves no channel or account behind for the suites that follow.
import { EXTENSION_ID } from './manifest';
import { activateForTests } from './activate';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import type { TestHooks } from '../../src/extension';
import { answerWorkbench, closeTabs, harnessAvailable, readText } from '../host/client';
import { freePort } from '../support/ports';
import { delay, eventually } from '../support/wait';
import { shownDocument } from './shownDocument';

const WALKTHROUGH = `${EXTENSION_ID}#gettingStarted`;
const STEPS = ['addChannel', 'registerCallbackUrl', 'signIn', 'inspectToken', 'verifyToken'] as const;
const CHANNEL = { channelId: '1690000003', channelSecret: '5f4e3d2c1b0a99887766554433221100', name: 'First run' };

let hooks: TestHooks;
let emulator: LineEmulator;

/** Types into the command palette and returns the titles it lists, first line of each row. */
async function palette(text: string): Promise<string[]> {
  await vscode.commands.executeCommand('workbench.action.quickOpen', `>${text}`);
  await delay(300);
  return [...(await readText('.quick-input-widget .monaco-list-row .quick-input-list-row:first-child'))];
}

/** Runs the palette's first match for `text` with Enter, as a person would. */
async function runFromPalette(text: string): Promise<string | undefined> {
  const rows = await palette(text);
  await answerWorkbench('.quick-input-widget .monaco-list-row', { press: 'Enter' });
  return rows[0];
}

function step(id: (typeof STEPS)[number], done: boolean): string {
  return `[data-step-id$="${id}"][aria-checked="${String(done)}"]`;
}

async function assertSteps(done: readonly (typeof STEPS)[number][]): Promise<void> {
  for (const id of STEPS) {
    // readText waits for the element, so a step that has not (yet) ticked fails here by name.
    await readText(step(id, done.includes(id)), {}, 10_000).catch((error: unknown) => {
      throw new Error(`walkthrough step ${id} should be ${done.includes(id) ? 'done' : 'open'}: ${String(error)}`);
    });
  }
}

describe('First run: palette order and the Get Started walkthrough', function () {
  this.timeout(90_000);

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    hooks = await activateForTests();
    emulator = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      autoApprove: true,
      channels: [],
      users: [{ userId: `U${'f'.repeat(32)}`, displayName: 'New User' }],
    });
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', emulator.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    await Promise.resolve(
      vscode.commands.executeCommand('lineLogin.removeChannel', { channelId: CHANNEL.channelId, confirmed: true }),
    ).catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Later suites take the README screenshot: no toast of ours may be in it.
    await vscode.commands.executeCommand('notifications.clearAll');
    await closeTabs().catch(() => undefined);
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await emulator.close();
  });

  it('opens with every step open', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    await assertSteps([]);
    // "Try it all offline" ticks on Start Local LINE: localLine.test.ts checks that, after it has
    // checked that nothing loaded the emulator's bundle before (so it is not started here).
    await readText('[data-step-id$="tryOffline"][aria-checked="false"]', {}, 10_000);
  });

  it('"Add a channel" ticks when a channel exists', async () => {
    const callbackUrl = `http://localhost:${await freePort()}/callback`;
    emulator.addChannel({ ...CHANNEL, callbackUrls: [callbackUrl] });
    await vscode.commands.executeCommand('lineLogin.addChannel', { ...CHANNEL, callbackUrl });
    await assertSteps(['addChannel']);
  });

  it('"Register the callback URL" ticks on Copy Callback URL, which copies exactly the channel\'s URL', async () => {
    await vscode.env.clipboard.writeText('');
    assert.equal(await runFromPalette('LINE Login: Copy Callback URL'), 'LINE Login: Copy Callback URL');
    const channel = hooks.services.channels.get(CHANNEL.channelId);
    assert.ok(channel);
    await eventually(async () => (await vscode.env.clipboard.readText()) === channel.callbackUrl, 'the URL is copied');
    await assertSteps(['addChannel', 'registerCallbackUrl']);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('"LINE Login: Sign In" + Enter in the palette starts Sign In…, not the paste variant', async () => {
    const rows = await palette('LINE Login: Sign In');
    await answerWorkbench('.quick-input-widget input', { press: 'Escape' });
    assert.equal(rows[0], 'LINE Login: Sign In…', `palette rows: ${rows.join(' | ')}`);
    // This workbench is served from this machine's loopback: the loopback flow is the recommended one.
    assert.ok(!rows.some((row) => row.includes('Pasting')), `the paste variant is hidden here: ${rows.join(' | ')}`);
  });

  it('"Sign in" ticks once an account is signed in', async () => {
    assert.equal(await runFromPalette('LINE Login: Sign In'), 'LINE Login: Sign In…');
    // The channel's defaults, then the browser: the emulator approves by itself.
    // Waits for the sign-in's own pick, not the palette rows that may still be on screen.
    await answerWorkbench('.quick-input-widget .monaco-list-row:has-text("Sign in with")', { press: 'Enter' });
    await eventually(() => hooks.explorer.contextKeys?.hasAccounts === true, 'the account is signed in', 30_000);
    await assertSteps(['addChannel', 'registerCallbackUrl', 'signIn']);
    await vscode.commands.executeCommand('notifications.clearAll');
    await closeTabs();
  });

  it('"Inspect" and "Verify" tick on Show Token Details and Verify Access Token', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    const before = hooks.documents.lastShown;
    assert.equal(await runFromPalette('LINE Login: Show Token Details'), 'LINE Login: Show Token Details');
    assert.ok((await shownDocument(hooks, 'the token details', before)).includes(CHANNEL.channelId));
    assert.equal(await runFromPalette('LINE Login: Verify Access Token'), 'LINE Login: Verify Access Token');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    await assertSteps([...STEPS]);
  });
});
