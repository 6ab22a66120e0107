// Installs and runs the VS Code 1.100.3 server that ships inside the npm package code-server@4.100.3.
// @vscode/test-electron and @vscode/test-web download builds from Microsoft's update servers, which
// these machines cannot reach; the npm registry they can. See test/host/README.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/ports';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

/**
 * Origins the test install trusts for `openExternal`. Without them the workbench asks "Do you want
 * Code to open the external website?", which a headless test cannot answer. Globs follow VS Code's
 * `urlGlob.ts`: `:*` matches any port (the emulator listens on a free port per run), `*.` any
 * subdomain. Only `*.localhost` names: Chromium resolves them to loopback by itself, and unlike
 * 127.0.0.1/localhost they escape the workbench's port-proxy rewrite.
 */
export const TRUSTED_TEST_ORIGINS: readonly string[] = ['http://line-emulator.localhost:*', 'http://*.localhost:*'];

/** The repository root: this file runs from out/test/host/. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

const MARKER_FILE = '.line-login-devtools-install.json';
const STAGING_PREFIX = `.staging-code-server-${CODE_SERVER_VERSION}-`;
/** One npm step; the whole install takes about 45 s here. */
const NPM_TIMEOUT_MS = 5 * 60_000;
/** A staging folder this old belongs to no install still running. */
const STALE_STAGING_MS = 30 * 60_000;
const NATIVE_MODULES = ['@vscode/spdlog', '@parcel/watcher', 'native-watchdog', 'node-pty'] as const;

export type Logger = (line: string) => void;

export interface VSCodeInstall {
  /** `<cache>/code-server-4.100.3`: the folder the project owns. */
  readonly installDir: string;
  /** The VS Code build inside it (`…/node_modules/code-server/lib/vscode`). */
  readonly vscodeDir: string;
  readonly serverMain: string;
  readonly version: string;
}

interface InstallMarker {
  readonly codeServer: string;
  readonly vscode: string;
  readonly trustedDomains: readonly string[];
}

export function defaultCacheRoot(): string {
  return process.env['VSCODE_TEST_CACHE'] ?? join(REPO_ROOT, '.vscode-test');
}

function vscodeDirOf(installDir: string): string {
  return join(installDir, 'node_modules', 'code-server', 'lib', 'vscode');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

async function readVersion(file: string): Promise<string | undefined> {
  try {
    const json = await readJson(file);
    return isRecord(json) && typeof json['version'] === 'string' ? json['version'] : undefined;
  } catch {
    return undefined;
  }
}

/** True only for an install that finished (marker) and still is the version we expect. */
async function isCompleteInstall(installDir: string): Promise<boolean> {
  const vscodeDir = vscodeDirOf(installDir);
  let marker: unknown;
  try {
    marker = await readJson(join(installDir, MARKER_FILE));
  } catch {
    return false;
  }
  if (!isRecord(marker) || marker['codeServer'] !== CODE_SERVER_VERSION || marker['vscode'] !== VSCODE_VERSION) {
    return false;
  }
  const trusted = marker['trustedDomains'];
  if (!Array.isArray(trusted) || TRUSTED_TEST_ORIGINS.some((origin) => !trusted.includes(origin))) {
    return false;
  }
  return (
    (await readVersion(join(vscodeDir, 'package.json'))) === VSCODE_VERSION &&
    (await readVersion(join(vscodeDir, 'product.json'))) === VSCODE_VERSION &&
    existsSync(join(vscodeDir, 'out', 'server-main.js'))
  );
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** Runs npm, capturing output so a failure can show it instead of a bare exit code. */
function runNpm(args: readonly string[], cwd: string, log: Logger): Promise<void> {
  log(`npm ${args.join(' ')}`);
  return new Promise((resolvePromise, reject) => {
    // `--prefix` on every call: `npm run` exports npm_config_* variables, and the CLI flag is the
    // only prefix setting that outranks them.
    const child = spawn(npmCommand(), [...args], {
      cwd,
      env: { ...process.env, npm_config_yes: 'true', npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // An interrupted harness exits without awaiting us; npm must not go on writing into the cache.
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, NPM_TIMEOUT_MS);
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('exit', killOnExit);
      clearTimeout(timer);
      if (code === 0) {
        resolvePromise();
      } else {
        const why =
          signal === 'SIGKILL'
            ? `was killed (over ${NPM_TIMEOUT_MS / 1000} s?)`
            : `failed with exit code ${String(code)}`;
        reject(new Error(`npm ${args.join(' ')} ${why}:\n${output}`));
      }
    });
  });
}

async function patchProduct(vscodeDir: string): Promise<void> {
  const productFile = join(vscodeDir, 'product.json');
  const product = await readJson(productFile);
  if (!isRecord(product)) {
    throw new Error(`${productFile} is not a JSON object`);
  }
  const current = Array.isArray(product['linkProtectionTrustedDomains'])
    ? product['linkProtectionTrustedDomains'].filter((entry): entry is string => typeof entry === 'string')
    : [];
  product['linkProtectionTrustedDomains'] = [...new Set([...current, ...TRUSTED_TEST_ORIGINS])];
  await writeFile(productFile, `${JSON.stringify(product, null, 2)}\n`);
}

async function installInto(stagingDir: string, log: Logger): Promise<void> {
  await mkdir(stagingDir, { recursive: true });
  // A package.json of its own keeps npm from walking up into the repository's.
  await writeFile(join(stagingDir, 'package.json'), '{ "private": true }\n');
  // code-server's own postinstall downloads ripgrep from GitHub and builds kerberos: both fail here.
  await runNpm(
    [
      'install',
      '--no-save',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--prefix',
      stagingDir,
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    stagingDir,
    log,
  );
  const vscodeDir = vscodeDirOf(stagingDir);
  await runNpm(
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', vscodeDir],
    vscodeDir,
    log,
  );
  // Only the native modules the server loads; --ignore-scripts=false in case the caller's config sets it.
  await runNpm(['rebuild', '--ignore-scripts=false', '--prefix', vscodeDir, ...NATIVE_MODULES], vscodeDir, log);
  // The server's loader looks for node_modules.asar (an Electron layout); a symlink satisfies it.
  await rm(join(vscodeDir, 'node_modules.asar'), { force: true });
  await symlink('node_modules', join(vscodeDir, 'node_modules.asar'));
  await patchProduct(vscodeDir);

  const version = await readVersion(join(vscodeDir, 'package.json'));
  if (version !== VSCODE_VERSION) {
    throw new Error(
      `code-server@${CODE_SERVER_VERSION} contains VS Code ${String(version)}, expected ${VSCODE_VERSION}`,
    );
  }
  const marker: InstallMarker = {
    codeServer: CODE_SERVER_VERSION,
    vscode: VSCODE_VERSION,
    trustedDomains: TRUSTED_TEST_ORIGINS,
  };
  // Written last: its presence is what says the install is complete.
  await writeFile(join(stagingDir, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

async function removeStaleStaging(cacheRoot: string): Promise<void> {
  for (const name of await readdir(cacheRoot)) {
    if (!name.startsWith(STAGING_PREFIX)) {
      continue;
    }
    const path = join(cacheRoot, name);
    try {
      if (Date.now() - (await stat(path)).mtimeMs > STALE_STAGING_MS) {
        await rm(path, { recursive: true, force: true });
      }
    } catch {
      // Removed meanwhile by the run that owned it.
    }
  }
}

function installAt(installDir: string): VSCodeInstall {
  const vscodeDir = vscodeDirOf(installDir);
  return { installDir, vscodeDir, serverMain: join(vscodeDir, 'out', 'server-main.js'), version: VSCODE_VERSION };
}

/**
 * Makes sure `<cacheRoot>/code-server-4.100.3` holds a complete, patched install and returns it.
 * Installs into a staging folder and renames it into place, so an interrupted install never looks
 * complete and two runs installing at once do not corrupt each other.
 */
export async function ensureVSCodeServer(options: { cacheRoot?: string; log?: Logger } = {}): Promise<VSCodeInstall> {
  const log =
    options.log ??
    ((line: string) => {
      console.log(line);
    });
  const cacheRoot = options.cacheRoot ?? defaultCacheRoot();
  const installDir = join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
  if (await isCompleteInstall(installDir)) {
    return linkRipgrep(installAt(installDir));
  }

  log(`Installing VS Code ${VSCODE_VERSION} server (code-server@${CODE_SERVER_VERSION}) into ${installDir} …`);
  const started = Date.now();
  await mkdir(cacheRoot, { recursive: true });
  await removeStaleStaging(cacheRoot);
  const stagingDir = await mkdtemp(join(cacheRoot, STAGING_PREFIX));
  try {
    await installInto(stagingDir, log);
    if (await isCompleteInstall(installDir)) {
      // Another run finished first; theirs is as good as ours.
      return installAt(installDir);
    }
    // A half or outdated install is in the way: it is redone, not repaired.
    await rm(installDir, { recursive: true, force: true });
    // mkdtemp made it private; the install is a shared cache like node_modules.
    await chmod(stagingDir, 0o755);
    await rename(stagingDir, installDir);
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
  if (!(await isCompleteInstall(installDir))) {
    throw new Error(`The VS Code server install in ${installDir} is incomplete after installing; delete it and retry.`);
  }
  log(`Installed VS Code ${VSCODE_VERSION} server in ${Math.round((Date.now() - started) / 1000)} s`);
  return linkRipgrep(installAt(installDir));
}

/**
 * The package's own ripgrep download is skipped (--ignore-scripts; it comes from GitHub). Debian's
 * `rg`, when installed, stands in, so the workbench's file search does not fail with ENOENT.
 */
async function linkRipgrep(install: VSCodeInstall): Promise<VSCodeInstall> {
  const system = '/usr/bin/rg';
  const target = join(install.vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (existsSync(system) && !existsSync(target)) {
    await mkdir(join(target, '..'), { recursive: true });
    await symlink(system, target);
  }
  return install;
}

export interface StartServerOptions {
  readonly install: VSCodeInstall;
  readonly port?: number;
  /** `--server-data-dir`; default: a fresh temp dir, removed by stop(). */
  readonly dataDir?: string;
  readonly extensionsDir?: string;
  /** Extra environment for the server; the extension host it forks inherits it. */
  readonly env?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
  /** Receives every line the server prints. */
  readonly onOutput?: Logger;
  /**
   * Display language of the workbench and the extension host (`vscode.env.language`), e.g. `ja`.
   * See {@link writeLanguagePack} for what it takes besides `--locale`.
   */
  readonly locale?: string;
}

/**
 * Makes the server build its workbench in `locale`. The 1.100.3 server honours `--locale` only for
 * a language it finds in `<server-data-dir>/data/languagepacks.json` (otherwise it falls back to
 * English without a word), and it never consults the browser's language or the `vscode.nls.locale`
 * cookie; installing a language pack .vsix with `--install-extension` does not record it there either.
 * So the record is written here, pointing at a translations file of our own: empty, so VS Code's own
 * strings stay English while this extension's (l10n/bundle.l10n.<locale>.json, package.nls.<locale>.json)
 * are used. `extensions` must not be empty (the server throws and loads no extension), and `hash`
 * names the translations cache, so it changes whenever the file does.
 */
export async function writeLanguagePack(dataDir: string, locale: string): Promise<void> {
  const dataFolder = join(dataDir, 'data');
  await mkdir(dataFolder, { recursive: true });
  const translations = join(dataFolder, `line-login-devtools.${locale}.i18n.json`);
  const contents = '{ "contents": {} }\n';
  await writeFile(translations, contents);
  const hash = createHash('sha256').update(locale).update(contents).digest('hex').slice(0, 32);
  const record = {
    [locale]: {
      hash,
      label: locale,
      extensions: [
        { extensionIdentifier: { id: `line-login-devtools.test-language-pack-${locale}` }, version: '0.0.0' },
      ],
      translations: { vscode: translations },
    },
  };
  await writeFile(join(dataFolder, 'languagepacks.json'), `${JSON.stringify(record, null, 2)}\n`);
}

export interface RunningServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** The last lines the server printed, for error messages. */
  recentOutput(): string;
  /** Kills the server's whole process group (it forks the extension host and pty host); removes a data dir it created. */
  stop(options?: { keepDataDir?: boolean }): Promise<void>;
}

const READY_PATTERN = /Extension host agent listening on (\d+)/;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    // Negative pid: the group. The server was spawned detached, so it leads its own group.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Starts the server on a free loopback port and resolves once it accepts connections. */
export async function startVSCodeServer(options: StartServerOptions): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'vscode-server-data-')));
  if (options.locale !== undefined) {
    await writeLanguagePack(dataDir, options.locale);
  }
  const args = [
    options.install.serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--server-data-dir',
    dataDir,
    '--disable-telemetry',
    ...(options.extensionsDir === undefined ? [] : ['--extensions-dir', options.extensionsDir]),
    ...(options.locale === undefined ? [] : ['--locale', options.locale]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.install.vscodeDir,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const recent: string[] = [];
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      resolveExit();
    });
    child.once('error', () => {
      resolveExit();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (stopOptions: { keepDataDir?: boolean } = {}): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => {
          killGroup(child, 'SIGKILL');
        }, 3000);
        await exited;
        clearTimeout(timer);
      }
      // The extension host may outlive the server briefly; make sure the group is gone.
      killGroup(child, 'SIGKILL');
      if (ownsDataDir && stopOptions.keepDataDir !== true) {
        await rm(dataDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };

  const server: RunningServer = {
    port,
    origin: `http://127.0.0.1:${port}`,
    dataDir,
    process: child,
    recentOutput: () => recent.join('\n'),
    stop,
  };

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  try {
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `The VS Code server did not print "Extension host agent listening on" within ${timeoutMs} ms. Last output:\n${server.recentOutput()}`,
          ),
        );
      }, timeoutMs);
      const onLine = (line: string): void => {
        recent.push(line);
        if (recent.length > 60) {
          recent.shift();
        }
        options.onOutput?.(line);
        if (READY_PATTERN.test(line)) {
          clearTimeout(timer);
          resolveReady();
        }
      };
      for (const stream of [child.stdout, child.stderr]) {
        let buffered = '';
        stream.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          const lines = buffered.split(/\r?\n/);
          buffered = lines.pop() ?? '';
          lines.forEach(onLine);
        });
      }
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(
            `The VS Code server exited before it was ready (code ${String(code)}, signal ${String(signal)}). Last output:\n${server.recentOutput()}`,
          ),
        );
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return server;
}

/**
 * Installs a packaged extension the way a user's VS Code server would (`--install-extension`), so the
 * tests that follow run against exactly what the .vsix contains.
 */
export function installVsix(
  install: VSCodeInstall,
  vsixPath: string,
  extensionsDir: string,
  dataDir: string,
  log: Logger,
): Promise<void> {
  log(`installing ${vsixPath} with --install-extension`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [
        install.serverMain,
        '--install-extension',
        vsixPath,
        '--extensions-dir',
        extensionsDir,
        '--server-data-dir',
        dataDir,
        '--accept-server-license-terms',
        '--force',
      ],
      { cwd: install.vscodeDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-10_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && /successfully installed/i.test(output)) {
        resolvePromise();
      } else {
        reject(new Error(`Installing ${vsixPath} failed (exit ${String(code)}):\n${output}`));
      }
    });
  });
}

/**
 * User settings for the fresh profile. Workspace trust off: its modal is refused in test mode and
 * would leave the workspace in restricted mode, which real users do not run the extension in.
 * The rest keeps the workbench from reaching for the (unreachable) marketplace or opening editors.
 */
export const PROFILE_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
};
