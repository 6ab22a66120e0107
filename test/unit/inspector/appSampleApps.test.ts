/**
 * Both sample apps log in over real HTTP against the emulator, whose onExchange feeds the
 * AppTrafficTracker: the good app earns no failure; each of the sloppy app's mistakes fails its
 * check, with its citation, in the flows and in the report card.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLineEmulator, type EmulatorChannel, type LineEmulator } from '../../../emulator/index';
import { AppTrafficTracker, reportCardMarkdown, type ReportCard } from '../../../src/core/inspector/app/index';
import type { Flow, Verdict } from '../../../src/core/inspector/model';
import { startSampleApps } from '../../fixtures/sampleApps/sampleApps';
import type { SampleApp } from '../../fixtures/sampleApps/sampleApp';
import { browse, CookieJar } from '../../support/browserless';
import { freePort } from '../../support/ports';

const DAY = 24 * 60 * 60 * 1000;
const USER = { userId: `U${'c3'.repeat(16)}`, displayName: 'Sample <b>User</b>' };

let at = Date.UTC(2026, 0, 1);
const now = (): number => at;

let channel: EmulatorChannel;
let emulator: LineEmulator;
let tracker: AppTrafficTracker;
let good: SampleApp;
let sloppy: SampleApp;
const emitted: Flow[] = [];

function verdictOf(card: ReportCard, checkId: string): Verdict | undefined {
  return card.lines.find((line) => line.checkId === checkId)?.verdict;
}

function cardOf(app: SampleApp): ReportCard {
  const session = tracker.sessions().find((candidate) => candidate.app === app.url);
  assert.ok(session, `no app session for ${app.url}`);
  const card = tracker.reportCard(session.id);
  assert.ok(card);
  return card;
}

describe('sample apps against the emulator, checked by the AppTrafficTracker', () => {
  before(async () => {
    const [goodPort, sloppyPort] = [await freePort(), await freePort()];
    channel = {
      channelId: '1690000301',
      channelSecret: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
      callbackUrls: [`http://127.0.0.1:${goodPort}/callback`, `http://127.0.0.1:${sloppyPort}/callback`],
    };
    tracker = new AppTrafficTracker({ now, channels: () => [channel] });
    tracker.onFlow((flow) => emitted.push(flow));
    emulator = await startLineEmulator({
      channels: [channel],
      users: [USER],
      autoApprove: true,
      now,
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
  });

  after(async () => {
    await good.close();
    await sloppy.close();
    await emulator.close();
  });

  test('the good app: login, refresh a day later, logout; no check fails', async () => {
    const jar = new CookieJar();
    const signedIn = await browse(good.loginUrl, jar);
    assert.equal(signedIn.status, 200, signedIn.body);
    assert.match(signedIn.body, /Signed in as Sample &lt;b&gt;User/);
    at += DAY;
    assert.equal((await browse(`${good.url}/refresh`, jar)).status, 200);
    assert.equal((await browse(`${good.url}/logout`, jar)).status, 200);

    const card = cardOf(good);
    const failing = card.lines.filter((line) => line.verdict === 'fail' || line.verdict === 'warn');
    assert.deepEqual(failing, [], reportCardMarkdown(card));
    for (const id of [
      'app.state.sent',
      'app.state.unguessable',
      'app.state.unique',
      'app.pkce',
      'app.nonce',
      'app.redirect_uri.registered',
      'app.redirect_uri.identical',
      'app.code.once',
      'app.code.timely',
      'app.client_auth',
      'app.bearer',
      'app.verify.client_id',
      'app.refresh.window',
      'app.logout.revoke',
    ]) {
      assert.equal(verdictOf(card, id), 'pass', id);
    }
    assert.equal(verdictOf(card, 'app.deauthorize'), 'n/a');
    const flows = tracker.flows(card.sessionId);
    assert.deepEqual(
      flows.map((flow) => flow.kind),
      ['signIn', 'refresh', 'revoke'],
    );
    const login = flows[0];
    assert.ok(login);
    assert.equal(login.source, 'app');
    assert.deepEqual(
      login.steps.map((step) => step.name),
      ['authorize', 'callback', 'token', 'verifyIdToken', 'profile'],
    );
    assert.equal(login.userId, USER.userId);
    assert.equal(flows[2]?.app?.loginFlowId, login.id);
  });

  test('the sloppy app, twice: each mistake fails its check, with its citation', async () => {
    for (let run = 0; run < 2; run += 1) {
      const signedIn = await browse(sloppy.loginUrl);
      assert.equal(signedIn.status, 200, signedIn.body);
    }
    const card = cardOf(sloppy);
    const expected: [string, Verdict, string, RegExp][] = [
      ['app.state.sent', 'fail', 'RFC 6749 §10.12', /no state/],
      ['app.state.unguessable', 'fail', 'RFC 6749 §10.10', /at most about \d+ bits/],
      ['app.state.unique', 'fail', 'LINE: Making an authorization request', /already used/],
      ['app.pkce', 'warn', 'RFC 9700 §2.1.1', /No PKCE/],
      ['app.nonce', 'fail', 'OIDC Core §15.5.2', /without a nonce/],
      ['app.redirect_uri.identical', 'fail', 'RFC 6749 §4.1.3', /differs from the authorize request/],
      ['app.code.once', 'fail', 'RFC 6749 §4.1.2', /already exchanged/],
      ['app.client_auth', 'fail', 'LINE Login v2.1 API reference: Issue access token', /HTTP Basic/],
      ['app.bearer', 'fail', 'RFC 6750 §5.3', /in the URL query/],
      ['app.logout.revoke', 'warn', 'LINE: Managing users (Logging out users)', /never revoked/],
      ['app.redirect_uri.registered', 'pass', 'LINE: Setting a callback URL', /registered on the channel/],
    ];
    for (const [id, verdict, citation, why] of expected) {
      const line = card.lines.find((candidate) => candidate.checkId === id);
      assert.ok(line, `${id} missing`);
      assert.equal(line.verdict, verdict, `${id}: ${line.explanation}`);
      assert.match(line.explanation, why, id);
      assert.equal(line.citation.label, citation, id);
      assert.ok(line.citation.url.startsWith('https://'), id);
      assert.ok(line.flowIds.length > 0, id);
    }
    assert.equal(card.verdict, 'fail');
    // Two logins, each a refused first authorize and a retried one.
    const logins = tracker.flows(card.sessionId).filter((flow) => flow.kind === 'signIn');
    assert.equal(logins.length, 4);
    const markdown = reportCardMarkdown(card);
    assert.match(markdown, /\| FAIL \| app\.client_auth \|/);
    assert.match(markdown, /\[RFC 6750 §5\.3\]\(https:\/\/www\.rfc-editor\.org\/rfc\/rfc6750#section-5\.3\)/);
  });

  test('what listeners received is masked: no token, code, state, nonce or secret in full', () => {
    assert.ok(emitted.length > 0);
    const secrets = [channel.channelSecret];
    for (const flow of emitted) {
      const text = JSON.stringify(flow);
      for (const secret of secrets) {
        assert.ok(!text.includes(secret));
      }
      assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, 'an ID token in full');
    }
  });
});
