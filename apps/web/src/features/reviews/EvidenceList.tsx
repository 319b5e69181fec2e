import { Anchor, Button, Code, CopyButton, Group, Stack, Table, Text } from '@mantine/core';
import type { Schema } from '../../api/client';
import { formatBytes, formatDateTime } from '../../components/format';
import { WordBadge } from './badges';
import { EVIDENCE_KIND_LABELS, type UseCaseContent } from './labels';
import type { People } from './queries';

type Evidence = Schema<'EvidenceResponse'>;
type EvidenceReference = UseCaseContent['evidence'][number];

/**
 * The evidence set at the pinned revision: each item's title, kind, SHA-256
 * (copyable), size, who uploaded it and when, and the file itself (the session
 * cookie authenticates the download) or the link.
 */
export function EvidenceList({
  useCaseId,
  references,
  items,
  people,
  revision,
}: {
  useCaseId: string;
  references: EvidenceReference[];
  items: Evidence[] | undefined;
  people: People;
  revision: number;
}) {
  if (!references.length) return <Text size="sm">No evidence is attached at revision {revision}.</Text>;
  const byId = new Map((items ?? []).map((item) => [item.id, item]));
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table verticalSpacing="sm" striped aria-label={`Evidence at revision ${revision}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Title</Table.Th>
            <Table.Th scope="col">Kind</Table.Th>
            <Table.Th scope="col">SHA-256</Table.Th>
            <Table.Th scope="col">Size</Table.Th>
            <Table.Th scope="col">Uploaded</Table.Th>
            <Table.Th scope="col">File or link</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {references.map((reference) => (
            <EvidenceRow key={reference.id} useCaseId={useCaseId} reference={reference} item={byId.get(reference.id)} people={people} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function EvidenceRow({ useCaseId, reference, item, people }: { useCaseId: string; reference: EvidenceReference; item: Evidence | undefined; people: People }) {
  const sha256 = item?.sha256 ?? reference.sha256;
  const url = item?.url ?? reference.url;
  return (
    <Table.Tr data-evidence-id={reference.id}>
      <Table.Td style={{ verticalAlign: 'top' }}>
        <Stack gap={4} align="flex-start">
          <Text size="sm" fw={600}>
            {reference.title}
          </Text>
          {item?.fileName && (
            <Text size="xs" c="dimmed">
              {item.fileName}
              {item.mediaType ? ` (${item.mediaType})` : ''}
            </Text>
          )}
          {item?.supersededBy && <WordBadge tone="warn">A newer version exists</WordBadge>}
        </Stack>
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>{EVIDENCE_KIND_LABELS[reference.kind] ?? reference.kind}</Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        {sha256 ? (
          <Group gap={6} wrap="nowrap" align="flex-start">
            <Code style={{ overflowWrap: 'anywhere', whiteSpace: 'normal', maxWidth: '22rem' }} data-testid="evidence-sha256">
              {sha256}
            </Code>
            <CopyButton value={sha256} timeout={2000}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="default" onClick={copy} style={{ flexShrink: 0 }} aria-label={`${copied ? 'Copied' : 'Copy'} SHA-256 of ${reference.title}`}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            None: a link has no content hash
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top', whiteSpace: 'nowrap' }}>{item?.sizeBytes != null ? formatBytes(item.sizeBytes) : '—'}</Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        {item ? (
          <Text size="sm">
            {people.personName(item.uploadedBy)}
            <br />
            <time dateTime={item.uploadedAt} title={item.uploadedAt}>
              {formatDateTime(item.uploadedAt)}
            </time>
          </Text>
        ) : (
          '—'
        )}
      </Table.Td>
      <Table.Td style={{ verticalAlign: 'top' }}>
        {url ? (
          <Stack gap={2}>
            <Anchor href={url} target="_blank" rel="noopener noreferrer" size="sm" aria-label={`Open link ${reference.title} (opens in a new tab)`}>
              Open link
            </Anchor>
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {url}
            </Text>
          </Stack>
        ) : (
          <Anchor href={`/api/use-cases/${useCaseId}/evidence/${reference.id}/content`} download={item?.fileName ?? true} size="sm" aria-label={`Download ${reference.title}`}>
            Download
          </Anchor>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
