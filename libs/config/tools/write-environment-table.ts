/** `npm run docs:env`: regenerates README.md's table of environment variables from libs/config/src/environment.ts. */
import { writeFileSync } from 'node:fs';
import { README, readmeWithEnvironmentTable } from '../src/environment-docs';

const { current, expected } = readmeWithEnvironmentTable();
if (current !== expected) writeFileSync(README, expected);
console.log(current === expected ? 'README.md: the environment table was up to date' : 'README.md: environment table updated');
