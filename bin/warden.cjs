#!/usr/bin/env node
// `npx warden`. tsx is registered in both cases so the CLI can load TypeScript tool code
// (`warden validate`, `warden dev`). In a checkout the CLI itself runs from its TypeScript
// sources (no build step); an installed package runs its compiled dist/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

require('tsx/cjs');
if (existsSync(join(__dirname, 'warden.ts'))) {
  require('./warden.ts');
} else {
  require(join(__dirname, '..', 'dist', 'bin', 'warden.js'));
}
