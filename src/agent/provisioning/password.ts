// The web UI's initial password: generated at the factory, printed once on the box's label, kept
// on the box only as a scrypt hash with its own salt and the parameters it was made with, so a
// later firmware can raise the cost for new boxes and still check the old ones.
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Letters and digits nobody misreads on a label or mistypes on a German keyboard: no 0/o, 1/l/i,
 * no y/z (swapped between QWERTZ and QWERTY), lower case only. 29 symbols, 4.86 bits each.
 */
export const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwx23456789';
/** 16 symbols (77 bits), in four groups of four joined by '-', which belong to the password. */
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** A given password (the lab's, a factory's own): as long as SECURITY.md asks of any password. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

export interface PasswordHash {
  readonly algorithm: 'scrypt';
  /** scrypt's N (a power of two), r and p. */
  readonly cost: number;
  readonly blockSize: number;
  readonly parallelization: number;
  /** Base64 of the per-box salt and of the derived key. */
  readonly salt: string;
  readonly hash: string;
}

export type ScryptParameters = Pick<PasswordHash, 'cost' | 'blockSize' | 'parallelization'>;

/**
 * OWASP's scrypt setting of the same work as N=2^17, p=1 with a quarter of the memory (32 MiB): a
 * small box checks a login in well under a second and stays responsive while it does.
 */
export const DEFAULT_SCRYPT: ScryptParameters = { cost: 2 ** 15, blockSize: 8, parallelization: 3 };
/** What a stored hash may ask for: within these bounds a damaged file costs at most 256 MiB and a few seconds. */
export const SCRYPT_BOUNDS = { cost: [2 ** 10, 2 ** 20], blockSize: [1, 32], parallelization: [1, 16] } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** A random initial password such as 'k7mq-3xtr-9pfa-uw4e'. */
export function generatePassword(pick: (max: number) => number = randomInt): string {
  const groups = Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => PASSWORD_ALPHABET[pick(PASSWORD_ALPHABET.length)]).join(''),
  );
  return groups.join('-');
}

/** What is wrong with a given password, in words; undefined when it will do. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters long`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters long`;
  if (/\p{C}/u.test(password)) return 'must contain printable characters only';
  return undefined;
}

export async function hashPassword(password: string, parameters: ScryptParameters = DEFAULT_SCRYPT): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, parameters);
  return { algorithm: 'scrypt', ...parameters, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** Whether `password` is the one `stored` was made from; compared in constant time. */
export async function verifyPassword(stored: PasswordHash, password: string): Promise<boolean> {
  // Longer than any password can be: refused before scrypt spends time on it.
  if ([...password].length > MAX_PASSWORD_LENGTH) return false;
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), expected.length, stored);
  return timingSafeEqual(key, expected);
}

function derive(password: string, salt: Buffer, length: number, { cost, blockSize, parallelization }: ScryptParameters): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default limit (32 MiB) is exactly the default's need and too tight.
  const options: ScryptOptions = { N: cost, r: blockSize, p: parallelization, maxmem: 256 * cost * blockSize };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
