// Opens a sample app's page in the harness's Chromium. The workbench rewrites a 127.0.0.1 URL given to
// openExternal into its /proxy/<port>/ (dropping the path), and the apps' cookies and callback URLs are
// on 127.0.0.1: so the browser is sent there by a plain redirect from a *.localhost name, which
// arrives unchanged.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';

export interface AppBrowser {
  readonly browse: (url: string) => Thenable<boolean>;
  readonly close: () => Promise<void>;
}

export async function openAppBrowser(): Promise<AppBrowser> {
  const hop = createServer((req, res) => {
    const to = new URL(req.url ?? '/', 'http://hop').searchParams.get('to') ?? '';
    res.writeHead(302, { location: to }).end();
  });
  await new Promise<void>((resolve) => hop.listen(0, '127.0.0.1', resolve));
  const hopPort = (hop.address() as AddressInfo).port;
  return {
    browse: (url) =>
      vscode.env.openExternal(
        `http://apps.localhost:${hopPort}/?to=${encodeURIComponent(url)}` as unknown as vscode.Uri,
      ),
    close: async () => {
      hop.closeAllConnections();
      await new Promise<void>((resolve) =>
        hop.close(() => {
          resolve();
        }),
      );
    },
  };
}
