/**
 * lineLogin.exportDotEnv, lineLogin.createHttpFile, lineLogin.useInTerminal and
 * lineLogin.stopUsingInTerminal: handing an account's tokens to REST clients, scripts and terminals.
 * What each writes, and where, is listed in the README ("What leaves SecretStorage").
 */
import vscode = require('vscode');
import { writeFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { InputError } from '../../core/errors';
import { writeDotEnv } from '../../core/exports/dotEnv';
import { ignoreBesideFile, type GitExposure } from '../../core/exports/gitSafety';
import { renderHttpFile } from '../../core/exports/httpFile';
import type { AccountKey } from '../../core/tokenStore';
import { readEndpoints } from '../config';
import { STATE_KEYS } from '../constants';
import type { DotEnvFollower } from '../dotEnvFollower';
import { confirmModal, notify, notifyWithActions } from '../notifications';
import { pickAccount } from '../pickers';
import type { WindowServices } from '../services';
import type { TerminalEnvironment } from '../terminalEnvironment';
import { accountFromInvocation, rejectUnknownArgs, stringArg, type Invocation } from './invocation';

export interface ExportDependencies {
  /** globalState: the warned-once flag. */
  state: vscode.Memento;
  follower: DotEnvFollower;
  terminal: TerminalEnvironment;
}

async function accountOf(
  services: WindowServices,
  invocation: Invocation,
  placeHolder: string,
): Promise<AccountKey | undefined> {
  return accountFromInvocation(invocation) ?? (await pickAccount(services, placeHolder));
}

function booleanArg(args: Record<string, unknown>, field: string): boolean {
  const value = args[field];
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InputError('ERR_INVALID_INPUT', `The argument "${field}" must be true or false.`, field);
  }
  return value === true;
}

function absoluteFileArg(args: Record<string, unknown>): string {
  const file = stringArg(args, 'file');
  if (!isAbsolute(file)) {
    throw new InputError('ERR_INVALID_INPUT', 'The argument "file" must be an absolute path.', 'file');
  }
  return file;
}

function defaultUri(name: string): { defaultUri?: vscode.Uri } {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder === undefined ? {} : { defaultUri: vscode.Uri.joinPath(folder, name) };
}

/** The warning every person sees once before the first export (kept in globalState: a flag, no secret). */
async function warnedOnce(state: vscode.Memento): Promise<boolean> {
  if (state.get<boolean>(STATE_KEYS.dotEnvWarningShown) === true) {
    return true;
  }
  const proceed = vscode.l10n.t('Export');
  const confirmed = await confirmModal(
    vscode.l10n.t('The .env file will hold live LINE credentials.'),
    vscode.l10n.t(
      'Anyone who can read the file can call LINE as this user until the tokens expire or are revoked. Keep it out of version control, backups and screen shares. This warning is shown once.',
    ),
    proceed,
  );
  if (!confirmed) {
    return false;
  }
  await state.update(STATE_KEYS.dotEnvWarningShown, true);
  return true;
}

export async function exportDotEnv(
  services: WindowServices,
  deps: ExportDependencies,
  invocation: Invocation,
): Promise<{ file: string; variables: string[]; git: GitExposure; keptUpdated: boolean } | undefined> {
  let file: string;
  let includeRefreshToken: boolean;
  let key: AccountKey | undefined;
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, [
      'channelId',
      'userId',
      'file',
      'includeRefreshToken',
      'addToGitignore',
      'keepUpdated',
      'confirmed',
    ]);
    if (invocation.args.confirmed !== true) {
      throw new InputError(
        'ERR_INVALID_INPUT',
        'This command writes live credentials to a file: pass { confirmed: true } to run it without a prompt.',
        'confirmed',
      );
    }
    key = accountFromInvocation(invocation);
    file = absoluteFileArg(invocation.args);
    includeRefreshToken = booleanArg(invocation.args, 'includeRefreshToken');
  } else {
    key = await accountOf(services, invocation, vscode.l10n.t('Export which account to a .env file?'));
    if (key === undefined || !(await warnedOnce(deps.state))) {
      return undefined;
    }
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export to .env File'),
      ...defaultUri('.env'),
      saveLabel: vscode.l10n.t('Export'),
    });
    if (target === undefined) {
      return undefined;
    }
    file = target.fsPath;
    const without = { label: vscode.l10n.t('Access token, ID token and IDs'), refresh: false };
    const withRefresh = {
      label: vscode.l10n.t('Also include the refresh token'),
      detail: vscode.l10n.t(
        'It can mint new access tokens for up to 90 days. Only if a script must refresh by itself.',
      ),
      refresh: true,
    };
    const choice = await vscode.window.showQuickPick([without, withRefresh], {
      title: vscode.l10n.t('What should the .env file hold?'),
      ignoreFocusOut: true,
    });
    if (choice === undefined) {
      return undefined;
    }
    includeRefreshToken = choice.refresh;
  }
  if (key === undefined) {
    return undefined;
  }
  const tokenSet = await services.accounts.require(key);
  const result = await writeDotEnv(file, { tokenSet, apiBaseUrl: readEndpoints().apiBaseUrl, includeRefreshToken });
  let exposure = result.exposure;
  services.logger.info(
    `Exported ${result.variables.join(', ')} of ${key.channelId}/${key.userId} to a .env file (git: ${exposure}).`,
  );

  let keepUpdated = false;
  if (invocation.automated) {
    if (exposure === 'notIgnored' && booleanArg(invocation.args, 'addToGitignore')) {
      exposure = await ignoreBesideFile(file);
    }
    keepUpdated = booleanArg(invocation.args, 'keepUpdated');
  } else {
    if (exposure === 'notIgnored') {
      const add = vscode.l10n.t('Add to .gitignore');
      const picked = await notifyWithActions(
        'warning',
        vscode.l10n.t(
          'git does not ignore {0}: "git add ." would commit the tokens.',
          vscode.workspace.asRelativePath(file),
        ),
        [{ title: add }],
      );
      if (picked?.title === add) {
        exposure = await ignoreBesideFile(file);
      }
    }
    const keep = vscode.l10n.t('Keep Updated');
    keepUpdated =
      (
        await notifyWithActions(
          'info',
          vscode.l10n.t(
            'Wrote {0} variables to {1}. Update this file after every refresh?',
            result.variables.length,
            vscode.workspace.asRelativePath(file),
          ),
          [{ title: keep }],
        )
      )?.title === keep;
  }
  if (keepUpdated) {
    await deps.follower.follow({ channelId: key.channelId, userId: key.userId, file, includeRefreshToken });
  } else {
    await deps.follower.unfollow((entry) => entry.file === file);
  }
  return { file, variables: result.variables, git: exposure, keptUpdated: keepUpdated };
}

export async function createHttpFile(
  services: WindowServices,
  invocation: Invocation,
): Promise<{ file: string } | undefined> {
  let file: string;
  if (invocation.automated) {
    rejectUnknownArgs(invocation.args, ['file']);
    file = absoluteFileArg(invocation.args);
  } else {
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Create .http File'),
      ...defaultUri('line-login.http'),
      filters: { HTTP: ['http', 'rest'] },
    });
    if (target === undefined) {
      return undefined;
    }
    file = target.fsPath;
  }
  await writeFile(file, renderHttpFile(), 'utf8');
  services.logger.info('Wrote a .http file with LINE Login requests (no credentials in it).');
  if (!invocation.automated) {
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  }
  return { file };
}

export async function useInTerminal(
  services: WindowServices,
  deps: ExportDependencies,
  invocation: Invocation,
): Promise<{ channelId: string; userId: string } | undefined> {
  const key = await accountOf(services, invocation, vscode.l10n.t('Put which account in new terminals?'));
  if (key === undefined) {
    return undefined;
  }
  await services.accounts.require(key);
  await deps.terminal.use(key);
  if (!invocation.automated) {
    notify(
      'info',
      vscode.l10n.t(
        'New terminals get LINE_ACCESS_TOKEN and the other LINE_* variables of this account until it signs out. Open terminals keep their environment until relaunched.',
      ),
    );
  }
  return { channelId: key.channelId, userId: key.userId };
}

export async function stopUsingInTerminal(deps: ExportDependencies): Promise<{ stopped: boolean }> {
  const stopped = deps.terminal.account !== undefined;
  await deps.terminal.use(undefined);
  return { stopped };
}
