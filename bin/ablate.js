#!/usr/bin/env node
// The `ablate` command: TypeScript sources run through SWC (see scripts/register.js).
require('../scripts/register.js');
require('../apps/cli/src/main.ts');
