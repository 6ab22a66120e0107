// Launches Debian's Chromium through playwright-core. playwright's own browser download is not
// reachable from these machines; the apt package is.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that let Chromium run as root in a container without a GPU, and keep it off the network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface LaunchOptions {
  /** Show the window (needs a display). Default: headless. */
  readonly headful?: boolean;
  readonly executablePath?: string;
}

export function chromiumPath(): string {
  return process.env['VSCODE_TEST_CHROMIUM'] ?? DEFAULT_CHROMIUM_PATH;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium was not found at ${executablePath}. Install it with "apt-get install -y chromium" ` +
        '(or run "bash .ci/run", which does), or point VSCODE_TEST_CHROMIUM at another Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath,
    headless: options.headful !== true,
    args: [...CHROMIUM_ARGS],
    // playwright's own handlers close the browser and then exit(130) on the spot, before the caller
    // has stopped its server and removed its temp folders; the harness closes the browser itself.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}
