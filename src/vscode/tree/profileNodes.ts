/** The LINE profile in the token explorer. */
import vscode = require('vscode');
import type { AccountKey } from '../../core/tokenStore';
import type { LineProfile } from '../../core/types';
import { ExplorerNode } from './explorerNode';
import type { AccountNode } from './nodes';
import { fitDescription } from './rowWidth';
import { Tooltip } from './tooltip';

/** The LINE profile stored at sign-in or by the last "Get Profile". */
export class ProfileNode extends ExplorerNode {
  readonly kind = 'profile';
  readonly account: AccountKey;

  constructor(profile: LineProfile, parent: AccountNode) {
    super(vscode.l10n.t('Profile'), vscode.TreeItemCollapsibleState.Collapsed, parent);
    this.account = parent.account;
    this.id = `${parent.id ?? ''}/profile`;
    this.contextValue = 'profile';
    const description = fitDescription('token', vscode.l10n.t('Profile'), profile.displayName, 'end');
    if (description !== undefined) {
      this.description = description;
    }
    this.iconPath = new vscode.ThemeIcon('person');
    const tooltip = new Tooltip()
      .heading(vscode.l10n.t('Profile'))
      .row(vscode.l10n.t('Display name'), profile.displayName);
    if (profile.statusMessage !== undefined) {
      tooltip.row(vscode.l10n.t('Status message'), profile.statusMessage);
    }
    if (profile.pictureUrl !== undefined) {
      tooltip.row(vscode.l10n.t('Picture URL'), profile.pictureUrl);
    }
    this.tooltip = tooltip.note(vscode.l10n.t('Stored at sign-in or by the last "Get Profile".')).build();

    const fields: ProfileFieldNode[] = [
      new ProfileFieldNode('displayName', vscode.l10n.t('Display name'), profile.displayName, this),
    ];
    if (profile.statusMessage !== undefined) {
      fields.push(new ProfileFieldNode('statusMessage', vscode.l10n.t('Status message'), profile.statusMessage, this));
    }
    if (profile.pictureUrl !== undefined) {
      fields.push(new ProfileFieldNode('pictureUrl', vscode.l10n.t('Picture URL'), profile.pictureUrl, this));
    }
    this.setChildren(fields);
  }
}

export type ProfileField = 'displayName' | 'statusMessage' | 'pictureUrl';

export class ProfileFieldNode extends ExplorerNode {
  readonly kind = 'profileField';
  readonly account: AccountKey;
  readonly field: ProfileField;

  constructor(field: ProfileField, label: string, value: string, parent: ProfileNode) {
    super(label, vscode.TreeItemCollapsibleState.None, parent);
    this.account = parent.account;
    this.field = field;
    this.id = `${parent.id ?? ''}/${field}`;
    // Not `profile`: the menus' `viewItem == profile` actions belong to the profile node itself.
    this.contextValue = 'profileField';
    // A status message may span lines; a tree row cannot. A URL keeps both ends, a message its start.
    const description = fitDescription(
      'claim',
      label,
      value.replace(/\s*[\r\n]+\s*/g, ' '),
      field === 'pictureUrl' ? 'middle' : 'end',
    );
    if (description !== undefined) {
      this.description = description;
    }
    this.tooltip = value;
  }
}
