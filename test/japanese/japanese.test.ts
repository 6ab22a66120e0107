// The extension as a Japanese developer sees it: a workbench whose display language is Japanese
// (the harness's --locale ja), a browser asking for Japanese, and the local LINE Login emulator.
// Every text is read from the screen (the workbench page or the browser tab), and each is checked
// twice: for the Japanese it must show, and for any English message that has a Japanese translation.
import { extensionUnderTest } from '../integration/activate';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import type { TestHooks } from '../../src/extension';
import { answerWorkbench, clickInTab, closeTabs, harnessAvailable, readText, takeScreenshot } from '../host/client';
import { shownDocument } from '../integration/shownDocument';
import { assertTreeRowsFit, descendants } from '../integration/treeRowsFit';
import { freePort } from '../support/ports';
import { delay, eventually } from '../support/wait';
import { assertJapaneseIn, loadCatalog, type Catalog } from './untranslated';

const CHANNEL = { channelId: '1690000002', channelSecret: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', name: 'ネットショップ' };
const USER = { userId: `U${'e'.repeat(32)}`, displayName: '佐藤 太郎', email: 'taro@example.com' };
const SIDEBAR = '.part.sidebar';
/** A date and time as Intl writes them in Japanese: 2026年12月25日 17:31 JST. */
const JAPANESE_DATE_TIME = /\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2} [A-Z]/;

let hooks: TestHooks;
let emulator: LineEmulator;
let catalog: Catalog;

/** Asserts `shown` holds `expected` and no English message that has a Japanese translation. */
function assertJapanese(where: string, shown: string, expected: readonly (string | RegExp)[]): void {
  assertJapaneseIn(catalog, where, shown, expected);
}

async function children(node?: unknown): Promise<vscode.TreeItem[]> {
  return await hooks.explorer.getChildren(node as never);
}

describe('日本語: the extension in a Japanese VS Code', function () {
  this.timeout(60_000);

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    const extension = extensionUnderTest();
    hooks = await extension.activate();
    catalog = loadCatalog(extension.extensionPath);
    emulator = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      channels: [{ ...CHANNEL, callbackUrls: [] }],
      users: [{ ...USER, friendOf: [CHANNEL.channelId] }],
    });
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', emulator.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    await closeTabs().catch(() => undefined);
    await emulator.close();
  });

  it('runs with Japanese as the display language and the Japanese bundle loaded', () => {
    assert.equal(vscode.env.language, 'ja');
    assert.equal(vscode.l10n.t('Signed in to LINE Login DevTools.'), 'LINE Login DevTools にログインしました。');
  });

  it('the view, its title and its welcome are Japanese', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.lineLogin');
    // Two views (Tokens and the Inspector's Flows): each shows its name in its own pane header.
    const headers = (await readText(`${SIDEBAR} .pane-header`)).join('\n');
    assertJapanese('the view headers', headers, ['トークン', 'フロー']);
    const welcome = (await readText(`${SIDEBAR} .welcome-view-content`)).join('\n');
    assertJapanese('the welcome view', welcome, ['チャネルを追加', 'JWT をデコード']);
  });

  it('command titles in the palette are Japanese', async () => {
    await vscode.commands.executeCommand('workbench.action.quickOpen', '>LINE Login: ');
    try {
      await delay(300);
      // Each row's first line is the title; the second is VS Code's own English alias of it (shown in
      // every non-English workbench so English searches still match), which is not ours to translate.
      const rows = await readText('.quick-input-widget .monaco-list-row .quick-input-list-row:first-child');
      const ours = rows.filter((row) => row.includes('LINE Login:'));
      assert.ok(ours.length >= 5, `the palette lists the extension's commands: ${rows.join(' | ')}`);
      assertJapanese('the command palette', ours.join('\n'), []);
    } finally {
      await answerWorkbench('.quick-input-widget input', { press: 'Escape' });
    }
    // The palette shows only its first rows: each expected title is looked up by its own words.
    for (const title of ['LINE Login: ログイン…', 'LINE Login: チャネルを追加…']) {
      await vscode.commands.executeCommand('workbench.action.quickOpen', `>${title.replace('…', '')}`);
      try {
        await delay(300);
        const found = await readText('.quick-input-widget .monaco-list-row .quick-input-list-row:first-child');
        assertJapanese('the command palette', found.join('\n'), [title]);
      } finally {
        await answerWorkbench('.quick-input-widget input', { press: 'Escape' });
      }
    }
  });

  it('adds a channel; the tree row and its hover are Japanese', async () => {
    const callbackUrl = `http://localhost:${await freePort()}/callback`;
    emulator.addChannel({ ...CHANNEL, callbackUrls: [callbackUrl] });
    await vscode.commands.executeCommand('lineLogin.addChannel', { ...CHANNEL, callbackUrl });
    await eventually(async () => (await children()).length === 1, 'the channel appears in the tree');
    const rows = (await readText(`${SIDEBAR} .monaco-list-row`)).join('\n');
    assertJapanese('the channel row', rows, [CHANNEL.name]);
  });

  it('signs in: quick pick, consent page, result page and notification are Japanese', async () => {
    const [channelNode] = await children();
    const signIn = Promise.resolve(
      vscode.commands.executeCommand<{ userId: string } | undefined>('lineLogin.signIn', channelNode),
    );
    const pick = (await readText('.quick-input-widget')).join('\n');
    assertJapanese('the sign-in quick pick', pick, [`${CHANNEL.name} にログイン`, 'でログイン']);
    await answerWorkbench('.quick-input-widget .monaco-list-row', { press: 'Enter' });

    // The browser asks for Japanese (Accept-Language); LINE's consent screen answers in it.
    const consent = (await readText('main', { urlIncludes: 'line-emulator.localhost' })).join('\n');
    assert.match(consent, /許可する/);
    assert.doesNotMatch(consent, /\b(Allow|Cancel|Log in as|Channel ID|Returns to|emulator)\b/);
    await clickInTab('line-emulator.localhost', '#allow');

    const result = (await readText('main', { urlIncludes: '/line-login-devtools/result' })).join('\n');
    assertJapanese('the result page', result, ['LINE Login DevTools にログインしました。', 'VS Code に戻って']);
    const summary = await signIn;
    assert.equal(summary?.userId, USER.userId);
    // The sign-in's result does not wait for the account to be revealed in the tree; the next test
    // reveals nodes itself, so let this reveal finish first.
    await eventually(
      () => hooks.treeView.selection.some((node) => (node as vscode.TreeItem).id?.startsWith('account/') === true),
      'the sign-in revealed the account in the tree',
    );

    const toast = (await readText('.notifications-toasts .notification-list-item-message')).join('\n');
    assertJapanese('the notification', toast, [`${USER.displayName} として ${CHANNEL.name} にログインしました。`]);
    await vscode.commands.executeCommand('notifications.clearAll');
    await closeTabs();
  });

  it('token rows show Japanese relative times, their hovers Japanese dates', async () => {
    const account = await hooks.explorer.findAccountNode({ channelId: CHANNEL.channelId, userId: USER.userId });
    assert.ok(account);
    await hooks.treeView.reveal(account, { select: true, expand: 2 });
    await delay(300);
    const rows = (await readText(`${SIDEBAR} .monaco-list-row`)).join('\n');
    // iat is a moment ago: "N秒前", never "0秒後".
    assertJapanese('the token rows', rows, [
      'アクセストークン',
      USER.displayName,
      /残り \d+ ?日/,
      /iat\s*\d+\s*(秒|分|時間|日)前/,
    ]);
    const hover = (
      await readText('.monaco-hover, .workbench-hover', {
        hover: `${SIDEBAR} .monaco-list-row:has-text("アクセストークン")`,
      })
    ).join('\n');
    assertJapanese('the access token hover', hover, [JAPANESE_DATE_TIME, /\d+日後に期限切れ/]);
    const status = (await readText(`.part.statusbar .statusbar-item:has-text("${USER.displayName}")`)).join('\n');
    assertJapanese('the status bar', status, [/残り \d+ ?日/]);
  });

  it('every row of the token explorer, expanded, fits the default side bar in Japanese', async () => {
    const account = await hooks.explorer.findAccountNode({ channelId: CHANNEL.channelId, userId: USER.userId });
    assert.ok(account);
    await hooks.treeView.reveal(account, { select: true, expand: 3 });
    const nodes = await descendants<unknown>(account, children);
    await assertTreeRowsFit(
      'トークン',
      [
        CHANNEL.name,
        USER.displayName,
        'アクセストークン',
        'リフレッシュトークン',
        'ID トークン',
        'iss',
        'sub',
        'プロフィール',
        '表示名',
      ],
      nodes,
      (node) => hooks.treeView.reveal(node as never, { select: false, focus: false }),
    );
    const flows = hooks.inspector.view.getChildren();
    const firstFlow = flows[0];
    assert.ok(firstFlow, 'the sign-in was recorded');
    await hooks.inspector.treeView.reveal(firstFlow, { expand: 2 });
    const flowRows = await assertTreeRowsFit(
      'フロー',
      ['ログイン'],
      [...flows, ...(await descendants(firstFlow, (node) => Promise.resolve(hooks.inspector.view.getChildren(node))))],
      (node) => hooks.inspector.treeView.reveal(node, { select: false, focus: false }),
    );
    // The time of day in Japanese (17:06:17), not the machine's English (5:06:17 PM).
    assert.match(flowRows.join('\n'), /ログイン\s*\d{1,2}:\d{2}:\d{2}/);
    assert.doesNotMatch(flowRows.join('\n'), /\b[AP]M\b/);
  });

  it('the token details document is Japanese, with Japanese dates', async () => {
    const before = hooks.documents.lastShown;
    await vscode.commands.executeCommand('lineLogin.showTokenDetails', {
      channelId: CHANNEL.channelId,
      userId: USER.userId,
    });
    // The person reads it in the Markdown preview, where backslash escapes (\@, \_) show as the character.
    const rendered = (await shownDocument(hooks, 'the token details', before)).replace(/\\(.)/g, '$1');
    assertJapanese('the token details', rendered, ['アクセストークン', JAPANESE_DATE_TIME]);
  });

  it('takes the Japanese README screenshot', async () => {
    // Back to the top of the tree, which the row measurements scrolled.
    const [channelNode] = await children();
    assert.ok(channelNode);
    await hooks.treeView.reveal(channelNode, { select: false, focus: false });
    await vscode.commands.executeCommand('workbench.actions.treeView.lineLogin.flows.collapseAll');
    await vscode.commands.executeCommand('notifications.clearAll');
    // The mouse leaves the tree (the hover test left it on a row, whose inline actions would cover its text).
    await readText('.part.editor', { hover: '.part.statusbar' });
    await delay(1000);
    const target =
      process.env['UPDATE_SCREENSHOTS'] === '1'
        ? 'docs/token-explorer.ja.png'
        : '.vscode-test/screenshots/token-explorer.ja.png';
    const path = await takeScreenshot(target);
    assert.ok(path !== undefined && existsSync(path));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
