import { Command } from 'commander';
import { loadAuditSigningKey } from '@app/audit';
import { AppConfig, InvalidConfigError, loadConfig } from '@app/config';

/**
 * `npm run audit:public-key [-- --json]`: prints the key id and the SPKI PEM of
 * the Ed25519 key that signs audit checkpoints, read from the configuration or
 * from `<GATEHOUSE_DATA_DIR>/audit-signing-key.pem` as the service does (and
 * generated there, as at the service's first start, when there is none yet).
 * Needs no database. Keep the output with your exports' checkpoints.
 */
const options = new Command('audit:public-key')
  .description('Print the public key that signs Gatehouse audit checkpoints')
  .option('--json', 'print { keyId, algorithm, publicKey } as JSON')
  .parse()
  .opts<{ json?: boolean }>();

async function main(): Promise<number> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof InvalidConfigError ? error.message : String(error)}\n`);
    return 1;
  }
  const { key } = await loadAuditSigningKey(config);
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ keyId: key.keyId, algorithm: 'Ed25519', publicKey: key.publicKeyPem }, null, 2)}\n`
      : `# ${key.keyId} (Ed25519)\n${key.publicKeyPem}`,
  );
  return 0;
}

void main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
