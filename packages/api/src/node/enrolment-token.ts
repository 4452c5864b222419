// Node enrolment tokens: `agn_` + 32 random bytes in base64url, shown once to the operator and
// stored only as a SHA-256 (a fast hash is right for a 256-bit random secret). The agent on the
// node presents the token to the control plane once, to enrol.
import { createHash, randomBytes } from 'node:crypto';

export const ENROLMENT_TOKEN_PREFIX = 'agn_';

export function generateEnrolmentToken(): { token: string; tokenHash: string } {
  const token = `${ENROLMENT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashEnrolmentToken(token) };
}

export function hashEnrolmentToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Quotes a word for a POSIX shell unless it is made of characters that need no quoting. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command an operator runs on the node to install and enrol the agent. */
export function agentCommand(controlPlaneUrl: string, token: string): string {
  return `npx aigrid-agent --control-plane ${shellWord(controlPlaneUrl)} --token ${shellWord(token)}`;
}
