import { Anchor, Box, Button, Group, Input, NativeSelect, Paper, Progress, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../../../api/client';
import { fieldErrors } from '../../../api/problems';
import { formatBytes, formatDateTime } from '../../../components/format';
import { QueryState } from '../../../components/PageState';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { WordBadge } from '../badges';
import { EVIDENCE_KIND_LABELS, EVIDENCE_KINDS, evidenceKindLabel, type EvidenceKind } from '../labels';
import { keys, useDirectory, useRefreshUseCase } from '../queries';
import type { TabProps } from './types';
import { uploadEvidence, type Evidence, type UploadFields } from './uploadEvidence';

const kindOptions = (placeholder: string) => [{ value: '', label: placeholder }, ...EVIDENCE_KINDS.map((value) => ({ value, label: EVIDENCE_KIND_LABELS[value] }))];

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

function UploadForm({
  useCaseId,
  current,
  newVersionOf,
  onVersionHandled,
}: {
  useCaseId: string;
  current: Evidence[];
  newVersionOf?: Evidence;
  onVersionHandled: () => void;
}) {
  const headingId = useId();
  const fileId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const titleInput = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<EvidenceKind | ''>('');
  const [title, setTitle] = useState('');
  const [previousId, setPreviousId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number>();
  const [attempted, setAttempted] = useState(false);
  const [done, setDone] = useState<Evidence>();
  const abort = useRef<AbortController | null>(null);
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCaseId);

  // "New version" on a row fills the form in for that item.
  useEffect(() => {
    if (!newVersionOf) return;
    setKind(newVersionOf.kind);
    setTitle(newVersionOf.title);
    setPreviousId(newVersionOf.id);
    titleInput.current?.focus();
    onVersionHandled();
  }, [newVersionOf, onVersionHandled]);

  useEffect(() => () => abort.current?.abort(), []);

  const upload = useMutation({
    mutationFn: async (fields: UploadFields & { file: File }) => {
      abort.current = new AbortController();
      setProgress(0);
      return uploadEvidence(useCaseId, fields, fields.file, setProgress, abort.current.signal);
    },
    onSuccess: async (evidence) => {
      setDone(evidence);
      setKind('');
      setTitle('');
      setPreviousId('');
      setFile(null);
      setAttempted(false);
      if (fileInput.current) fileInput.current.value = '';
      await Promise.all([client.invalidateQueries({ queryKey: keys.evidence(useCaseId) }), refresh()]);
    },
    onError: async (error) => {
      // A session that ended shows the sign-in page: the next read through the client notices.
      if (error instanceof ApiError && error.status === 401) await refresh();
    },
    onSettled: () => setProgress(undefined),
  });

  const local: Record<string, string> = attempted
    ? {
        ...(!kind ? { kind: 'Choose the kind of evidence' } : {}),
        ...(!title.trim() ? { title: 'Give the evidence a title' } : title.trim().length > 200 ? { title: 'At most 200 characters' } : {}),
        ...(!file ? { file: 'Choose a file' } : {}),
      }
    : {};
  const errors = { ...local, ...fieldErrors(upload.error) };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    setDone(undefined);
    if (!kind || !title.trim() || !file || title.trim().length > 200) return;
    upload.mutate({ kind, title: title.trim(), previousId: previousId || undefined, file });
  };

  return (
    <Paper withBorder p="md" maw={820} component="section" aria-labelledby={headingId}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3} id={headingId}>
            Upload evidence
          </Title>
          <NativeSelect
            label="Kind"
            required
            value={kind}
            onChange={(event) => setKind(event.currentTarget.value as EvidenceKind | '')}
            error={errors.kind}
            data={kindOptions('Choose…')}
            description="Gate policies ask for evidence by kind: a model card, a test report, a risk assessment…"
          />
          <TextInput
            ref={titleInput}
            label="Title"
            required
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            error={errors.title}
            maxLength={200}
          />
          <NativeSelect
            label="New version of"
            value={previousId}
            onChange={(event) => setPreviousId(event.currentTarget.value)}
            error={errors.previousId}
            data={[{ value: '', label: 'Nothing: a new item' }, ...current.map((item) => ({ value: item.id, label: `${item.title} (${evidenceKindLabel(item.kind)})` }))]}
            description="Choose the item this file replaces, if any; the old version stays on record."
          />
          <Input.Wrapper label="File" required error={errors.file} id={fileId}>
            <Box>
              <input
                id={fileId}
                ref={fileInput}
                type="file"
                aria-invalid={Boolean(errors.file)}
                aria-describedby={errors.file ? `${fileId}-error` : undefined}
                onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
              />
            </Box>
          </Input.Wrapper>
          {file && (
            <Text size="xs" c="dimmed">
              {file.name}, {formatBytes(file.size)}
            </Text>
          )}
          {progress !== undefined && (
            <Stack gap={4}>
              <Progress.Root size="lg">
                <Progress.Section value={Math.round(progress * 100)} aria-label="Upload progress" />
              </Progress.Root>
              <Text size="xs" aria-live="polite">
                {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Uploaded; the server is hashing and storing it…'}
              </Text>
            </Stack>
          )}
          {done && (
            <Text size="sm" role="status">
              Uploaded “{done.title}”: SHA-256 <Text span ff="monospace" size="xs">{done.sha256}</Text>
            </Text>
          )}
          <ProblemAlert error={upload.error} title="The file was not uploaded" />
          <Group>
            <Button type="submit" loading={upload.isPending}>
              Upload
            </Button>
            {upload.isPending && (
              <Button variant="default" onClick={() => abort.current?.abort()}>
                Cancel upload
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function LinkForm({ useCaseId, current, onDone }: { useCaseId: string; current: Evidence[]; onDone: () => void }) {
  const headingId = useId();
  const [kind, setKind] = useState<EvidenceKind | ''>('');
  const [title, setTitle] = useState('');
  const [url, setUrl] = useState('');
  const [previousId, setPreviousId] = useState('');
  const [attempted, setAttempted] = useState(false);
  const client = useQueryClient();
  const refresh = useRefreshUseCase(useCaseId);
  const attach = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/use-cases/{id}/evidence/links', {
          params: { path: { id: useCaseId } },
          body: { kind: kind as EvidenceKind, title: title.trim(), url: url.trim(), ...(previousId ? { previousId } : {}) },
        }),
      ),
    onSuccess: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: keys.evidence(useCaseId) }), refresh()]);
      onDone();
    },
  });
  const validUrl = /^https?:\/\/\S+$/i.test(url.trim());
  const local: Record<string, string> = attempted
    ? {
        ...(!kind ? { kind: 'Choose the kind of evidence' } : {}),
        ...(!title.trim() ? { title: 'Give the link a title' } : {}),
        ...(!validUrl ? { url: 'An address starting with https:// or http://' } : {}),
      }
    : {};
  const errors = { ...local, ...fieldErrors(attach.error) };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttempted(true);
    if (!kind || !title.trim() || !validUrl) return;
    attach.mutate();
  };
  return (
    <Paper withBorder p="md" maw={820} component="section" aria-labelledby={headingId}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3} id={headingId}>
            Attach a link
          </Title>
          <NativeSelect label="Link kind" required value={kind} onChange={(event) => setKind(event.currentTarget.value as EvidenceKind | '')} error={errors.kind} data={kindOptions('Choose…')} />
          <TextInput label="Link title" required value={title} onChange={(event) => setTitle(event.currentTarget.value)} error={errors.title} maxLength={200} />
          <TextInput label="Address (URL)" required type="url" placeholder="https://" value={url} onChange={(event) => setUrl(event.currentTarget.value)} error={errors.url} />
          <NativeSelect
            label="Link replaces"
            value={previousId}
            onChange={(event) => setPreviousId(event.currentTarget.value)}
            error={errors.previousId}
            data={[{ value: '', label: 'Nothing: a new item' }, ...current.map((item) => ({ value: item.id, label: `${item.title} (${evidenceKindLabel(item.kind)})` }))]}
          />
          <ProblemAlert error={attach.error} title="The link was not attached" />
          <Group>
            <Button type="submit" loading={attach.isPending}>
              Attach link
            </Button>
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
