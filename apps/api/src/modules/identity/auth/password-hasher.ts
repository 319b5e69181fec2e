import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), from
 * @node-rs/argon2: prebuilt per platform, no install script. (The `argon2`
 * package's prebuilt Linux binary crashed these machines on load.)
 * Parameters travel inside each hash, so raising them later re-hashes nothing.
 */
const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** Verified against when the email is unknown, so both paths cost the same time. */
  private readonly decoy = hash('decoy password that nobody has', ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    if (!stored) {
      await verify(await this.decoy, password);
      return false;
    }
    return verify(stored, password);
  }
}
