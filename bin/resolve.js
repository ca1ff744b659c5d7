#!/usr/bin/env node
// Lets `npx resolve` run the TypeScript entry point directly, through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./resolve.ts');
