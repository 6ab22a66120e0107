// Entry point the extension host loads as `extensionTestsPath`: runs mocha over every compiled
// `*.test.js` beside this file. Throwing from run() is how the workbench learns the tests failed.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import * as vscode from 'vscode';
import { BEGIN_MARKER, formatResults } from '../host/protocol';

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';

/**
 * The browser workbench forwards a console call's format string and arguments separately, and the
 * page console shows them unsubstituted ("✔ %s passes"). Formatting here first makes every line
 * arrive as one finished string. VS Code installs console.log & co. as accessors whose getter
 * returns its forwarding wrapper and whose setter only swaps what it echoes to stdout, so plain
 * assignment would not reach the forwarding: the properties are redefined instead, and put back
 * as they were by the returned function.
 */
function preformatConsole(): () => void {
  const methods: readonly ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];
  const saved = methods.map((method) => {
    const descriptor = Object.getOwnPropertyDescriptor(console, method);
    const forward = console[method].bind(console);
    Object.defineProperty(console, method, {
      configurable: true,
      enumerable: true,
      writable: true,
      value: (...args: unknown[]): void => {
        forward(format(...args));
      },
    });
    return { method, descriptor };
  });
  return () => {
    for (const { method, descriptor } of saved) {
      if (descriptor === undefined) {
        Reflect.deleteProperty(console, method);
      } else {
        Object.defineProperty(console, method, descriptor);
      }
    }
  };
}

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}

/** Runs mocha over every compiled `*.test.js` under `dir` (the packaged-extension suite reuses this). */
export async function runTestsIn(dir: string): Promise<void> {
  const restoreConsole = preformatConsole();
  // Mocha's reporters captured console.log when mocha was loaded, before the patch above.
  const reporterLog = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]): void => {
    console.log(...args);
  };
  try {
    await runMocha(dir);
  } finally {
    Mocha.reporters.Base.consoleLog = reporterLog;
    restoreConsole();
  }
}

async function runMocha(dir: string): Promise<void> {
  const grep = process.env['MOCHA_GREP'];
  const mocha = new Mocha({
    ui: 'bdd',
    // Colours arrive in the terminal as escape codes wrapped in the workbench's console styling.
    color: false,
    reporter: 'spec',
    // Generous: a cold extension host activates while the first test waits.
    timeout: 30_000,
    ...(grep === undefined || grep === '' ? {} : { grep }),
  });
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort();
  for (const file of files) {
    mocha.addFile(join(dir, file));
  }
  console.log(BEGIN_MARKER);
  console.log(
    `Running ${files.length} test file(s) in VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`,
  );

  const started = Date.now();
  const stats = await new Promise<Mocha.Stats>((resolveRun) => {
    const runner = mocha.run(() => {
      resolveRun(
        runner.stats ?? {
          suites: 0,
          tests: 0,
          passes: 0,
          pending: 0,
          failures: 1,
          start: new Date(started),
          duration: Date.now() - started,
        },
      );
    });
  });
  console.log(
    formatResults({
      vscodeVersion: vscode.version,
      total: stats.tests,
      passes: stats.passes,
      failures: stats.failures,
      pending: stats.pending,
      durationMs: Date.now() - started,
    }),
  );
  if (stats.failures > 0) {
    throw new Error(`${stats.failures} of ${stats.tests} extension-host test(s) failed`);
  }
}
