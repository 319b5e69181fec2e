import { Anchor, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { formatBytes, formatDateTime } from '../../../components/format';
import { QueryState } from '../../../components/PageState';
import { WordBadge } from '../badges';
import { evidenceKindLabel } from '../labels';
import { keys, useDirectory } from '../queries';
import type { TabProps } from './types';
import type { Evidence } from './uploadEvidence';
import { LinkForm, UploadForm } from './EvidenceForms';


/** Version numbers along each chain of previousId links: v1 is the first upload. */
function versions(items: Evidence[]): Map<string, number> {
  const byId = new Map(items.map((item) => [item.id, item]));
  const numbers = new Map<string, number>();
  const numberOf = (item: Evidence, depth = 0): number => {
    const known = numbers.get(item.id);
    if (known) return known;
    const previous = item.previousId ? byId.get(item.previousId) : undefined;
    const number = previous && depth < 1000 ? numberOf(previous, depth + 1) + 1 : 1;
    numbers.set(item.id, number);
    return number;
  };
  items.forEach((item) => numberOf(item));
  return numbers;
}

/** Evidence files and links: hashes, sizes, versions, downloads; uploads with progress for the team. */
export function EvidenceTab({ useCase, canChange }: TabProps) {
  const directory = useDirectory();
  const list = useQuery({
    queryKey: keys.evidence(useCase.id),
    queryFn: async () => unwrap(await api.GET('/api/use-cases/{id}/evidence', { params: { path: { id: useCase.id } } })),
  });
  const [newVersionOf, setNewVersionOf] = useState<Evidence>();
  const [linking, setLinking] = useState(false);

  return (
    <Stack gap="md">
      <Title order={2}>Evidence</Title>
      <Text size="sm" c="dimmed" maw={900}>
        Files are hashed by the server (SHA-256) as they arrive and never change: a new version is a new item that replaces the old one in the current evidence set.
      </Text>
      <QueryState
        query={list}
        label="Loading evidence"
        isEmpty={(items) => items.length === 0}
        empty={canChange ? 'No evidence yet. Upload a file or attach a link below.' : 'No evidence yet.'}
      >
        {(items) => {
          const numbers = versions(items);
          const sorted = [...items].sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt));
          return (
            <Table.ScrollContainer minWidth={900}>
              <Table striped verticalSpacing="sm">
                <Table.Caption>
                  {items.filter((item) => !item.supersededBy).length} current item(s), {items.length} version(s) in all
                </Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Title</Table.Th>
                    <Table.Th scope="col">Kind</Table.Th>
                    <Table.Th scope="col">Version</Table.Th>
                    <Table.Th scope="col">SHA-256</Table.Th>
                    <Table.Th scope="col">Size</Table.Th>
                    <Table.Th scope="col">Uploaded</Table.Th>
                    <Table.Th scope="col">Content</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sorted.map((item) => {
                    const replacedBy = item.supersededBy ? items.find((other) => other.id === item.supersededBy) : undefined;
                    return (
                      <Table.Tr key={item.id} data-evidence-id={item.id}>
                        <Table.Td>
                          <Text size="sm">{item.title}</Text>
                          {item.fileName && (
                            <Text size="xs" c="dimmed">
                              {item.fileName}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{evidenceKindLabel(item.kind)}</Table.Td>
                        <Table.Td>
                          <Stack gap={2} align="flex-start">
                            <Text size="sm">v{numbers.get(item.id)}</Text>
                            {item.supersededBy ? (
                              <WordBadge>{`Replaced by v${replacedBy ? numbers.get(replacedBy.id) : '?'}`}</WordBadge>
                            ) : (
                              <WordBadge tone="good">Current</WordBadge>
                            )}
                            {canChange && !item.supersededBy && (
                              <Button size="compact-xs" variant="subtle" aria-label={`Upload a new version of ${item.title}`} onClick={() => setNewVersionOf(item)}>
                                New version
                              </Button>
                            )}
                          </Stack>
                        </Table.Td>
                        <Table.Td>
                          {item.sha256 ? (
                            <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }} maw={260}>
                              {item.sha256}
                            </Text>
                          ) : (
                            <Text size="sm">— (a link)</Text>
                          )}
                        </Table.Td>
                        <Table.Td>{item.sizeBytes != null ? formatBytes(item.sizeBytes) : '—'}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{formatDateTime(item.uploadedAt)}</Text>
                          <Text size="xs" c="dimmed">
                            by {directory.personName(item.uploadedBy)}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {item.source === 'file' ? (
                            <Anchor href={`/api/use-cases/${useCase.id}/evidence/${item.id}/content`} download={item.fileName ?? undefined} size="sm">
                              Download<VisuallyHidden> {item.title}</VisuallyHidden>
                            </Anchor>
                          ) : (
                            <Anchor href={item.url ?? undefined} target="_blank" rel="noopener noreferrer" size="sm" style={{ wordBreak: 'break-all' }}>
                              {item.url}
                            </Anchor>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          );
        }}
      </QueryState>

      {canChange && (
        <>
          <UploadForm useCaseId={useCase.id} current={list.data?.filter((item) => !item.supersededBy) ?? []} newVersionOf={newVersionOf} onVersionHandled={() => setNewVersionOf(undefined)} />
          {linking ? (
            <LinkForm useCaseId={useCase.id} current={list.data?.filter((item) => !item.supersededBy) ?? []} onDone={() => setLinking(false)} />
          ) : (
            <Group>
              <Button variant="default" onClick={() => setLinking(true)}>
                Attach a link instead
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
