import { Box, Button, Group, Input, NativeSelect, Paper, Progress, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, unwrap } from '../../../api/client';
import { fieldErrors } from '../../../api/problems';
import { formatBytes } from '../../../components/format';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { EVIDENCE_KIND_LABELS, EVIDENCE_KINDS, evidenceKindLabel, type EvidenceKind } from '../labels';
import { keys, useRefreshUseCase } from '../queries';
import { uploadEvidence, type Evidence, type UploadFields } from './uploadEvidence';

const kindOptions = (placeholder: string) => [{ value: '', label: placeholder }, ...EVIDENCE_KINDS.map((value) => ({ value, label: EVIDENCE_KIND_LABELS[value] }))];

/** Uploading a file (fields first, then the file) with a progress bar; "New version" on a row fills it in for that item. */
export function UploadForm({
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

/** Attaching a link as evidence, or as a new version of an item. */
export function LinkForm({ useCaseId, current, onDone }: { useCaseId: string; current: Evidence[]; onDone: () => void }) {
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
