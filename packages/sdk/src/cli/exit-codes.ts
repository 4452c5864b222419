// Exit codes that scripts can rely on; `aigrid --help` lists them.
import type { AigridErrorCode } from '../errors';

export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  AUTH: 3,
  NOT_FOUND: 4,
  INVALID: 5,
  CONFLICT: 6,
  RATE_LIMITED: 7,
  UNREACHABLE: 8,
} as const;

export const EXIT_CODE_HELP = `Exit codes:
  0  ok
  1  unexpected error
  2  usage error (unknown, missing or malformed flag or argument)
  3  not signed in, or the server said UNAUTHORIZED or FORBIDDEN
  4  not found
  5  the server refused the input (BAD_REQUEST; its message is printed)
  6  conflict (CONFLICT or PRECONDITION_FAILED)
  7  too many requests (retry after the number of seconds printed)
  8  cannot reach the server, or it does not answer like the AI Grid API`;

export function exitCodeFor(code: AigridErrorCode | 'USAGE' | 'NOT_SIGNED_IN'): number {
  switch (code) {
    case 'USAGE':
      return EXIT.USAGE;
    case 'NOT_SIGNED_IN':
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return EXIT.AUTH;
    case 'NOT_FOUND':
      return EXIT.NOT_FOUND;
    case 'BAD_REQUEST':
      return EXIT.INVALID;
    case 'CONFLICT':
    case 'PRECONDITION_FAILED':
      return EXIT.CONFLICT;
    case 'TOO_MANY_REQUESTS':
      return EXIT.RATE_LIMITED;
    case 'NETWORK_ERROR':
    case 'BAD_RESPONSE':
      return EXIT.UNREACHABLE;
    default:
      return EXIT.ERROR;
  }
}
