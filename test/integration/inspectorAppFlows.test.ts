// Your app's traffic in the Flows view (issue 12, item 3): both sample apps log in against an
// emulator whose exchanges the AppTrafficTracker turns into flows, handed to the extension through
// inspector.recordAppFlow (starting Local LINE from a command is another test). The view shows
// each app session with its flows marked "your app"; lineLogin.showAppReportCard opens its card.
// Runs after inspector.test.ts (files run sorted), whose view assertions expect no app flows.
import { activateForTests } from './activate';
import { shownDocument } from './shownDocument';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { AppTrafficTracker, type ReportCard } from '../../src/core/inspector/app/index';
import type { FlowSummary } from '../../src/core/inspector/model';
import type { TestHooks } from '../../src/extension';
import type { FlowTreeNode } from '../../src/vscode/inspector/flowsView';
import { startSampleApps } from '../fixtures/sampleApps/sampleApps';
import type { SampleApp } from '../fixtures/sampleApps/sampleApp';
import { harnessAvailable, closeTabs } from '../host/client';
import { browse, CookieJar } from '../support/browserless';
import { freePort } from '../support/ports';

const USER = { userId: `U${'d4'.repeat(16)}`, displayName: 'App <i>User</i>' };

let hooks: TestHooks;
let emulator: LineEmulator;
let good: SampleApp;
let sloppy: SampleApp;
let channelSecret = '';

describe('your app in the Flows view: app sessions, "your app" flows and report cards', function () {
  this.timeout(60_000);

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    hooks = await activateForTests();
    const [goodPort, sloppyPort] = [await freePort(), await freePort()];
    const channel = {
      channelId: '1690000401',
      channelSecret: '5e4d3c2b1a0f9e8d7c6b5a4938271605',
      callbackUrls: [`http://127.0.0.1:${goodPort}/callback`, `http://127.0.0.1:${sloppyPort}/callback`],
    };
    channelSecret = channel.channelSecret;
    const tracker = new AppTrafficTracker({ now: Date.now, channels: () => [channel] });
    tracker.onFlow((flow) => {
      hooks.inspector.recordAppFlow(flow);
    });
    emulator = await startLineEmulator({
      channels: [channel],
      users: [USER],
      autoApprove: true,
      onExchange: tracker.observe,
    });
    ({ good, sloppy } = await startSampleApps(
      {
        channelId: channel.channelId,
        channelSecret: channel.channelSecret,
        authorizeBaseUrl: emulator.authorizeBaseUrl,
        apiBaseUrl: emulator.apiBaseUrl,
      },
      { good: goodPort, sloppy: sloppyPort },
    ));
    const jar = new CookieJar();
    assert.equal((await browse(good.loginUrl, jar)).status, 200);
    assert.equal((await browse(`${good.url}/logout`, jar)).status, 200);
    assert.equal((await browse(sloppy.loginUrl)).status, 200);
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    await closeTabs().catch(() => undefined);
    await good.close();
    await sloppy.close();
    await emulator.close();
  });

  function sessionNode(app: SampleApp): FlowTreeNode {
    const node = hooks.inspector.view
      .getChildren()
      .find((candidate) => hooks.inspector.view.getTreeItem(candidate).label === `Your app: ${app.url}`);
    assert.ok(node, `no session node for ${app.url}`);
    assert.equal(node.type, 'appSession');
    return node;
  }

  it('each app is a session node holding its flows, marked "your app"', () => {
    const node = sessionNode(sloppy);
    const item = hooks.inspector.view.getTreeItem(node);
    assert.equal(item.contextValue, 'lineLoginAppSession');
    assert.equal(item.command?.command, 'lineLogin.showAppReportCard');
    const flows = hooks.inspector.view.getChildren(node);
    assert.ok(flows.length >= 2, 'the refused login and the retried one');
    for (const flowNode of flows) {
      const flowItem = hooks.inspector.view.getTreeItem(flowNode);
      // The time and duration give way first when the row is full (they are in the tooltip).
      assert.match(String(flowItem.description), /^your app( · |$)/);
      assert.equal(hooks.inspector.view.getParent(flowNode)?.sessionId, node.sessionId);
    }
    sessionNode(good);
  });

  it('lineLogin.listFlows lists app flows with source "app" and their session', async () => {
    const flows = await vscode.commands.executeCommand<FlowSummary[]>('lineLogin.listFlows');
    const appFlows = flows.filter((flow) => flow.source === 'app');
    assert.ok(appFlows.length >= 4);
    assert.ok(appFlows.every((flow) => flow.app?.channelId === '1690000401'));
    assert.ok(!JSON.stringify(flows).includes(channelSecret));
  });

  it('the report card: the sloppy app fails its checks with citations, the good app has no failure', async () => {
    const before = hooks.documents.lastShown;
    const sloppyResult = await vscode.commands.executeCommand<{ uri: string; card: ReportCard }>(
      'lineLogin.showAppReportCard',
      { sessionId: sessionNode(sloppy).sessionId },
    );
    const failing = sloppyResult.card.lines.filter((line) => line.verdict === 'fail').map((line) => line.checkId);
    for (const id of [
      'app.state.sent',
      'app.nonce',
      'app.redirect_uri.identical',
      'app.code.once',
      'app.client_auth',
      'app.bearer',
    ]) {
      assert.ok(failing.includes(id), `${id} should fail: ${failing.join(', ')}`);
    }
    const text = await shownDocument(hooks, "the sloppy app's report card", before);
    assert.equal(hooks.documents.lastShown?.toString(), sloppyResult.uri);
    assert.match(
      text,
      /\| FAIL \| app\.client_auth \|.*\[LINE Login v2\.1 API reference: Issue access token\]\(https:/,
    );

    // From the view: the node a menu passes.
    const goodResult = await vscode.commands.executeCommand<{ card: ReportCard }>(
      'lineLogin.showAppReportCard',
      sessionNode(good),
    );
    assert.deepEqual(
      goodResult.card.lines.filter((line) => line.verdict === 'fail' || line.verdict === 'warn').map((l) => l.checkId),
      [],
    );
    assert.equal(goodResult.card.lines.find((line) => line.checkId === 'app.logout.revoke')?.verdict, 'pass');
  });

  it('an unknown session is a clear input error; an app flow is not run again by the extension', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('lineLogin.showAppReportCard', { sessionId: 'nope' })),
      { code: 'ERR_INVALID_INPUT', message: /No app session has this ID/ },
    );
    const [appFlow] = (await vscode.commands.executeCommand<FlowSummary[]>('lineLogin.listFlows')).filter(
      (flow) => flow.source === 'app' && flow.kind === 'signIn',
    );
    assert.ok(appFlow);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('lineLogin.runFlowAgain', { flowId: appFlow.id })),
      { code: 'ERR_INVALID_INPUT', message: /made by your app/ },
    );
  });
});
