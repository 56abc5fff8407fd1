#!/usr/bin/env node
// The `frontier` command: the compiled CLI (built by `npm ci`/`npm run build` through tsc -b).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
