/**
 * Standalone LINE Login emulator:
 *   node out/emulator/main.js [--port 9400] [--browser-host line-emulator.localhost] [--auto-approve]
 * Serves the demo channel and users of demoData.ts until SIGINT/SIGTERM.
 */

import { parseArgs } from 'node:util';
import { DEMO_CHANNEL, DEMO_USERS } from './demoData';
import { startLineEmulator } from './index';
import type { LineEmulator } from './index';

const USAGE = `Usage: node out/emulator/main.js [options]

  --port <n>             port to listen on (default 9400; 0 picks a free one)
  --host <addr>          loopback address to bind (default 127.0.0.1)
  --browser-host <name>  host name for browser-facing URLs, e.g. line-emulator.localhost
  --auto-approve         approve every login as the first demo user, without a consent page
  --quiet                do not log requests
  --help                 show this help

Environment: LINE_EMULATOR_DEMO_SECRET overrides the demo channel secret.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9400' },
      host: { type: 'string' },
      'browser-host': { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, not ${JSON.stringify(values.port)}.`);
  }
  const secretFromEnv = process.env['LINE_EMULATOR_DEMO_SECRET'];
  const channel =
    secretFromEnv === undefined || secretFromEnv === ''
      ? DEMO_CHANNEL
      : { ...DEMO_CHANNEL, channelSecret: secretFromEnv };

  let emulator: LineEmulator;
  try {
    emulator = await startLineEmulator({
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values['browser-host'] === undefined ? {} : { browserHost: values['browser-host'] }),
      autoApprove: values['auto-approve'],
      channels: [channel],
      users: DEMO_USERS,
      ...(values.quiet
        ? {}
        : {
            log: (line: string) => {
              console.log(`[${new Date().toISOString()}] ${line}`);
            },
          }),
    });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new Error(`Port ${port} is already in use: stop whatever holds it or pass --port <another port>.`, {
        cause: error,
      });
    }
    throw error;
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`${signal}: stopping the emulator.`);
    emulator.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  };
  // Registered before the banner, which tells the user to press Ctrl+C. `once`: a second Ctrl+C
  // gets node's default handling and ends the process at once.
  process.once('SIGINT', () => {
    stop('SIGINT');
  });
  process.once('SIGTERM', () => {
    stop('SIGTERM');
  });

  console.log(`LINE Login emulator running
  authorize base (browser, also the ID token issuer): ${emulator.authorizeBaseUrl}
  API base (node):                                    ${emulator.apiBaseUrl}
  discovery:                                          ${emulator.authorizeBaseUrl}/.well-known/openid-configuration
  demo channel ID:                                    ${channel.channelId}
  callback URL:                                       ${channel.callbackUrls.join(', ')}
  channel secret:                                     ${secretFromEnv === undefined || secretFromEnv === '' ? 'see emulator/demoData.ts (DEMO_CHANNEL.channelSecret), or set LINE_EMULATOR_DEMO_SECRET' : 'from LINE_EMULATOR_DEMO_SECRET'}
  users:                                              ${DEMO_USERS.map((user) => `${user.displayName} (${user.userId})`).join(', ')}
  consent:                                            ${values['auto-approve'] ? `auto-approved as ${DEMO_USERS[0]?.displayName ?? 'the first user'}` : 'consent page in the browser'}
Press Ctrl+C to stop.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
