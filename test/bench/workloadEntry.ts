// Extension-host entry (`extensionTestsPath`) of the workload session: sign-in overhead against the
// in-process LINE emulator (auto-approve; openExternal opens a Chromium tab that follows the
// redirects by itself), a bare node:http loopback round trip as its baseline, and the token tree at
// 50 channels × 20 accounts. Writes one WorkloadResult; nothing it writes holds a token or secret.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import * as vscode from 'vscode';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import type { SignInStage } from '../../src/core/loginFlow';
import { listedAccount, serializeListing } from '../../src/core/accountListing';
import type { TokenSet } from '../../src/core/types';
import type { TestHooks } from '../../src/extension';
import type { SignInStageEvent } from '../../src/vscode/services';
import type { TokenExplorerNode } from '../../src/vscode/tree/nodes';
import { freePort } from '../support/ports';
import {
  CPU_PROFILE_DIR_ENV,
  gcFunction,
  memorySnapshot,
  OUR_EXTENSION_ID,
  REPEATS_ENV,
  writeResult,
  type MemorySnapshot,
  type RequestTiming,
  type ScaleSample,
  type SignInSample,
  type TreeSample,
  type WorkloadResult,
} from './benchProtocol';
import { delay, eventually as eventuallyWithin } from '../support/wait';
import { flowsFirstPaintMs as timeFlowsFirstPaint, measureScaleOnce, recordFlows } from './scaleMeasures';

const SECRETS_KEY = 'lineLogin.accounts.v1';
const LISTING_KEY = 'lineLogin.accounts.v1.listing';
/** A key of no meaning to the extension, for timing SecretStorage writes. */
const PROBE_KEY = 'lineLogin.bench.probe';
const CHANNEL = { channelId: '1690000001', channelSecret: randomBytes(16).toString('hex'), name: 'Bench (emulator)' };
const USER = {
  userId: `U${'b'.repeat(32)}`,
  displayName: 'Bench User',
  pictureUrl: 'https://profile.line-scdn.net/bench',
  statusMessage: 'bench',
  email: 'bench@example.com',
};
const TREE_CHANNELS = 50;
/** Flows recorded before the Flows view's first paint is timed (the recorder keeps 50). */
const FLOWS = 50;
const ACCOUNTS_PER_CHANNEL = 20;
/** Sign-ins run (and thrown away) before the measured ones: first calls load code and fill caches. */
const WARM_UP = 2;

function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return eventuallyWithin(check, what, timeoutMs, 25);
}

function listen(server: Server | ReturnType<typeof createNetServer>, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolveListen(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

function closeServer(server: Server | ReturnType<typeof createNetServer>): Promise<void> {
  return new Promise((resolveClose) =>
    server.close(() => {
      resolveClose();
    }),
  );
}

/** The callback port is free again once the previous sign-in's listener closed (after its result page). */
async function waitForPortFree(port: number): Promise<void> {
  await eventually(
    async () => {
      const probe = createNetServer();
      try {
        await listen(probe, port);
        await closeServer(probe);
        return true;
      } catch {
        return false;
      }
    },
    `port ${port} to be free`,
    15_000,
  );
}

/** Baseline of the loopback leg: listen on 127.0.0.1, one request and its answer, close. */
async function bareLoopbackRoundTrip(): Promise<number> {
  const started = performance.now();
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    response.end('ok');
  });
  const port = await listen(server, 0);
  const response = await fetch(`http://127.0.0.1:${port}/callback?code=c&state=s`);
  await response.text();
  server.closeAllConnections();
  await closeServer(server);
  return performance.now() - started;
}

function stageAt(stages: readonly SignInStageEvent[], stage: SignInStage): number {
  const event = stages.find((candidate) => candidate.stage === stage);
  if (event === undefined) {
    throw new Error(
      `The sign-in reported no "${stage}" stage (stages seen: ${stages.map((s) => s.stage).join(', ') || 'none'})`,
    );
  }
  return event.at;
}

interface Recorders {
  readonly stages: SignInStageEvent[];
  readonly requests: (RequestTiming & { at: number })[];
  /** Time spent inside treeView.reveal during the current sign-in. */
  revealMs: number;
  /** Reveals started during the current sign-in: the command need not wait for them, the sample does. */
  readonly reveals: Promise<void>[];
}

async function signInOnce(recorders: Recorders): Promise<SignInSample> {
  const { stages, requests } = recorders;
  stages.length = 0;
  requests.length = 0;
  recorders.revealMs = 0;
  recorders.reveals.length = 0;
  const started = performance.now();
  const summary = await vscode.commands.executeCommand<{ userId?: string } | undefined>('lineLogin.signIn', {
    channelId: CHANNEL.channelId,
  });
  const done = performance.now();
  // The reveal is started after the result (the command does not wait for it); the sample does, so
  // the next figures are not taken while the view is being opened.
  await eventually(() => recorders.reveals.length > 0, 'the new account to be revealed', 5_000);
  await Promise.all(recorders.reveals);
  if (summary?.userId !== USER.userId) {
    throw new Error('The sign-in did not return the emulator user');
  }
  const listening = stageAt(stages, 'listening');
  const browserOpened = stageAt(stages, 'browserOpened');
  const callbackReceived = stageAt(stages, 'callbackReceived');
  const storing = stageAt(stages, 'storing');
  const stored = stageAt(stages, 'stored');
  // Requests that ended after the callback: the token exchange and the profile (HS256: no JWKS fetch).
  const emulatorRequests = requests.filter((request) => request.at >= callbackReceived);
  const emulatorRequestsMs = emulatorRequests.reduce((sum, request) => sum + request.durationMs, 0);
  return {
    toListeningMs: listening - started,
    toBrowserOpenedMs: browserOpened - started,
    callbackToDoneMs: done - callbackReceived,
    callbackToStoredMs: stored - callbackReceived,
    callbackToStoredNetMs: stored - callbackReceived - emulatorRequestsMs,
    storeWriteMs: stored - storing,
    storedToDoneMs: done - stored,
    revealMs: recorders.revealMs,
    emulatorRequestsMs,
    callbackToDoneNetMs: done - callbackReceived - emulatorRequestsMs,
    requests: emulatorRequests.map(({ method, path, durationMs }) => ({ method, path, durationMs })),
  };
}

/** VS Code's SecretStorage round trips, which every sign-in's read-modify-write of the accounts pays. */
async function secretRoundTrips(hooks: TestHooks): Promise<{ getMs: number; storeMs: number }> {
  const getStarted = performance.now();
  await hooks.secrets.get(SECRETS_KEY);
  const getMs = performance.now() - getStarted;
  const storeStarted = performance.now();
  await hooks.secrets.store(PROBE_KEY, hex(1000));
  return { getMs, storeMs: performance.now() - storeStarted };
}

type SignInMeasurements = Pick<WorkloadResult, 'signIn' | 'bareLoopbackMs' | 'secretGetMs' | 'secretStoreMs'>;

async function measureSignIn(hooks: TestHooks, emulator: LineEmulator, repeats: number): Promise<SignInMeasurements> {
  const callbackPort = await freePort();
  const callbackUrl = `http://localhost:${callbackPort}/callback`;
  emulator.addChannel({ ...CHANNEL, callbackUrls: [callbackUrl] });
  await vscode.commands.executeCommand('lineLogin.addChannel', {
    ...CHANNEL,
    callbackUrl,
    scopes: ['profile', 'openid', 'email'],
  });
  await eventually(async () => (await hooks.explorer.getChildren()).length === 1, 'the channel to appear in the tree');

  const recorders: Recorders = { stages: [], requests: [], revealMs: 0, reveals: [] };
  const stageSubscription = hooks.services.onSignInStage((event) => recorders.stages.push(event));
  // The client's onRequest entries reach the log through Logger.request; keep their timings too.
  const logger = hooks.services.logger;
  const logRequest = logger.request.bind(logger);
  logger.request = (entry): void => {
    recorders.requests.push({
      method: entry.method,
      path: entry.path,
      durationMs: entry.durationMs,
      at: performance.now(),
    });
    logRequest(entry);
  };
  // The account is revealed in the tree at the end of a sign-in; time that call on its own.
  const treeView = hooks.treeView;
  const reveal = treeView.reveal.bind(treeView);
  treeView.reveal = (element, options): Promise<void> => {
    const revealStarted = performance.now();
    const revealed = Promise.resolve(reveal(element, options)).finally(() => {
      recorders.revealMs += performance.now() - revealStarted;
    });
    recorders.reveals.push(revealed.catch(() => undefined));
    return revealed;
  };

  const signIn: SignInSample[] = [];
  const bareLoopbackMs: number[] = [];
  const secretGetMs: number[] = [];
  const secretStoreMs: number[] = [];
  try {
    for (let index = 0; index < WARM_UP + repeats; index++) {
      await waitForPortFree(callbackPort);
      await delay(100);
      // The last one is profiled when profiles are asked for (diagnostics of the sign-in path).
      const sample =
        index === WARM_UP + repeats - 1
          ? await profiled('sign-in', () => signInOnce(recorders))
          : await signInOnce(recorders);
      const baseline = await bareLoopbackRoundTrip();
      const secrets = await secretRoundTrips(hooks);
      if (index >= WARM_UP) {
        signIn.push(sample);
        bareLoopbackMs.push(baseline);
        secretGetMs.push(secrets.getMs);
        secretStoreMs.push(secrets.storeMs);
      }
    }
  } finally {
    stageSubscription.dispose();
    logger.request = logRequest;
    treeView.reveal = reveal;
    await hooks.secrets.delete(PROBE_KEY);
  }
  return { signIn, bareLoopbackMs, secretGetMs, secretStoreMs };
}

/** Every node's children and tree item, depth first, as the view would ask for them if all were expanded. */
async function walkTree(hooks: TestHooks): Promise<number> {
  let count = 0;
  const visit = async (node: TokenExplorerNode | undefined): Promise<void> => {
    const children = await hooks.explorer.getChildren(node);
    for (const child of children) {
      hooks.explorer.getTreeItem(child);
      count += 1;
      await visit(child);
    }
  };
  await visit(undefined);
  return count;
}

/**
 * Diagnostics only ($BENCH_CPU_PROFILE_DIR set): a V8 CPU profile of `work`, written as
 * `<dir>/<name>.cpuprofile` (open it in Chrome DevTools or VS Code). Off in normal runs: profiling
 * slows what it observes.
 */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env[CPU_PROFILE_DIR_ENV];
  if (dir === undefined || dir === '') {
    return work();
  }
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolvePost, reject) => {
      session.post(method, params, (error, result) => {
        if (error) {
          reject(error);
        } else {
          resolvePost(result);
        }
      });
    });
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  try {
    return await work();
  } finally {
    const stopped = await post('Profiler.stop');
    const profile =
      typeof stopped === 'object' && stopped !== null && 'profile' in stopped ? stopped.profile : undefined;
    await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** 50 channels in the settings, 20 well-formed (fake) token sets each with an HS256 ID token, in SecretStorage. */
async function writeLargeStore(hooks: TestHooks, issuer: string): Promise<number> {
  const now = Date.now();
  const channels = Array.from({ length: TREE_CHANNELS }, (_, index) => ({
    channelId: String(1_700_000_000 + index),
    name: `Bench channel ${index + 1}`,
    callbackUrl: `http://localhost:${34_000 + index}/callback`,
    scopes: ['profile', 'openid', 'email'],
  }));
  const accounts: TokenSet[] = [];
  for (const channel of channels) {
    const secret = new TextEncoder().encode(hex(16));
    for (let index = 0; index < ACCOUNTS_PER_CHANNEL; index++) {
      const userId = `U${hex(16)}`;
      const nonce = hex(16);
      const iat = Math.floor(now / 1000) - index * 60;
      const claims = {
        iss: issuer,
        sub: userId,
        aud: channel.channelId,
        exp: iat + 3600,
        iat,
        auth_time: iat,
        nonce,
        amr: ['pwd'],
        name: `User ${index + 1}`,
        picture: 'https://profile.line-scdn.net/bench',
        email: `user${index + 1}@example.com`,
      };
      const idToken = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);
      const issuedAt = now - index * 3_600_000;
      accounts.push({
        channelId: channel.channelId,
        userId,
        accessToken: `eyJ${hex(90)}`,
        tokenType: 'Bearer',
        scopes: ['profile', 'openid', 'email'],
        accessTokenIssuedAt: issuedAt,
        // A mix of valid, expiring and expired tokens, as a real store has.
        accessTokenExpiresAt: issuedAt + (index % 3 === 0 ? 30 * 86_400_000 : index % 3 === 1 ? 3_600_000 : -60_000),
        refreshToken: hex(20),
        refreshTokenExpiresAt: issuedAt + 90 * 86_400_000,
        originalIssuedAt: issuedAt,
        idToken,
        idTokenClaims: claims,
        nonce,
        profile: {
          userId,
          displayName: `User ${index + 1}`,
          pictureUrl: 'https://profile.line-scdn.net/bench',
          statusMessage: 'hello',
        },
      });
    }
  }
  await vscode.workspace.getConfiguration('lineLogin').update('channels', channels, vscode.ConfigurationTarget.Global);
  // As SecretTokenStore writes them: the document, then its listing with the same generation.
  const json = JSON.stringify({ version: 1, generation: 1, accounts });
  await hooks.secrets.store(SECRETS_KEY, json);
  await hooks.secrets.store(LISTING_KEY, serializeListing({ generation: 1, accounts: accounts.map(listedAccount) }));
  await eventually(
    async () => {
      const roots = await hooks.explorer.getChildren();
      return (
        roots.length === TREE_CHANNELS &&
        roots.reduce((sum, root) => sum + root.children.length, 0) === TREE_CHANNELS * ACCOUNTS_PER_CHANNEL
      );
    },
    'the tree to show 50 channels × 20 accounts',
    60_000,
  );
  return Buffer.byteLength(json);
}

async function measureTree(
  hooks: TestHooks,
  issuer: string,
  repeats: number,
  gc: (() => void) | undefined,
): Promise<{
  tree: TreeSample[];
  shape: WorkloadResult['treeShape'];
  beforeLargeStore: MemorySnapshot;
  withLargeStore: MemorySnapshot;
}> {
  // The view stays closed: the workbench would otherwise fetch and render the expanded channels on
  // every refresh, in this same extension host, while the walk below is timed.
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  const beforeLargeStore = memorySnapshot(gc);
  const accountsJsonBytes = await writeLargeStore(hooks, issuer);
  // What an open view holds: the channels (expanded) and their accounts, nothing opened further.
  hooks.explorer.refresh();
  for (const root of await hooks.explorer.getChildren()) {
    hooks.explorer.getTreeItem(root);
    for (const account of await hooks.explorer.getChildren(root)) {
      hooks.explorer.getTreeItem(account);
    }
  }
  const withLargeStore = memorySnapshot(gc);
  const nodes = await walkTree(hooks);
  const tree: TreeSample[] = [];
  for (let index = 0; index < 1 + repeats; index++) {
    const readStarted = performance.now();
    const stored = await hooks.secrets.get(SECRETS_KEY);
    JSON.parse(stored ?? '{}');
    const readParseMs = performance.now() - readStarted;

    const refreshStarted = performance.now();
    const walked = await profiled(`tree-refresh-and-walk-${index}`, () => {
      hooks.explorer.refresh();
      return walkTree(hooks);
    });
    const refreshAndWalkMs = performance.now() - refreshStarted;

    const walkStarted = performance.now();
    await walkTree(hooks);
    const walkOnlyMs = performance.now() - walkStarted;
    if (walked !== nodes) {
      throw new Error(`The tree changed while it was measured (${walked} nodes, then ${nodes})`);
    }
    if (index > 0) {
      tree.push({ refreshAndWalkMs, walkOnlyMs, readParseMs });
    }
    await delay(50);
  }
  return {
    tree,
    shape: { channels: TREE_CHANNELS, accounts: TREE_CHANNELS * ACCOUNTS_PER_CHANNEL, nodes, accountsJsonBytes },
    beforeLargeStore,
    withLargeStore,
  };
}

async function measure(): Promise<WorkloadResult> {
  const repeats = Math.max(1, Number(process.env[REPEATS_ENV] ?? 7) || 7);
  const extension = vscode.extensions.getExtension<TestHooks>(OUR_EXTENSION_ID);
  if (extension === undefined) {
    throw new Error(`${OUR_EXTENSION_ID} is not loaded`);
  }
  const gc = gcFunction();
  const beforeActivation = memorySnapshot(gc);
  const hooks = await profiled('activation', () => Promise.resolve(extension.activate()));
  await delay(500);
  const afterActivation = memorySnapshot(gc);
  // The first command loads dist/features.js; the next ones only run. refreshView touches no store.
  const featuresLoadedBeforeFirstCommand = hooks.featuresLoaded;
  const commandMs: number[] = [];
  for (let index = 0; index < 4; index++) {
    const started = performance.now();
    await vscode.commands.executeCommand('lineLogin.refreshView');
    commandMs.push(performance.now() - started);
    await delay(50);
  }
  const later = commandMs.slice(1).sort((a, b) => a - b);
  const firstCommandExtraMs = (commandMs[0] ?? 0) - (later[1] ?? 0);

  const emulator = await startLineEmulator({
    browserHost: 'line-emulator.localhost',
    autoApprove: true,
    channels: [],
    users: [USER],
  });
  const config = vscode.workspace.getConfiguration('lineLogin');
  try {
    await config.update('authorizeBaseUrl', emulator.authorizeBaseUrl, vscode.ConfigurationTarget.Global);
    await config.update('apiBaseUrl', emulator.apiBaseUrl, vscode.ConfigurationTarget.Global);
    const signInMeasurements = await measureSignIn(hooks, emulator, repeats);
    const { tree, shape, beforeLargeStore, withLargeStore } = await measureTree(
      hooks,
      emulator.authorizeBaseUrl,
      repeats,
      gc,
    );
    const withLargeTree = memorySnapshot(gc);
    const scale: ScaleSample[] = [];
    for (let index = 0; index < 1 + repeats; index++) {
      const sample = await measureScaleOnce(hooks, index);
      if (index > 0) {
        scale.push(sample);
      }
      await delay(100);
    }
    await recordFlows(hooks, FLOWS);
    const flowsFirstPaintMs: number[] = [];
    let flowsShown = 0;
    for (let index = 0; index < 1 + repeats; index++) {
      const paint = await timeFlowsFirstPaint(hooks);
      flowsShown = paint.flows;
      if (index > 0) {
        flowsFirstPaintMs.push(paint.ms);
      }
    }
    return {
      ...signInMeasurements,
      tree,
      scale,
      flowsFirstPaintMs,
      flowsShown,
      firstCommandExtraMs,
      featuresLoadedBeforeFirstCommand,
      treeShape: shape,
      memory: {
        beforeActivation,
        afterActivation,
        beforeLargeStore,
        withLargeStore,
        withLargeTree,
        gcForced: gc !== undefined,
      },
    };
  } finally {
    await emulator.close();
  }
}

export async function run(): Promise<void> {
  try {
    await writeResult({ ok: true, workload: await measure() });
  } catch (error) {
    await writeResult({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
