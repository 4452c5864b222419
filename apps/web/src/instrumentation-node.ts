// Refuse to start with a malformed environment: the message names the setting.
import { env } from './env';

try {
  env();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
