// The flags every command takes, and the server used when none is given.
import type { FlagSpec } from './framework';

export const DEFAULT_URL = 'http://localhost:3000';

export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  url: {
    type: 'string',
    value: 'URL',
    help: `server (default: AIGRID_URL, the saved one, or ${DEFAULT_URL})`,
  },
  'api-key': {
    type: 'string',
    value: 'KEY',
    help: 'API key (default: AIGRID_API_KEY, or the saved sign-in)',
  },
  org: {
    type: 'string',
    value: 'ID',
    help: 'organisation to work in, among your own (signed-in users)',
  },
  json: {
    type: 'boolean',
    help: 'print JSON for scripts; errors as {"error":{"code","message"}} on stderr',
  },
  help: { type: 'boolean', short: 'h', help: 'show help' },
};
