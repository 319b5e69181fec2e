import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A secret the server shows this once (an API key, a webhook's signing secret): the
 * warning, the value to copy, and nothing kept after the dialog closes.
 */
export function SecretOnceModal({
  title,
  secret,
  what,
  copyLabel,
  testId,
  children,
  onClose,
}: {
  title: string;
  /** Undefined while there is nothing to show: the dialog is closed. */
  secret: string | undefined;
  /** What the secret is, for the warning: "the key", "the signing secret". */
  what: string;
  copyLabel: string;
  testId: string;
  children?: ReactNode;
  onClose: () => void;
}) {
  return (
    <Modal opened={secret !== undefined} onClose={onClose} title={title} size="lg" closeOnClickOutside={false}>
      {secret !== undefined && (
        <Stack>
          <Alert color="red" title="Copy it now: it is shown only this once">
            <Text size="sm">
              Gatehouse cannot show {what} again, to anyone, administrators included. Store it in a secret store. If it is lost, replace it.
            </Text>
          </Alert>
          {children}
          <Code block data-testid={testId} style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {secret}
          </Code>
          <Group justify="space-between">
            <CopyButton value={secret} timeout={3000}>
              {({ copied, copy }) => (
                <Button variant={copied ? 'light' : 'filled'} onClick={copy}>
                  {copied ? 'Copied' : copyLabel}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>
              I have stored it
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
