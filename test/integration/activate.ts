// Every extension-host suite starts the same way: the extension under test, activated, and the hooks
// it hands to tests in ExtensionMode.Test (src/extension.ts TestHooks).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/extension';
import { EXTENSION_ID } from './manifest';

export function extensionUnderTest(): vscode.Extension<TestHooks> {
  const extension = vscode.extensions.getExtension<TestHooks>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
  return extension;
}

export async function activateForTests(): Promise<TestHooks> {
  return extensionUnderTest().activate();
}
