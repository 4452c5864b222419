#!/usr/bin/env node
// The AI Grid node agent: enrols the node, runs its engines and reports their health.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
