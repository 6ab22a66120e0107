/**
 * `npm start`: a real VS Code 1.100.3 (served to any browser on this machine) with the extension
 * under development loaded, configured against the local LINE Login emulator and its demo channel —
 * or, with --channel-id, against LINE itself for a real channel. Runs until Ctrl-C.
 *
 *   node out/test/host/startDemo.js [--port 8400] [--emulator-port 9400]
 *   node out/test/host/startDemo.js --channel-id 1234567890 [--callback-url http://localhost:33418/callback]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_CHANNEL, DEMO_USERS } from '../../emulator/demoData';
import { CHANNEL_DEFAULTS } from '../../src/core/channels';
import { LINE_SCOPES } from '../../src/core/types';
import { startLineEmulator, type LineEmulator } from '../../emulator/index';
import { ensureVSCodeServer, PROFILE_SETTINGS, REPO_ROOT, startVSCodeServer, type RunningServer } from './vscodeServer';
import { messageOf } from '../../src/core/messageOf';
import { demoBanner, type DemoTarget } from './demoBanner';

const DEMO_DIR = join(REPO_ROOT, '.vscode-test', 'demo');

function log(line: string): void {
  console.log(`[start] ${line}`);
}

/** User settings of the demo profile; kept between runs so channels and sign-ins survive a restart. */
async function writeSettings(dataDir: string, settings: Record<string, unknown>): Promise<void> {
  const dir = join(dataDir, 'data', 'User');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // First run, or a file VS Code left unparsable: start clean.
  }
  const merged = {
    ...PROFILE_SETTINGS,
    // The demo workspace lives inside this repository's clone.
    'git.openRepositoryInParentFolders': 'never',
    ...current,
    ...settings,
  };
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8400' },
      'emulator-port': { type: 'string', default: '9400' },
      'channel-id': { type: 'string' },
      'callback-url': { type: 'string', default: CHANNEL_DEFAULTS.callbackUrl },
    },
    strict: true,
  });
  const port = Number(values.port);
  const install = await ensureVSCodeServer({ log });
  const dataDir = join(DEMO_DIR, 'server-data');
  const workspace = join(DEMO_DIR, 'workspace');
  await mkdir(workspace, { recursive: true });

  let emulator: LineEmulator | undefined;
  const realChannelId = values['channel-id'];
  if (realChannelId === undefined) {
    emulator = await startLineEmulator({
      port: Number(values['emulator-port']),
      browserHost: 'line-emulator.localhost',
      channels: [DEMO_CHANNEL],
      users: DEMO_USERS,
    });
    await writeSettings(dataDir, {
      'lineLogin.authorizeBaseUrl': emulator.authorizeBaseUrl,
      'lineLogin.apiBaseUrl': emulator.apiBaseUrl,
      'lineLogin.channels': [
        {
          channelId: DEMO_CHANNEL.channelId,
          name: DEMO_CHANNEL.name,
          callbackUrl: DEMO_CHANNEL.callbackUrls[0],
          scopes: [...LINE_SCOPES],
        },
      ],
    });
  } else {
    // A real channel: LINE's own endpoints (the settings' defaults) and the callback registered on it.
    await writeSettings(dataDir, {
      'lineLogin.authorizeBaseUrl': undefined,
      'lineLogin.apiBaseUrl': undefined,
      'lineLogin.channels': [
        { channelId: realChannelId, callbackUrl: values['callback-url'], scopes: [...CHANNEL_DEFAULTS.scopes] },
      ],
    });
  }

  let server: RunningServer;
  try {
    server = await startVSCodeServer({ install, port, dataDir });
  } catch (error) {
    await emulator?.close();
    throw error;
  }
  const stop = async (): Promise<void> => {
    await server.stop({ keepDataDir: true });
    await emulator?.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  const remote = (path: string): string => `vscode-remote://127.0.0.1:${String(server.port)}${path}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(REPO_ROOT)],
    ['skipWelcome', 'true'],
  ]);
  const url = `${server.origin}/?folder=${encodeURIComponent(remote(workspace))}&payload=${encodeURIComponent(payload)}`;

  const target: DemoTarget =
    emulator === undefined
      ? { kind: 'line', channelId: realChannelId ?? '', callbackUrl: values['callback-url'] }
      : {
          kind: 'emulator',
          authorizeBaseUrl: emulator.authorizeBaseUrl,
          apiBaseUrl: emulator.apiBaseUrl,
          channel: DEMO_CHANNEL,
        };
  for (const line of demoBanner(install.version, url, target)) {
    console.log(line);
  }
}

main().catch((error: unknown) => {
  console.error(`[start] ${messageOf(error)}`);
  process.exit(1);
});
