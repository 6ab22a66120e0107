import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { clickInTab, closeTabs, browserTabs } from '../host/client';
import { startLineEmulator } from '../../emulator/lineEmulator';
describe('scratch', () => {
  it('emulator consent via harness click', async () => {
    let got = '';
    const cb = createServer((req, res) => { got = req.url ?? ''; res.end('ok'); });
    await new Promise<void>((r) => cb.listen(0, '127.0.0.1', r));
    const cbPort = (cb.address() as AddressInfo).port;
    const redirect = `http://127.0.0.1:${cbPort}/callback`;
    const emu = await startLineEmulator({ browserHost: 'line-emulator.localhost', channels: [{ channelId: '1234567890', channelSecret: 'a'.repeat(32), callbackUrls: [redirect] }], users: [{ userId: 'U' + '0'.repeat(32), displayName: 'Test' }] });
    const url = `${emu.authorizeBaseUrl}/oauth2/v2.1/authorize?response_type=code&client_id=1234567890&redirect_uri=${encodeURIComponent(redirect)}&state=s1&scope=profile%20openid&nonce=n1`;
    assert.equal(await vscode.env.openExternal(vscode.Uri.parse(url, true)), true);
    await clickInTab('line-emulator.localhost', '#allow');
    for (let i = 0; i < 100 && got === ''; i++) await new Promise((r) => setTimeout(r, 50));
    console.log('callback got', got, JSON.stringify(await browserTabs()));
    assert.match(got, /code=/);
    await closeTabs(); await emu.close(); cb.close();
  });
});
