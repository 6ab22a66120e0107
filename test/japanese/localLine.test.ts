// Local LINE as a Japanese developer sees it: the running view, the Flows view with the sessions of
// the sample apps (test/fixtures/sampleApps) logging in through the harness's Chromium, and an app's
// report card; the README's Japanese pictures of them (docs/local-line.ja.png,
// docs/local-line-report-card.ja.png) are taken here, as test/integration/localLine.test.ts takes
// the English ones.
import { openAppBrowser } from '../integration/appBrowser';
import { extensionUnderTest } from '../integration/activate';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/extension';
import type { AppSessionEntry } from '../../src/vscode/inspector/flowHistory';
import { startSampleApps } from '../fixtures/sampleApps/sampleApps';
import type { SampleApp } from '../fixtures/sampleApps/sampleApp';
import { answerWorkbench, closeTabs, harnessAvailable, readText, takeScreenshot } from '../host/client';
import { shownDocument } from '../integration/shownDocument';
import { freePort } from '../support/ports';
import { delay, eventually } from '../support/wait';
import { assertJapaneseIn, loadCatalog, type Catalog } from './untranslated';

const BROWSER_HOST = 'line-emulator.localhost';
const SHOP = { channelId: '1690000078', channelSecret: '1a2b3c4d5e6f70819203a4b5c6d7e8f9', name: 'ローカルショップ' };
const BUYER = { userId: `U${'c8'.repeat(16)}`, displayName: '鈴木 花子', email: 'hanako@example.com' };
/** The Local LINE view's pane in the side bar (its name is "Local LINE" in every language). */
const LOCAL_LINE_ROWS = '.part.sidebar .pane:has(> .pane-header h3.title:text-is("Local LINE")) .monaco-list-row';
const FLOWS_ROWS = '.part.sidebar .pane:has(> .pane-header h3.title:text-is("フロー")) .monaco-list-row';

let hooks: TestHooks;
let catalog: Catalog;
let port: number;
const ports = { good: 0, sloppy: 0 };

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('lineLogin').update(key, value, vscode.ConfigurationTarget.Global);
}

/** `npm run screenshots` refreshes the README's pictures; ordinary runs only prove they can be taken. */
function shot(name: string): string {
  return process.env['UPDATE_SCREENSHOTS'] === '1' ? `docs/${name}.ja.png` : `.vscode-test/screenshots/${name}.ja.png`;
}

describe('日本語: Local LINE, your app and its report card', function () {
  this.timeout(90_000);

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    const extension = extensionUnderTest();
    hooks = await extension.activate();
    catalog = loadCatalog(extension.extensionPath);
    port = await freePort();
    ports.good = await freePort();
    ports.sloppy = await freePort();
    await setSetting('localLine.port', port);
    await setSetting('localLine.browserHost', BROWSER_HOST);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace has a folder');
    const config = {
      channels: [
        {
          ...SHOP,
          kind: 'web',
          callbackUrls: [`http://127.0.0.1:${ports.good}/callback`, `http://127.0.0.1:${ports.sloppy}/callback`],
        },
      ],
      users: [BUYER],
      consent: { mode: 'autoApprove' },
    };
    await vscode.workspace.fs.writeFile(
      vscode.Uri.joinPath(folder.uri, '.vscode', 'line-emulator.json'),
      new TextEncoder().encode(JSON.stringify(config, null, 2)),
    );
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    await closeTabs().catch(() => undefined);
    await vscode.commands.executeCommand('lineLogin.stopLocalLine', {});
    for (const key of ['localLine.port', 'localLine.browserHost']) {
      await setSetting(key, undefined);
    }
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('the running Local LINE view shows Japanese labels', async () => {
    await vscode.commands.executeCommand('lineLogin.startLocalLine', {});
    await vscode.commands.executeCommand('lineLogin.localLine.focus');
    let rows = '';
    await eventually(async () => {
      rows = (await readText(LOCAL_LINE_ROWS)).join('\n');
      return rows.includes(SHOP.name);
    }, 'the Local LINE view lists the channel');
    // The channel's rows (settings for your app, callback URLs) show when it is expanded.
    await answerWorkbench(`${LOCAL_LINE_ROWS}:has-text("${SHOP.name}")`, { click: true });
    await eventually(async () => {
      rows = (await readText(LOCAL_LINE_ROWS)).join('\n');
      return rows.includes('コールバック URL');
    }, 'the channel of Local LINE expands');
    assertJapaneseIn(catalog, 'the Local LINE view', rows, [
      '認可のベース URL',
      'API のベース URL',
      'ディスカバリー URL',
      'チャネル (1)',
      SHOP.name,
      'アプリ用の設定',
      'コールバック URL',
      'ユーザー (1)',
      BUYER.displayName,
    ]);
  });

  it('the sample apps log in through Chromium; the Flows view names them in Japanese; the README pictures', async () => {
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
    try {
      await browse(good.loginUrl);
      await eventually(() => session(good) !== undefined, 'the good app logged in', 30_000);
      await browse(`${good.url}/logout`);
      await browse(sloppy.loginUrl);
      await eventually(
        () => (session(sloppy)?.flows.length ?? 0) > 0,
        'the sloppy app logged in and called the profile API',
        30_000,
      );
      await closeTabs();
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      // The token explorer (signed in by japanese.test.ts) folds to its channel: the picture is of Local LINE.
      await vscode.commands.executeCommand('workbench.actions.treeView.lineLogin.tokens.collapseAll');
      await vscode.commands.executeCommand('lineLogin.flows.focus');
      await vscode.commands.executeCommand('lineLogin.localLine.focus');
      // The mouse leaves the trees: a hovered row shows inline actions over its text.
      await readText('.part.editor', { hover: '.part.statusbar' });
      let flowRows = '';
      await eventually(async () => {
        flowRows = (await readText(FLOWS_ROWS)).join('\n');
        return flowRows.includes(sloppy.url);
      }, 'the Flows view shows the apps');
      assertJapaneseIn(catalog, 'the Flows view', flowRows, [`アプリ: ${good.url}`, `アプリ: ${sloppy.url}`]);
      assertJapaneseIn(catalog, 'the Local LINE view', (await readText(LOCAL_LINE_ROWS)).join('\n'), [SHOP.name]);
      await delay(500);
      const view = await takeScreenshot(shot('local-line'));
      assert.ok(view !== undefined && existsSync(view));

      const entry = session(sloppy);
      assert.ok(entry);
      const before = hooks.documents.lastShown;
      await vscode.commands.executeCommand('lineLogin.showAppReportCard', { sessionId: entry.sessionId });
      const markdown = await shownDocument(hooks, 'the report card', before);
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '';
      assertJapaneseIn(catalog, 'the report card tab', tab, [/レポートカード/]);
      // Its headings: the title, the summary and the table's header row (the checks' explanations
      // below them are LINE's contract, written in English).
      const lines = markdown.split('\n');
      const headings = lines.slice(0, lines.findIndex((line) => line.startsWith('|')) + 1).join('\n');
      assertJapaneseIn(catalog, "the report card's headings", headings, [
        `# LINE ログインのレポートカード: `,
        '- チャネル ID: ',
        '- アプリのセッション: ',
        '- フロー: ',
        '- 総合判定: FAIL',
        /^\| 判定 \| チェック \| 回数 \| 理由 \| 根拠 \| フロー \|$/m,
      ]);
      // The preview's webview takes a moment to render its table.
      await delay(3000);
      const card = await takeScreenshot(shot('local-line-report-card'));
      assert.ok(card !== undefined && existsSync(card));
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    } finally {
      await good.close();
      await sloppy.close();
      await closeBrowser();
    }
  });
});
