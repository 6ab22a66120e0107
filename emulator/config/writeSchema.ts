/**
 * Writes schemas/line-emulator.schema.json from schema.ts (the file VS Code's jsonValidation
 * reads): `node scripts/build-tests.mjs && node out/emulator/config/writeSchema.js`, from the
 * repository root.
 */

import { writeFileSync } from 'node:fs';
import { LOCAL_LINE_SCHEMA } from './schema';

writeFileSync('schemas/line-emulator.schema.json', `${JSON.stringify(LOCAL_LINE_SCHEMA, null, 2)}\n`);
console.log('Wrote schemas/line-emulator.schema.json; run prettier on it before committing.');
