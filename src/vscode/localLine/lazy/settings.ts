/**
 * Local LINE's settings. Both are machine-scoped and read from user settings only (as the endpoint
 * settings are, src/vscode/config.ts): a workspace must not choose where this machine's Local LINE
 * listens or which host name its ID tokens name as issuer.
 */
import vscode = require('vscode');
import { isLoopbackHost } from '../../../core/loopback';
import { SETTINGS } from '../../constants';
import { LOCAL_LINE_SETTINGS } from '../api';
import { InputError } from '../../../core/errors';

/** A fixed port, so an app's LINE_AUTHORIZE_URL / LINE_API_URL keep working across restarts. */
export const LOCAL_LINE_DEFAULT_PORT = 9400;
/** An IP literal: nothing to resolve, and the emulator listens on 127.0.0.1. */
export const LOCAL_LINE_DEFAULT_BROWSER_HOST = '127.0.0.1';

export interface LocalLineSettings {
  port: number;
  browserHost: string;
}

function userValue<T>(key: string, fallback: T): T {
  const inspected = vscode.workspace.getConfiguration(SETTINGS.section).inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

export function readLocalLineSettings(): LocalLineSettings {
  const port = userValue<unknown>(LOCAL_LINE_SETTINGS.port, LOCAL_LINE_DEFAULT_PORT);
  const portSetting = `${SETTINGS.section}.${LOCAL_LINE_SETTINGS.port}`;
  // 0 (any free port) is refused on purpose: the URLs an app was configured with would change on
  // every start.
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `${portSetting} must be a whole number from 1024 to 65535, not ${JSON.stringify(port)}.`,
      portSetting,
    );
  }
  const browserHost = userValue<unknown>(LOCAL_LINE_SETTINGS.browserHost, LOCAL_LINE_DEFAULT_BROWSER_HOST);
  const hostSetting = `${SETTINGS.section}.${LOCAL_LINE_SETTINGS.browserHost}`;
  if (
    typeof browserHost !== 'string' ||
    !isLoopbackHost(browserHost) ||
    /[:/]/.test(browserHost.replace(/^\[::1\]$/, ''))
  ) {
    throw new InputError(
      'ERR_INVALID_INPUT',
      `${hostSetting} must be a loopback host name without scheme or port (127.0.0.1, localhost, [::1] or a name ending in .localhost), not ${JSON.stringify(browserHost)}.`,
      hostSetting,
    );
  }
  return { port, browserHost };
}
