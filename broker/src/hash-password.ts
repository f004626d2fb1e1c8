import { DEFAULT_SCRYPT_COST, hashPassword } from './password.ts';

// Usage: printf '%s' 'the password' | npx tsx broker/src/hash-password.ts
// Reads the password from stdin (never from argv, which lands in shell history) and prints its scrypt hash.

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

if (process.stdin.isTTY) process.stderr.write('password (then Ctrl-D): ');
const password = await readStdin();
if (password.length < 8) {
  process.stderr.write('refusing a password shorter than 8 characters\n');
  process.exit(2);
}
process.stdout.write(`${await hashPassword(password, DEFAULT_SCRYPT_COST)}\n`);
