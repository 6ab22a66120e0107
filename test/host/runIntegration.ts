// Runs the extension-host tests in a real VS Code 1.100.3 (server build from code-server@4.100.3)
// driven by Debian's Chromium. Usage (after building; `npm run test:integration` does both):
//   node out/test/host/runIntegration.js [--tests out/test/integration/index.js] [--grep PATTERN]
// See test/host/README.md for the environment variables and the screenshot/tab protocol.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { redactPatterns } from '../../src/core/redact';
import { launchChromium } from './browser';
import {
  BEGIN_MARKER,
  HARNESS_DIR_ENV,
  parseRequest,
  parseResults,
  replyFileName,
  type HarnessReply,
  type HarnessRequest,
  type MeasuredBox,
  type TabInfo,
  type TestResults,
} from './protocol';
import {
  ensureVSCodeServer,
  installVsix,
  PROFILE_SETTINGS,
  REPO_ROOT,
  startVSCodeServer,
  type RunningServer,
} from './vscodeServer';
import { messageOf } from '../../src/core/messageOf';

interface Options {
  readonly testsPath: string;
  readonly extensionPath: string;
  /** A .vsix to install into the server's extensions folder before the run. */
  readonly vsixPath: string | undefined;
  readonly grep: string | undefined;
  /** `--locale ja`: the workbench, the extension host and the browser in that language. */
  readonly locale: string | undefined;
  readonly timeoutMs: number;
  readonly headful: boolean;
  readonly keep: boolean;
  readonly verbose: boolean;
}

function flag(name: string): boolean {
  const value = process.env[name];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

function parseOptions(argv: readonly string[]): Options {
  let testsPath = join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
  let extensionPath = REPO_ROOT;
  let grep = process.env['MOCHA_GREP'];
  let vsixPath: string | undefined;
  let locale: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const value = argv[index + 1];
    if (
      (arg === '--tests' ||
        arg === '--extension' ||
        arg === '--grep' ||
        arg === '--install-vsix' ||
        arg === '--locale') &&
      value === undefined
    ) {
      throw new Error(`${arg} needs a value`);
    }
    if (arg === '--tests' && value !== undefined) {
      testsPath = resolve(value);
      index++;
    } else if (arg === '--extension' && value !== undefined) {
      extensionPath = resolve(value);
      index++;
    } else if (arg === '--grep' && value !== undefined) {
      grep = value;
      index++;
    } else if (arg === '--install-vsix' && value !== undefined) {
      vsixPath = resolve(value);
      index++;
    } else if (arg === '--locale' && value !== undefined) {
      if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(value)) {
        throw new Error(`--locale needs a language tag such as ja or zh-tw, not ${JSON.stringify(value)}`);
      }
      locale = value.toLowerCase();
      index++;
    } else {
      throw new Error(
        `Unknown argument ${String(arg)}. Usage: runIntegration.js [--tests FILE] [--extension DIR] [--grep PATTERN] [--install-vsix FILE] [--locale TAG]`,
      );
    }
  }
  const timeoutMs = Number(process.env['VSCODE_TEST_TIMEOUT_MS'] ?? 300_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error('VSCODE_TEST_TIMEOUT_MS must be a positive number of milliseconds');
  }
  return {
    testsPath,
    extensionPath,
    vsixPath,
    grep,
    locale,
    timeoutMs,
    headful: flag('VSCODE_TEST_HEADFUL'),
    keep: flag('VSCODE_TEST_KEEP'),
    verbose: flag('VSCODE_TEST_VERBOSE'),
  };
}

/** Disposers run newest first, once, whether the run passed, failed, timed out or was interrupted. */
class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];
  private running: Promise<void> | undefined;

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          console.error(`[harness] cleanup "${step.name}" failed: ${String(error)}`);
        }
      }
    })();
    return this.running;
  }
}

function log(line: string): void {
  console.log(`[harness] ${line}`);
}

/** `vscode-remote://` URI of a local path, as the workbench expects in `folder` and `payload`. */
function remoteUri(server: RunningServer, path: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${path.split('\\').join('/')}`;
}

function workbenchUrl(server: RunningServer, options: Options, workspace: string): string {
  // The server ignores --extensionDevelopmentPath/--extensionTestsPath on its command line; the
  // browser passes them in `payload`, as VS Code's own browser integration tests do.
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remoteUri(server, options.extensionPath)],
    ['extensionTestsPath', remoteUri(server, options.testsPath)],
    ['skipWelcome', 'true'],
  ]);
  return `${server.origin}/?folder=${encodeURIComponent(remoteUri(server, workspace))}&payload=${encodeURIComponent(payload)}`;
}

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERR';

/**
 * The workbench's log service writes to the page console as `%c INFO`, `color: #33f`, message; the
 * extension host's console.log arrives the same way (as INFO; console.error as ERR). Returns the level
 * and the message, or undefined for the browser's own lines ("Failed to load resource" and the like).
 */
export function parseLogLine(text: string): { readonly level: LogLevel; readonly message: string } | undefined {
  const match = /^%c\s*(TRACE|DEBUG|INFO|WARN|ERR)\s+color: #[0-9a-fA-F]{3,6} ?/.exec(text);
  const level = match?.[1];
  if (match === null || level === undefined) {
    return undefined;
  }
  return { level: level as LogLevel, message: text.slice(match[0].length) };
}

/**
 * Decides what of the page console reaches the terminal. Only the tests' own output by default:
 * the lines between the index's begin marker and its results line. The workbench's start-up noise
 * (open-vsx look-ups, a missing service worker) is kept in a ring buffer and shown only when the run
 * fails before reporting results, where it is the likeliest explanation.
 */
class ConsoleFilter {
  private state: 'before' | 'tests' | 'after' = 'before';
  private readonly held: string[] = [];
  results: TestResults | undefined;

  constructor(
    private readonly verbose: boolean,
    private readonly requests: RequestHandler,
  ) {}

  accept(type: string, text: string): void {
    const parsed = parseLogLine(text);
    if (parsed !== undefined && this.requests.accept(parsed.message)) {
      return;
    }
    if (parsed?.message === BEGIN_MARKER) {
      this.state = 'tests';
      return;
    }
    const results = parsed === undefined ? undefined : parseResults(parsed.message);
    if (results !== undefined) {
      this.results = results;
      this.state = 'after';
      return;
    }
    if (this.verbose) {
      console.log(`[workbench ${type}] ${text}`);
    } else if (this.state === 'tests' && parsed !== undefined) {
      console.log(parsed.level === 'INFO' ? parsed.message : `${parsed.level} ${parsed.message}`);
    } else {
      this.held.push(`[workbench ${type}] ${text}`);
      if (this.held.length > 200) {
        this.held.shift();
      }
    }
  }

  heldLines(): readonly string[] {
    return this.held;
  }
}

interface TrackedTab {
  readonly page: Page;
  readonly history: string[];
  closed: boolean;
}

/** Tabs opened after the workbench, e.g. by `vscode.env.openExternal` (the context's `page` event). */
class TabTracker {
  readonly tabs: TrackedTab[] = [];

  constructor(context: BrowserContext) {
    context.on('page', (page) => {
      const tab: TrackedTab = { page, history: [], closed: false };
      this.tabs.push(tab);
      const record = (url: string): void => {
        if (url !== '' && url !== 'about:blank' && tab.history.at(-1) !== url) {
          tab.history.push(url);
          // Tab URLs carry codes, states and nonces: the same redaction as the extension's log.
          log(`tab ${this.tabs.indexOf(tab) + 1}: ${redactPatterns(url)}`);
        }
      };
      record(page.url());
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) {
          record(frame.url());
        }
      });
      page.on('close', () => {
        tab.closed = true;
      });
    });
  }

  info(): TabInfo[] {
    return this.tabs.map((tab) => ({
      url: tab.closed ? (tab.history.at(-1) ?? '') : tab.page.url(),
      history: [...tab.history],
      closed: tab.closed,
    }));
  }

  async find(urlIncludes: string, timeoutMs: number): Promise<Page> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tab = this.tabs.find((candidate) => !candidate.closed && candidate.page.url().includes(urlIncludes));
      if (tab !== undefined) {
        return tab.page;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no open tab has a URL containing ${JSON.stringify(urlIncludes)}; tabs: ${JSON.stringify(this.info())}`,
        );
      }
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.tabs.filter((tab) => !tab.closed).map((tab) => tab.page.close()));
  }
}

/** Carries out requests one at a time, in arrival order, and answers each through a reply file. */
class RequestHandler {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly replyDir: string,
    private readonly workbench: Page,
    private readonly tabs: TabTracker,
  ) {}

  /** Resolves once every request received so far has been answered. */
  idle(): Promise<void> {
    return this.queue;
  }

  accept(line: string): boolean {
    const request = parseRequest(line);
    if (request === undefined) {
      return false;
    }
    this.queue = this.queue.then(async () => {
      const reply =
        'invalid' in request ? { id: request.id, ok: false, error: request.invalid } : await this.handle(request);
      const file = join(this.replyDir, replyFileName(request.id));
      // Written under another name and renamed, so the polling test never reads half a file.
      await writeFile(`${file}.tmp`, JSON.stringify(reply));
      await rename(`${file}.tmp`, file);
    });
    return true;
  }

  private async handle(request: HarnessRequest): Promise<HarnessReply> {
    try {
      switch (request.command) {
        case 'screenshot':
          return { id: request.id, ok: true, path: await this.screenshot(request.path) };
        case 'tabs':
          return { id: request.id, ok: true, tabs: this.tabs.info() };
        case 'click': {
          const timeout = request.timeoutMs ?? 20_000;
          const page = await this.tabs.find(request.urlIncludes, timeout);
          const where = page.url();
          await page.locator(request.selector).first().click({ timeout });
          log(`clicked ${request.selector} in ${redactPatterns(where)}`);
          return { id: request.id, ok: true };
        }
        case 'closeTabs':
          await this.tabs.closeAll();
          return { id: request.id, ok: true };
        case 'readText': {
          const timeout = request.timeoutMs ?? 20_000;
          const page =
            request.urlIncludes === undefined ? this.workbench : await this.tabs.find(request.urlIncludes, timeout);
          if (request.hover !== undefined) {
            await page.locator(request.hover).first().hover({ timeout });
          }
          const matches = page.locator(request.selector);
          await matches.first().waitFor({ state: 'visible', timeout });
          return { id: request.id, ok: true, texts: await matches.allInnerTexts() };
        }
        case 'measure': {
          const matches = this.workbench.locator(request.selector);
          await matches.first().waitFor({ state: 'visible', timeout: request.timeoutMs ?? 20_000 });
          // Two animation frames: the rows the test just revealed are laid out.
          await this.workbench.evaluate(
            'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))',
          );
          // Runs in the page; typed by hand because this file is compiled without the DOM's types.
          const boxesOf = (elements: readonly { innerText?: string; scrollWidth: number; clientWidth: number }[]) =>
            elements.map((element) => ({
              text: element.innerText ?? '',
              scrollWidth: element.scrollWidth,
              clientWidth: element.clientWidth,
            }));
          const boxes: MeasuredBox[] = await matches.evaluateAll<MeasuredBox[], undefined>(boxesOf as never);
          return { id: request.id, ok: true, boxes };
        }
        case 'workbenchInput': {
          const target = this.workbench.locator(request.selector).first();
          await target.waitFor({ state: 'visible', timeout: request.timeoutMs ?? 20_000 });
          if (request.click === true) {
            await target.click();
          }
          if (request.text !== undefined) {
            await this.workbench.keyboard.type(request.text);
          }
          if (request.press !== undefined) {
            await this.workbench.keyboard.press(request.press);
          }
          // The text may be a redirect URL with a code: only its length is logged.
          log(
            `answered ${request.selector}${request.click === true ? ' (clicked)' : ''}${request.text === undefined ? '' : ` with ${request.text.length} characters`}${request.press === undefined ? '' : ` + ${request.press}`}`,
          );
          return { id: request.id, ok: true };
        }
      }
    } catch (error) {
      return { id: request.id, ok: false, error: messageOf(error) };
    }
  }

  private async screenshot(requested: string): Promise<string> {
    const target = resolve(REPO_ROOT, requested);
    const inside = relative(REPO_ROOT, target);
    if (isAbsolute(requested) || inside.startsWith('..') || !target.endsWith('.png')) {
      throw new Error(`screenshot path must be a .png inside the repository, relative to its root: ${requested}`);
    }
    await mkdir(dirname(target), { recursive: true });
    // Two animation frames: whatever the test just changed (a revealed view, a refreshed tree) is painted.
    await this.workbench.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    await this.workbench.screenshot({ path: target, type: 'png', animations: 'disabled', caret: 'hide' });
    log(`screenshot ${inside}`);
    return target;
  }
}

/** Set by the signal handler: from then on, the browser and server going away is the cleanup itself. */
const runState = { interrupted: false };

interface RunOutcome {
  readonly exitCode: number;
  readonly results: TestResults | undefined;
}

async function runTests(options: Options, cleanup: Cleanup): Promise<RunOutcome> {
  for (const [what, path] of [
    ['compiled test index', options.testsPath],
    // With --install-vsix the development extension is only a runner; the bundle under test is in the package.
    [
      'extension bundle',
      options.vsixPath === undefined ? join(options.extensionPath, 'dist', 'extension.js') : options.vsixPath,
    ],
  ] as const) {
    if (!existsSync(path)) {
      throw new Error(
        `The ${what} ${path} does not exist. Build first: npm run test:integration does (node scripts/build.mjs && node scripts/build-tests.mjs).`,
      );
    }
  }

  const install = await ensureVSCodeServer({ log });
  const tempRoot = await mkdtemp(join(tmpdir(), 'line-login-it-'));
  cleanup.add('temp folder', async () => {
    if (options.keep) {
      log(`kept ${tempRoot} (VSCODE_TEST_KEEP)`);
    } else {
      await rm(tempRoot, { recursive: true, force: true });
    }
  });
  const workspace = join(tempRoot, 'workspace');
  const replyDir = join(tempRoot, 'harness');
  const extensionsDir = join(tempRoot, 'extensions');
  const dataDir = join(tempRoot, 'server-data');
  await Promise.all(
    [workspace, replyDir, extensionsDir, join(dataDir, 'data', 'User')].map((dir) => mkdir(dir, { recursive: true })),
  );
  // The web workbench keeps user settings on the server, in <server-data-dir>/data/User.
  await writeFile(join(dataDir, 'data', 'User', 'settings.json'), `${JSON.stringify(PROFILE_SETTINGS, null, 2)}\n`);
  if (options.vsixPath !== undefined) {
    if (!existsSync(options.vsixPath)) {
      throw new Error(`The package ${options.vsixPath} does not exist. Build it first: npm run package.`);
    }
    await installVsix(install, options.vsixPath, extensionsDir, dataDir, log);
  }

  const started = Date.now();
  const server = await startVSCodeServer({
    install,
    dataDir,
    extensionsDir,
    ...(options.locale === undefined ? {} : { locale: options.locale }),
    env: { [HARNESS_DIR_ENV]: replyDir, ...(options.grep === undefined ? {} : { MOCHA_GREP: options.grep }) },
    ...(options.verbose
      ? {
          onOutput: (line: string) => {
            console.log(`[server] ${line}`);
          },
        }
      : {}),
  });
  // The data dir lives in tempRoot, which the step above removes (or keeps).
  cleanup.add('VS Code server', () => server.stop({ keepDataDir: true }));
  log(`VS Code ${install.version} server listening on ${server.origin} (ready in ${Date.now() - started} ms)`);

  const browser: Browser = await launchChromium({ headful: options.headful });
  cleanup.add('browser', () => browser.close());
  // The browser speaks the same language (Accept-Language, navigator.language): a Japanese developer's
  // browser asks LINE's consent page for Japanese.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    ...(options.locale === undefined ? {} : { locale: options.locale }),
  });
  const page = await context.newPage();
  // Registered after the workbench page exists, so every page it sees is a tab the tests opened.
  const tabs = new TabTracker(context);
  const requests = new RequestHandler(replyDir, page, tabs);
  const consoleFilter = new ConsoleFilter(options.verbose, requests);

  let exitCode: number;
  try {
    exitCode = await new Promise<number>((resolveExit, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`The extension-host tests did not finish within ${options.timeoutMs} ms (VSCODE_TEST_TIMEOUT_MS).`),
        );
      }, options.timeoutMs);
      cleanup.add('timeout', () => {
        clearTimeout(timer);
        return Promise.resolve();
      });

      page.on('console', (message: ConsoleMessage) => {
        consoleFilter.accept(message.type(), message.text());
      });
      page.on('pageerror', (error) => {
        consoleFilter.accept('pageerror', error.message);
      });
      page.on('crash', () => {
        reject(new Error('The workbench page crashed'));
      });
      browser.on('disconnected', () => {
        reject(new Error('Chromium exited before the tests finished'));
      });
      server.process.once('exit', (code) => {
        reject(
          new Error(
            `The VS Code server exited (code ${String(code)}) before the tests finished. Last output:\n${server.recentOutput()}`,
          ),
        );
      });

      // Must exist before the workbench loads: it calls this with the exit code when run() settles.
      void page
        .exposeFunction('codeAutomationExit', (code: unknown) => {
          clearTimeout(timer);
          resolveExit(typeof code === 'number' ? code : 1);
        })
        .then(() => page.goto(workbenchUrl(server, options, workspace)))
        .catch(reject);
    });
    // Requests still queued (a last screenshot) finish before the browser goes away.
    await requests.idle();
  } catch (error) {
    dumpHeld(consoleFilter);
    throw error;
  }
  if (consoleFilter.results === undefined) {
    dumpHeld(consoleFilter);
  }
  return { exitCode, results: consoleFilter.results };
}

function dumpHeld(consoleFilter: ConsoleFilter): void {
  const held = consoleFilter.heldLines();
  if (held.length > 0 && !runState.interrupted) {
    log('workbench console before the failure (VSCODE_TEST_VERBOSE=1 shows it as it happens):');
    held.forEach((line) => {
      console.log(line);
    });
  }
}

async function main(): Promise<number> {
  const cleanup = new Cleanup();
  const onSignal = (signal: NodeJS.Signals): void => {
    runState.interrupted = true;
    log(`${signal}: cleaning up`);
    // 128 + signal number, as a shell reports it.
    const code = 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15);
    void cleanup.run().finally(() => process.exit(code));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);

  const started = Date.now();
  try {
    const { exitCode, results } = await runTests(parseOptions(process.argv.slice(2)), cleanup);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (results === undefined) {
      log(`the test index printed no results line; exit code ${exitCode} (${seconds} s)`);
      return exitCode === 0 ? 1 : exitCode;
    }
    log(
      `VS Code ${results.vscodeVersion}: ${results.total} tests, ${results.passes} passed, ${results.failures} failed, ` +
        `${results.pending} pending (${seconds} s in all)`,
    );
    if (results.total === 0) {
      log('no tests ran: is out/ up to date, or does --grep match nothing?');
      return 1;
    }
    return results.failures > 0 && exitCode === 0 ? 1 : exitCode;
  } catch (error) {
    if (!runState.interrupted) {
      console.error(`[harness] ${messageOf(error)}`);
    }
    return 1;
  } finally {
    await cleanup.run();
  }
}

if (require.main === module) {
  // process.exit rather than exitCode: a stray handle (a socket playwright left) must not keep CI waiting.
  void main().then((code) => process.exit(code));
}
