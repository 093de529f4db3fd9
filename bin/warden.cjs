#!/usr/bin/env node
// `npx warden`. In a checkout the TypeScript sources run through tsx (no build step); an
// installed package runs its compiled dist/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (existsSync(join(__dirname, 'warden.ts'))) {
  require('tsx/cjs');
  require('./warden.ts');
} else {
  require(join(__dirname, '..', 'dist', 'bin', 'warden.js'));
}
