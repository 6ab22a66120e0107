/**
 * Standalone LINE Login emulator:
 *   node out/emulator/main.js [--port 9400] [--config .vscode/line-emulator.json] [options]
 * Serves the channels and users of a Local LINE configuration file, or the demo channel and users
 * of demoData.ts, until SIGINT/SIGTERM. `--help` lists the options.
 */

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEMO_CHANNEL, DEMO_USERS } from './demoData';
import { parseLocalLineConfig, startLineEmulator } from './index';
import type { LineEmulator, LineEmulatorOptions, LocalLineConfig } from './index';

const USAGE = `Usage: node out/emulator/main.js [options]

  --port <n>                      port to listen on (default 9400; 0 picks a free one)
  --host <addr>                   loopback address to bind (default 127.0.0.1)
  --browser-host <name>           host name for browser-facing URLs, e.g. line-emulator.localhost
  --config <file>                 serve the channels and users of a Local LINE configuration file
                                  (JSON with comments, e.g. .vscode/line-emulator.json); read once
  --auto-approve                  without --config: approve every login as the first demo user
  --refresh-token-rotation        a refresh returns a new refresh token (README ledger L2)
  --keep-replaced-access-token    a refresh leaves the replaced access token valid (ledger L3)
  --revoke-invalid-token <style>  badRequest (default) or ok: revoking a dead token (ledger L6)
  --token-error-style <style>     lineSample (default) or oauth: token endpoint errors (ledger L9)
  --quiet                         do not log requests
  --help                          show this help

Environment: LINE_EMULATOR_DEMO_SECRET overrides the demo channel secret (without --config).`;

/** A reason to stop before starting, already worded for the person at the terminal. */
class UsageError extends Error {}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) {
    return undefined;
  }
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}.`);
  }
  return found;
}

/** The configuration file's content, or a UsageError listing its problems as file:line:column. */
function readConfig(path: string): LocalLineConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
    throw new UsageError(`Cannot read the configuration file ${path} (${code}): check the path passed to --config.`);
  }
  const result = parseLocalLineConfig(text);
  if (!result.ok) {
    const lines = result.problems.map((problem) => `${path}:${problem.line}:${problem.column}: ${problem.message}`);
    throw new UsageError(
      `The configuration file has ${lines.length} problem(s); fix them and start again:\n${lines.join('\n')}`,
    );
  }
  return result.config;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9400' },
      host: { type: 'string' },
      'browser-host': { type: 'string' },
      config: { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      'refresh-token-rotation': { type: 'boolean', default: false },
      'keep-replaced-access-token': { type: 'boolean', default: false },
      'revoke-invalid-token': { type: 'string' },
      'token-error-style': { type: 'string' },
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
    throw new UsageError(`--port must be an integer from 0 to 65535, not ${JSON.stringify(values.port)}.`);
  }
  if (values.config !== undefined && values['auto-approve']) {
    throw new UsageError('--auto-approve applies to the demo data only: with --config, set "consent" in the file.');
  }
  const revokeInvalidToken = choice('revoke-invalid-token', values['revoke-invalid-token'], ['badRequest', 'ok']);
  const tokenErrorStyle = choice('token-error-style', values['token-error-style'], ['lineSample', 'oauth']);
  const secretFromEnv = process.env['LINE_EMULATOR_DEMO_SECRET'];
  const demoChannel =
    secretFromEnv === undefined || secretFromEnv === ''
      ? DEMO_CHANNEL
      : { ...DEMO_CHANNEL, channelSecret: secretFromEnv };
  const served: LineEmulatorOptions =
    values.config === undefined
      ? { channels: [demoChannel], users: DEMO_USERS, autoApprove: values['auto-approve'] }
      : { config: readConfig(values.config) };

  let emulator: LineEmulator;
  try {
    emulator = await startLineEmulator({
      port,
      ...served,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values['browser-host'] === undefined ? {} : { browserHost: values['browser-host'] }),
      refreshTokenRotation: values['refresh-token-rotation'],
      refreshRevokesOldAccessToken: !values['keep-replaced-access-token'],
      ...(revokeInvalidToken === undefined ? {} : { revokeInvalidToken }),
      ...(tokenErrorStyle === undefined ? {} : { tokenErrorStyle }),
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
      throw new UsageError(`Port ${port} is already in use: stop whatever holds it or pass --port <another port>.`, {
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

  const { channels, users } = emulator.snapshot();
  const secretNote =
    values.config !== undefined
      ? `from ${values.config}`
      : secretFromEnv === undefined || secretFromEnv === ''
        ? 'see emulator/demoData.ts (DEMO_CHANNEL.channelSecret), or set LINE_EMULATOR_DEMO_SECRET'
        : 'from LINE_EMULATOR_DEMO_SECRET';
  console.log(`LINE Login emulator running
  authorize base (browser, also the ID token issuer): ${emulator.authorizeBaseUrl}
  API base (node):                                    ${emulator.apiBaseUrl}
  discovery:                                          ${emulator.authorizeBaseUrl}/.well-known/openid-configuration
  channels:                                           ${channels.map((channel) => `${channel.channelId} (${channel.kind}; callback ${channel.callbackUrls.join(', ')})`).join('; ')}
  channel secrets:                                    ${secretNote}
  users:                                              ${users.map((user) => `${user.displayName} (${user.userId})`).join(', ')}
  consent:                                            ${consentNote(values.config === undefined ? undefined : served.config, values['auto-approve'])}
Press Ctrl+C to stop.`);
}

function consentNote(config: LocalLineConfig | undefined, autoApprove: boolean): string {
  const mode = config === undefined ? (autoApprove ? 'autoApprove' : 'page') : (config.consent?.mode ?? 'page');
  if (mode === 'page') {
    return 'consent page in the browser';
  }
  const userId = config?.consent?.autoApproveUserId;
  return `auto-approved as ${userId ?? 'the first user'}`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
