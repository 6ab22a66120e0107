// The contract between the extension and its extension-host tests. `activate()` may return an
// object; when the extension runs in ExtensionMode.Test it may put its SecretStorage on it as
// `secrets`, so tests can prove that storage round-trips in a real VS Code. Outside test mode it must
// not: any extension can read another's exports through vscode.extensions.getExtension(id).exports.
import type * as vscode from 'vscode';
import { isRecord } from './manifest';

export interface ExtensionTestApi {
  readonly secrets?: vscode.SecretStorage;
}

function isSecretStorage(value: unknown): value is vscode.SecretStorage {
  return (
    isRecord(value) &&
    typeof value['get'] === 'function' &&
    typeof value['store'] === 'function' &&
    typeof value['delete'] === 'function' &&
    typeof value['onDidChange'] === 'function'
  );
}

/** What of the test API the extension exports; a missing or foreign export yields `{}`. */
export function testApiOf(exports: unknown): ExtensionTestApi {
  if (!isRecord(exports)) {
    return {};
  }
  const secrets = exports['secrets'];
  if (secrets === undefined) {
    return {};
  }
  if (!isSecretStorage(secrets)) {
    throw new Error('The extension exports "secrets", but it is not a SecretStorage (get/store/delete/onDidChange)');
  }
  return { secrets };
}
