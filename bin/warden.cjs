#!/usr/bin/env node
// `npx warden`: runs the TypeScript CLI through tsx so no build step is needed.
require('tsx/cjs');
require('./warden.ts');
