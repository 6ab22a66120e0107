// The Inspector in a real VS Code (issue 11): each sign-in below runs through the extension against
// the emulator, then lineLogin.listFlows / lineLogin.diagnose, the flow document and the exports are
// read back. The last test searches all of it for every secret that crossed the wire.
import { activateForTests } from './activate';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import type { FlowSummary } from '../../src/core/inspector/model';
import type { TestHooks } from '../../src/extension';
import { answerWorkbench, closeTabs, harnessAvailable, takeScreenshot } from '../host/client';
import { freePort } from '../support/ports';
import { delay, eventually } from '../support/wait';
import { shownDocument } from './shownDocument';
import { assertTreeRowsFit, descendants } from './treeRowsFit';

const CHANNEL = {
  channelId: '1690000201',
  channelSecret: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  name: 'Inspector (emulator)',
};
const USER = { userId: `U${'e'.repeat(32)}`, displayName: 'Inspector User', email: 'inspector@example.com' };
const NOMAIL = { userId: `U${'f'.repeat(32)}`, displayName: 'No Mail User' };
const WRONG_SECRET = 'wrong1secret1value1';

interface Diagnosed {
  code: string;
  title: string;
  evidence: string[];
  fix: string;
  docUrl: string;
}

let hooks: TestHooks;
let emulator: LineEmulator;
let noMail: LineEmulator;
let callbackUrl: string;
/** Moves the emulator's clock (not this machine's): LINE's view of how old a token is. */
let emulatorOffsetMs = 0;
/** Everything the Inspector handed out, searched for secrets at the end. */
const outputs: string[] = [];

async function run<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  const result = await vscode.commands.executeCommand<T>(command, args);
  outputs.push(JSON.stringify(result ?? null));
  return result;
}

async function useEmulator(target: LineEmulator): Promise<void> {
  const config = vscode.workspace.getConfiguration('lineLogin');
  await config.update('authorizeBaseUrl', target.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
  await config.update('apiBaseUrl', target.apiBaseUrl, vscode.ConfigurationTarget.Global);
}

/** Runs a sign-in that should fail; returns the flow it left, read through the automation contract. */
async function failingSignIn(
  args: Record<string, unknown>,
  code: string,
): Promise<{ flow: FlowSummary; diagnosis: Diagnosed | undefined }> {
  const error: unknown = await Promise.resolve(
    vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId, ...args }),
  ).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof Error, 'the sign-in failed');
  const { code: errorCode, flowId } = error as Error & { code?: string; flowId?: string };
  assert.equal(errorCode, code);
  assert.ok(typeof flowId === 'string', 'the error names its flow');
  const flows = await run<FlowSummary[]>('lineLogin.listFlows');
  const flow = flows.find((candidate) => candidate.id === flowId);
  assert.ok(flow, 'listFlows has the failed flow');
  return { flow, diagnosis: await run<Diagnosed | undefined>('lineLogin.diagnose', { flowId }) };
}

describe('LINE Login Inspector in VS Code', function () {
  this.timeout(60_000);

  before(async function () {
    if (!harnessAvailable()) {
      this.skip();
    }
    hooks = await activateForTests();
    callbackUrl = `http://localhost:${await freePort()}/callback`;
    const channels = [{ ...CHANNEL, callbackUrls: [callbackUrl] }];
    emulator = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      channels,
      users: [USER],
      autoApprove: USER.userId,
      now: () => Date.now() + emulatorOffsetMs,
    });
    noMail = await startLineEmulator({
      browserHost: 'line-emulator.localhost',
      channels,
      users: [NOMAIL],
      autoApprove: NOMAIL.userId,
    });
    await useEmulator(emulator);
    await run('lineLogin.addChannel', { ...CHANNEL, callbackUrl, scopes: ['profile', 'openid', 'email'] });
  });

  after(async () => {
    if (!harnessAvailable()) {
      return;
    }
    await closeTabs().catch(() => undefined);
    await vscode.commands.executeCommand('lineLogin.removeChannel', { channelId: CHANNEL.channelId, confirmed: true });
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('authorizeBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('signInTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await emulator.close();
    await noMail.close();
  });

  it('a successful sign-in: the trace is complete and every check passes', async () => {
    await run('lineLogin.signIn', { channelId: CHANNEL.channelId });
    const [flow] = await run<FlowSummary[]>('lineLogin.listFlows');
    assert.ok(flow);
    assert.equal(flow.kind, 'signIn');
    assert.equal(flow.outcome, 'succeeded');
    assert.equal(flow.channelId, CHANNEL.channelId);
    assert.equal(flow.userId, USER.userId);
    assert.equal(flow.diagnosis, undefined);
    assert.deepEqual(
      flow.steps.map((step) => step.name),
      ['authorize', 'callback', 'token', 'profile'],
    );
    const notPassing = flow.steps.flatMap((step) => step.checks.filter((c) => c.verdict !== 'pass').map((c) => c.id));
    assert.deepEqual(notPassing, []);
    assert.ok(flow.steps.flatMap((step) => step.checks).length >= 20);
    const token = flow.steps.find((step) => step.name === 'token');
    assert.equal(token?.status, 200);
    const lineRequestId = token.lineRequestId;
    assert.match(lineRequestId ?? '', /^[0-9a-f]+$/);
    assert.equal(await run('lineLogin.diagnose', { flowId: flow.id }), undefined);

    // The flow document: timeline, failures first, every check with its citation.
    const shown = await run<{ uri: string }>('lineLogin.showFlow', { flowId: flow.id });
    const document = hooks.documents.content(vscode.Uri.parse(shown.uri)) ?? '';
    outputs.push(document);
    assert.match(document, /## Timeline/);
    assert.match(document, /\| pass \| idToken\.nonce \|/);
    assert.ok(document.includes('https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation'));
    assert.ok(document.includes(lineRequestId ?? '?'));
    const report = await run<{ text: string }>('lineLogin.copyFlowReport', { flowId: flow.id });
    assert.equal(report.text, document);
    const http = await run<{ text: string }>('lineLogin.exportFlowHttp', { flowId: flow.id });
    assert.match(http.text, /code=\{\{\$processEnv LINE_AUTHORIZATION_CODE\}\}/);
    assert.match(http.text, /Authorization: Bearer \{\{\$processEnv LINE_ACCESS_TOKEN\}\}/);
    const curl = await run<{ text: string }>('lineLogin.copyFlowCurl', { flowId: flow.id });
    assert.match(curl.text, /--data-urlencode "client_secret=\$LINE_CHANNEL_SECRET"/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Run Again With Changes: the same sign-in without email and with prompt=consent, compared side by side', async () => {
    const [original] = await run<FlowSummary[]>('lineLogin.listFlows');
    assert.ok(original?.kind === 'signIn');
    const result = await run<{ flowId: string; outcome: string; comparison: string }>('lineLogin.runFlowAgain', {
      flowId: original.id,
      changes: { scope: 'profile openid', prompt: 'consent' },
    });
    assert.equal(result.outcome, 'succeeded');
    assert.notEqual(result.flowId, original.id);
    const [newest] = await run<FlowSummary[]>('lineLogin.listFlows');
    assert.equal(newest?.id, result.flowId);
    const authorize = emulator.requests.filter((r) => r.endpoint === 'authorize' && r.method === 'GET').at(-1);
    assert.equal(authorize?.query['scope'], 'profile openid');
    assert.equal(authorize.query['prompt'], 'consent');
    assert.ok(result.comparison.includes('| ≠ | scope | profile openid email | profile openid |'), result.comparison);
    assert.ok(result.comparison.includes('| ≠ | prompt | — | consent |'));
    assert.ok(result.comparison.includes('| ≠ | email | in…\\@example.com | — |'));
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('lineLogin.runFlowAgain', {
          flowId: original.id,
          changes: { redirect_uri: 'http://evil.example/' },
        }),
      ),
      { code: 'ERR_INVALID_INPUT', message: /redirect_uri/ },
    );
  });

  it('a wrong channel secret: INVALID_CLIENT with the request ID', async () => {
    await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, channelSecret: WRONG_SECRET });
    try {
      const { flow, diagnosis } = await failingSignIn({}, 'ERR_LINE_INVALID_CLIENT');
      assert.equal(diagnosis?.code, 'INVALID_CLIENT');
      assert.deepEqual(flow.diagnosis, { code: 'INVALID_CLIENT', title: diagnosis.title });
      assert.ok(diagnosis.evidence.includes(`client_id sent: ${CHANNEL.channelId}`));
      assert.ok(diagnosis.evidence.some((line) => /^x-line-request-id: [0-9a-f]+$/.test(line)));
    } finally {
      await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, channelSecret: CHANNEL.channelSecret });
    }
  });

  it('the error notification offers "Show Diagnosis", which opens the flow document', async () => {
    await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, channelSecret: WRONG_SECRET });
    try {
      const channelNode = (await hooks.explorer.getChildren()).find(
        (node) => typeof node === 'object' && 'channelId' in node && node.channelId === CHANNEL.channelId,
      );
      assert.ok(channelNode);
      const signIn = Promise.resolve(vscode.commands.executeCommand('lineLogin.signIn', channelNode));
      await answerWorkbench('.quick-input-widget .monaco-list-row', { press: 'Enter' });
      assert.equal(await signIn, undefined, 'the attempt failed and told the person');
      const before = hooks.documents.lastShown;
      await answerWorkbench('.notifications-toasts .monaco-button:has-text("Show Diagnosis")', { click: true });
      const text = await shownDocument(hooks, 'the flow document', before);
      outputs.push(text);
      assert.match(text, /## Diagnosis: INVALID_CLIENT/);
    } finally {
      await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, channelSecret: CHANNEL.channelSecret });
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await closeTabs();
    }
  });

  it('denied consent: CONSENT_DENIED', async () => {
    emulator.setFault('authorize', { kind: 'denyConsent' }, 1);
    const { flow, diagnosis } = await failingSignIn({}, 'ERR_ACCESS_DENIED');
    assert.equal(flow.outcome, 'failed');
    assert.equal(diagnosis?.code, 'CONSENT_DENIED');
    assert.ok(diagnosis.evidence.includes('callback error=ACCESS_DENIED'));
  });

  it('a stale state: STATE_MISMATCH', async () => {
    // LINE's answer is held back while an old tab's redirect, with another attempt's state, arrives first.
    emulator.setFault('authorize', { kind: 'slow', delayMs: 15_000 }, 1);
    const signIn = Promise.resolve(
      vscode.commands.executeCommand('lineLogin.signIn', { channelId: CHANNEL.channelId }),
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    const stale = `${callbackUrl}?code=stale0code0value&state=${'5'.repeat(64)}`;
    await eventually(
      () =>
        fetch(stale).then(
          async (response) => {
            await response.text();
            return true;
          },
          () => false,
        ),
      'the loopback listener answers',
    );
    const error = (await signIn) as Error & { code?: string; flowId?: string };
    assert.equal(error.code, 'ERR_STATE_MISMATCH');
    const diagnosis = await run<Diagnosed | undefined>('lineLogin.diagnose', { flowId: error.flowId });
    assert.equal(diagnosis?.code, 'STATE_MISMATCH');
    await closeTabs();
  });

  it('email not granted: EMAIL_NOT_GRANTED names both causes', async () => {
    await useEmulator(noMail);
    try {
      await run('lineLogin.signIn', { channelId: CHANNEL.channelId });
      const [flow] = await run<FlowSummary[]>('lineLogin.listFlows');
      assert.ok(flow);
      assert.equal(flow.outcome, 'succeeded');
      assert.equal(flow.diagnosis?.code, 'EMAIL_NOT_GRANTED');
      const diagnosis = await run<Diagnosed | undefined>('lineLogin.diagnose', { flowId: flow.id });
      assert.match(diagnosis?.fix ?? '', /Email address permission/);
      assert.match(diagnosis?.fix ?? '', /no address/);
      assert.equal(
        diagnosis?.docUrl,
        'https://developers.line.biz/en/docs/line-login/integrate-line-login/#applying-for-email-permission',
      );
    } finally {
      await useEmulator(emulator);
    }
  });

  it("an unregistered callback URL: REDIRECT_URI_MISMATCH from LINE's 400 page", async function () {
    this.timeout(90_000);
    const config = vscode.workspace.getConfiguration('lineLogin');
    await config.update('signInTimeoutSeconds', 30, vscode.ConfigurationTarget.Global);
    const unregistered = `http://localhost:${await freePort()}/callback/`;
    await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, callbackUrl: unregistered });
    try {
      const { flow, diagnosis } = await failingSignIn({}, 'ERR_CALLBACK_TIMEOUT');
      assert.equal(flow.steps.find((step) => step.name === 'authorizeProbe')?.status, 400);
      assert.equal(diagnosis?.code, 'REDIRECT_URI_MISMATCH');
      assert.ok(diagnosis.evidence.includes(`redirect_uri sent: ${unregistered}`));
      assert.ok(diagnosis.evidence.some((line) => line.includes(unregistered.slice(0, -1))));
    } finally {
      await run('lineLogin.editChannel', { channelId: CHANNEL.channelId, callbackUrl });
      await config.update('signInTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      await closeTabs();
    }
  });

  it('the Flows view lists the flows newest first with their steps and checks (and the screenshots)', async () => {
    const flows = await run<FlowSummary[]>('lineLogin.listFlows');
    const roots = hooks.inspector.view.getChildren();
    assert.deepEqual(
      roots.map((node) => node.flowId),
      flows.map((flow) => flow.id),
    );
    const starts = flows.map((flow) => flow.startedAt);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => b - a),
    );
    const success = flows.find(
      (flow) => flow.kind === 'signIn' && flow.outcome === 'succeeded' && flow.diagnosis === undefined,
    );
    assert.ok(success);
    const root = roots.find((node) => node.flowId === success.id);
    assert.ok(root);
    const item = hooks.inspector.view.getTreeItem(root);
    assert.equal(item.label, 'Sign in');
    const steps = hooks.inspector.view.getChildren(root);
    assert.equal(steps.length, success.steps.length);
    const tokenStep = steps[2];
    assert.ok(tokenStep);
    assert.ok(hooks.inspector.view.getChildren(tokenStep).length >= 5);

    await vscode.commands.executeCommand('workbench.view.extension.lineLogin');
    await vscode.commands.executeCommand('lineLogin.flows.focus');
    const failed = roots.find(
      (node) => flows.find((flow) => flow.id === node.flowId)?.diagnosis?.code === 'INVALID_CLIENT',
    );
    assert.ok(failed);
    // The failing check of the failed flow, with its step and flow expanded around it.
    const failedToken = hooks.inspector.view
      .getChildren(failed)
      .find((node) => hooks.inspector.view.getTreeItem(node).label === 'token');
    assert.ok(failedToken);
    const failingCheck = hooks.inspector.view.getChildren(failedToken)[0];
    assert.ok(failingCheck);
    assert.equal(failingCheck.checkId, 'token.status', 'failures first');
    await hooks.inspector.treeView.reveal(failingCheck, { select: true, focus: false });
    if (harnessAvailable()) {
      // Every flow row, and the failed flow's steps and checks, fit the default side bar.
      const nodes = [
        ...roots,
        ...(await descendants(failed, (node) => Promise.resolve(hooks.inspector.view.getChildren(node)))),
      ];
      await assertTreeRowsFit('Flows', ['Sign in', 'token', 'token.status'], nodes, (node) =>
        hooks.inspector.treeView.reveal(node, { select: false, focus: false }),
      );
    }
    const before = hooks.documents.lastShown;
    await vscode.commands.executeCommand('lineLogin.showFlow', failed);
    assert.match(await shownDocument(hooks, 'the failed flow', before), /## Diagnosis: INVALID_CLIENT/);
    await vscode.commands.executeCommand('notifications.clearAll');
    await delay(800);
    const update = process.env['UPDATE_SCREENSHOTS'] === '1';
    const flowsShot = await takeScreenshot(
      update ? 'docs/inspector-flows.png' : '.vscode-test/screenshots/inspector-flows.png',
    );
    assert.ok(flowsShot !== undefined && existsSync(flowsShot));
    // The document on its own, as wide as the window (the side bar comes back after).
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await delay(500);
    const documentShot = await takeScreenshot(
      update ? 'docs/inspector-document.png' : '.vscode-test/screenshots/inspector-document.png',
    );
    await vscode.commands.executeCommand('workbench.view.extension.lineLogin');
    assert.ok(documentShot !== undefined && existsSync(documentShot));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a refresh 91 days after the sign-in: REFRESH_TOKEN_EXPIRED', async () => {
    emulatorOffsetMs = 91 * 24 * 60 * 60 * 1000;
    try {
      const error: unknown = await Promise.resolve(
        vscode.commands.executeCommand('lineLogin.refreshAccessToken', {
          channelId: CHANNEL.channelId,
          userId: USER.userId,
        }),
      ).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const { flowId } = error as { flowId?: string };
      assert.ok(typeof flowId === 'string', 'the failed refresh names its flow');
      const diagnosis = await run<Diagnosed | undefined>('lineLogin.diagnose', { flowId });
      assert.equal(diagnosis?.code, 'REFRESH_TOKEN_EXPIRED');
      assert.match(diagnosis.fix, /90 days/);
      const [flow] = await run<FlowSummary[]>('lineLogin.listFlows');
      assert.equal(flow?.kind, 'refresh');
      assert.equal(flow.steps[0]?.status, 400);
    } finally {
      emulatorOffsetMs = 0;
    }
  });

  it('keeps the last 20 summaries for the next session, newest first', async () => {
    for (let i = 0; i < 16; i += 1) {
      await run('lineLogin.verifyAccessToken', { channelId: CHANNEL.channelId, userId: USER.userId });
    }
    const flows = await run<FlowSummary[]>('lineLogin.listFlows');
    assert.ok(flows.length > 20);
    await eventually(
      () => hooks.inspector.history.persisted()[0]?.summary.id === flows[0]?.id,
      'the newest flow is persisted',
    );
    const persisted = hooks.inspector.history.persisted();
    assert.equal(persisted.length, 20);
    assert.deepEqual(
      persisted.map((entry) => entry.summary.id),
      flows.slice(0, 20).map((flow) => flow.id),
    );
    assert.equal(persisted[0]?.summary.kind, 'verifyAccessToken');
    outputs.push(JSON.stringify(persisted));
  });

  it('no trace, report, export or listFlows result holds a secret', async () => {
    const flows = await run<FlowSummary[]>('lineLogin.listFlows');
    for (const flow of flows) {
      for (const command of [
        'lineLogin.diagnose',
        'lineLogin.copyFlowReport',
        'lineLogin.exportFlowHttp',
        'lineLogin.copyFlowCurl',
      ]) {
        await run(command, { flowId: flow.id });
      }
    }
    outputs.push(JSON.stringify(hooks.services.recorder.flows()));
    const secrets = new Set<string>([CHANNEL.channelSecret, WRONG_SECRET]);
    for (const target of [emulator, noMail]) {
      for (const request of target.requests) {
        for (const name of [
          'code',
          'code_verifier',
          'state',
          'nonce',
          'refresh_token',
          'access_token',
          'id_token',
          'client_secret',
        ]) {
          const value = request.form[name] ?? request.query[name];
          if (value !== undefined && value.length >= 8) {
            secrets.add(value);
          }
        }
        const bearer = request.headers['authorization']?.replace(/^Bearer\s+/i, '');
        if (bearer !== undefined && bearer.length >= 8) {
          secrets.add(bearer);
        }
      }
    }
    const stored = await hooks.secrets.get('lineLogin.accounts.v1');
    for (const account of stored === undefined
      ? []
      : (JSON.parse(stored) as { accounts: Record<string, unknown>[] }).accounts) {
      for (const field of ['accessToken', 'refreshToken', 'idToken']) {
        const value = account[field];
        if (typeof value === 'string') {
          secrets.add(value);
        }
      }
    }
    assert.ok(secrets.size >= 10, `secrets collected: ${secrets.size}`);
    const everything = outputs.join('\n');
    for (const secret of secrets) {
      assert.ok(
        !everything.includes(secret.slice(0, 8)),
        `an Inspector output holds a secret (${secret.length} characters)`,
      );
    }
  });
});
