/** Quick picks and input boxes shared by the commands. Returning undefined means "the user cancelled". */
import vscode = require('vscode');
import { accountLabel } from '../core/accountModel';
import { channelLabel, validateChannelSecret, type ChannelConfig } from '../core/channels';
import { sameAccount, type AccountKey } from '../core/tokenStore';
import { notify, notifyWithActions } from './notifications';
import type { WindowServices } from './services';
import { messageOf } from '../core/messageOf';

export async function pickChannel(services: WindowServices, placeHolder: string): Promise<ChannelConfig | undefined> {
  const channels = services.channels.list();
  if (channels.length === 0) {
    const add = vscode.l10n.t('Add Channel…');
    const picked = await notifyWithActions('info', vscode.l10n.t('No LINE Login channel is registered yet.'), [
      { title: add },
    ]);
    if (picked?.title === add) {
      await vscode.commands.executeCommand('lineLogin.addChannel');
    }
    return undefined;
  }
  if (channels.length === 1) {
    return channels[0];
  }
  const picked = await vscode.window.showQuickPick(
    channels.map((channel) => ({
      label: channelLabel(channel),
      description: channel.channelId,
      detail: channel.callbackUrl,
      channel,
    })),
    { placeHolder, ignoreFocusOut: true },
  );
  return picked?.channel;
}

export async function pickAccount(services: WindowServices, placeHolder: string): Promise<AccountKey | undefined> {
  const accounts = await services.store.list();
  if (accounts.length === 0) {
    notify('info', vscode.l10n.t('No account is signed in. Run "LINE Login: Sign In…" first.'));
    return undefined;
  }
  if (accounts.length === 1 && accounts[0] !== undefined) {
    return { channelId: accounts[0].channelId, userId: accounts[0].userId };
  }
  const selected = services.selection.get();
  const items = accounts.map((tokenSet) => {
    const channel = services.channels.get(tokenSet.channelId);
    return {
      label: accountLabel(tokenSet),
      description: `${channel === undefined ? tokenSet.channelId : channelLabel(channel)} · ${tokenSet.userId}`,
      picked: selected !== undefined && sameAccount(selected, tokenSet),
      key: { channelId: tokenSet.channelId, userId: tokenSet.userId },
    };
  });
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
  return picked?.key;
}

/** The secret, '' when the user chose to keep the stored one (only when not required), undefined on cancel. */
export async function askChannelSecret(channelId: string, required: boolean): Promise<string | undefined> {
  const secret = await vscode.window.showInputBox({
    title: vscode.l10n.t('Channel secret of {0}', channelId),
    prompt: required
      ? vscode.l10n.t(
          "From the LINE Developers Console → your channel → Basic settings. Stored only in VS Code's secret storage.",
        )
      : vscode.l10n.t("Leave empty to keep the stored secret. Stored only in VS Code's secret storage."),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value === '' && !required) {
        return undefined;
      }
      try {
        validateChannelSecret(value);
        return undefined;
      } catch (error) {
        return messageOf(error);
      }
    },
  });
  if (secret === undefined) {
    return undefined;
  }
  return secret === '' && !required ? '' : validateChannelSecret(secret);
}

const JWT_SHAPE = /^\s*[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*$/;

/** A JWT from the editor selection, else an input box (prefilled from the clipboard when it holds one). */
export async function askForJwt(title: string, prompt: string): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor?.document.getText(editor.selection) ?? '';
  if (JWT_SHAPE.test(selected)) {
    return selected.trim();
  }
  const clipboard = await vscode.env.clipboard.readText();
  return vscode.window.showInputBox({
    title,
    prompt,
    value: JWT_SHAPE.test(clipboard) ? clipboard.trim() : '',
    password: true,
    ignoreFocusOut: true,
  });
}
