/**
 * What `npm start` prints: everything a first sign-in needs, so nobody has to read the sources. The
 * demo channel's secret is printed because it is a published demo value that only the emulator
 * accepts (emulator/demoData.ts); a real channel's secret is never known here, VS Code asks for it.
 */
import type { EmulatorChannel } from '../../emulator/types';

export type DemoTarget =
  | { kind: 'emulator'; authorizeBaseUrl: string; apiBaseUrl: string; channel: EmulatorChannel }
  | { kind: 'line'; channelId: string; callbackUrl: string };

export function demoBanner(vscodeVersion: string, workbenchUrl: string, target: DemoTarget): string[] {
  const lines = [
    '',
    `VS Code ${vscodeVersion} with LINE Login DevTools is running. Open this URL in a browser on this machine:`,
    '',
    `  ${workbenchUrl}`,
    '',
  ];
  if (target.kind === 'emulator') {
    const { channel } = target;
    lines.push(
      `LINE Login emulator: authorize ${target.authorizeBaseUrl}, API ${target.apiBaseUrl}`,
      `Demo channel ${channel.channelId} ("${channel.name ?? ''}") is already added, callback ${channel.callbackUrls[0] ?? ''}.`,
      'To sign in: LINE Login: Sign In… (or Get Started: "Get Started with LINE Login DevTools"). When VS Code asks for',
      `the channel secret, enter: ${channel.channelSecret}`,
      '(a published demo value that only the emulator accepts; see emulator/demoData.ts)',
    );
  } else {
    lines.push(
      `Channel ${target.channelId} against LINE itself; register ${target.callbackUrl} on its LINE Login tab. VS Code asks for the channel secret on first sign-in.`,
    );
  }
  lines.push('Settings, secrets and sign-ins persist in .vscode-test/demo/. Stop with Ctrl-C.');
  return lines;
}
