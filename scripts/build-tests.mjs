// Compiles src/, test/ and emulator/ to out/ for node --test and the extension-host tests.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

rmSync('out', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', '.', '--noEmit', 'false', '--outDir', 'out'], { stdio: 'inherit' });
