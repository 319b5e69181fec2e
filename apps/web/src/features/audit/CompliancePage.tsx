import {
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  List,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schema } from '../../api/client';
import { fieldErrors, problemCode } from '../../api/problems';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDate, formatDateTime, humanize } from '../../components/format';
import { nameOf, useUsers, type User } from '../admin/people';
import { fromLocalInput } from './auditTrail';

type Soa = Schema<'StatementOfApplicabilityResponse'>;
type Control = Schema<'SoaControlResponse'>;
type Status = NonNullable<Control['status']>;

const STATUSES: readonly Status[] = ['not_assessed', 'planned', 'in_progress', 'implemented'];

/** For compliance officers and administrators: the ISO/IEC 42001 Statement of Applicability and the evidence pack. */
export default function CompliancePage() {
  return (
    <Stack gap="xl">
      <div>
        <Title order={1}>Compliance</Title>
        <Text c="dimmed" size="sm" mt={4}>
          What an ISO/IEC 42001 audit samples: the Statement of Applicability, with the evidence Gatehouse holds for each Annex A control, and
          the evidence pack an auditor takes away and checks without Gatehouse.
        </Text>
      </div>
      <EvidencePack />
      <StatementOfApplicability />
    </Stack>
  );
}

function EvidencePack() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [files, setFiles] = useState(false);
  const params = new URLSearchParams();
  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  if (fromIso) params.set('from', fromIso);
  if (toIso) params.set('to', toIso);
  if (files) params.set('files', 'true');
  const query = params.toString();
  const href = `/api/compliance/iso42001/pack${query ? `?${query}` : ''}`;

  return (
    <section aria-labelledby="pack-heading">
      <Title order={2} id="pack-heading" mb="xs">
        Evidence pack
      </Title>
      <Text size="sm" mb="sm">
        One ZIP file read in a single snapshot of the database: the Statement of Applicability, the inventory of use cases, a dossier per use
        case (revisions, risks, reviews and every sign-off, evidence index), the gate policies in force, who held which role, metrics, the
        audit trail's slice with a signed checkpoint, and a printable report. Downloading it is recorded in the trail.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" maw={820}>
        <TextInput
          type="datetime-local"
          label="Period from"
          description="Empty: from the beginning"
          value={from}
          onChange={(event) => setFrom(event.currentTarget.value)}
        />
        <TextInput
          type="datetime-local"
          label="Period to"
          description="Exclusive; empty: now"
          value={to}
          onChange={(event) => setTo(event.currentTarget.value)}
        />
        <Checkbox
          mt={{ sm: 30 }}
          label="Include the evidence files"
          description="Otherwise only their index and hashes"
          checked={files}
          onChange={(event) => setFiles(event.currentTarget.checked)}
        />
      </SimpleGrid>
      <Group mt="md">
        <Button component="a" href={href} download>
          Download the evidence pack
        </Button>
      </Group>
      <Text size="sm" mt="md">
        <strong>How an auditor verifies it:</strong> <Code>manifest.json</Code> lists the SHA-256 of every other file and the signed checkpoint of
        the trail at the pack's end; <Code>manifest.sig.json</Code> is an Ed25519 signature of the manifest. <Code>VERIFY.md</Code> inside the
        pack walks through the checks with <Code>sha256sum</Code>, <Code>openssl</Code> and the chain specification: the files match the
        manifest, the signature holds for the public key below (obtained from Gatehouse, not from the pack), and the trail's slice links up
        and ends at the signed checkpoint.
      </Text>
      <PublicKey />
    </section>
  );
}

function PublicKey() {
  const key = useQuery({ queryKey: ['audit-public-key'], queryFn: async () => unwrap(await api.GET('/api/audit/public-key')) });
  return (
    <Stack gap="xs" mt="md">
      <Title order={3} size="h5">
        The signing key
      </Title>
      <QueryState query={key} label="Loading the public key">
        {(data) => (
          <>
            <Text size="sm">
              Key id <Code>{data.keyId}</Code> ({data.algorithm}). Give the auditor this key by a separate channel from the pack.
            </Text>
            <Code block data-testid="public-key">
              {data.publicKey.trim()}
            </Code>
            <Group>
              <CopyButton value={data.publicKey}>
                {({ copied, copy }) => (
                  <Button variant="default" size="xs" onClick={copy}>
                    {copied ? 'Copied' : 'Copy the public key'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            {data.keys.length > 1 && (
              <Text size="xs" c="dimmed">
                Earlier keys, still valid for older checkpoints: {data.keys.filter((k) => k.keyId !== data.keyId).map((k) => k.keyId).join(', ')}.
              </Text>
            )}
          </>
        )}
      </QueryState>
    </Stack>
  );
}

function StatementOfApplicability() {
  const soa = useQuery({ queryKey: ['soa'], queryFn: async () => unwrap(await api.GET('/api/compliance/iso42001/soa')) });
  const users = useUsers();
  const [editing, setEditing] = useState<Control | undefined>();

  return (
    <section aria-labelledby="soa-heading">
      <Title order={2} id="soa-heading" mb="xs">
        Statement of Applicability
      </Title>
      <QueryState query={soa} label="Loading the Statement of Applicability" isEmpty={(data) => data.controls.length === 0}>
        {(data) => (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {data.catalogue.standard}, catalogue version {data.catalogue.version}. Statement version {data.version}
              {data.version === 0
                ? ' (never edited: every control applicable, not assessed)'
                : `, edited ${formatDateTime(data.editedAt)} by ${nameOf(users.data, data.editedBy)}`}
              . Evidence counted from Gatehouse's records through gate policy version {data.policyVersion}'s control mapping.
            </Text>
            <Table.ScrollContainer minWidth={900}>
              <Table striped verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Control</Table.Th>
                    <Table.Th scope="col">Title</Table.Th>
                    <Table.Th scope="col">Applicability</Table.Th>
                    <Table.Th scope="col">Status</Table.Th>
                    <Table.Th scope="col">Owner</Table.Th>
                    <Table.Th scope="col">Evidence</Table.Th>
                    <Table.Th scope="col">Change</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.controls.map((control) => (
                    <ControlRow key={control.controlId} control={control} users={users.data} onEdit={() => setEditing(control)} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <EditControl soa={data} control={editing} users={users.data} onClose={() => setEditing(undefined)} />
          </Stack>
        )}
      </QueryState>
    </section>
  );
}

function ControlRow({ control, users, onEdit }: { control: Control; users: User[] | undefined; onEdit: () => void }) {
  const total = control.evidence.reduce((sum, item) => sum + item.count, 0);
  return (
    <Table.Tr>
      <Table.Th scope="row">
        <Text span ff="monospace" size="sm">
          {control.controlId}
        </Text>
      </Table.Th>
      <Table.Td>
        {control.title}
        <Text size="xs" c="dimmed">
          {humanize(control.evidenceType)} evidence
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={control.applicable ? 'blue' : 'gray.8'} variant={control.applicable ? 'light' : 'outline'}>
          {control.applicable ? 'Applicable' : 'Excluded'}
        </Badge>
        {control.justification && (
          <Text size="xs" c="dimmed" mt={4}>
            {control.justification}
          </Text>
        )}
      </Table.Td>
      <Table.Td>{control.status ? humanize(control.status) : '—'}</Table.Td>
      <Table.Td>{nameOf(users, control.ownerId)}</Table.Td>
      <Table.Td>
        <Text size="sm" data-testid={`evidence-count-${control.controlId}`}>
          {total}
          {control.latestEvidenceAt && (
            <Text span size="xs" c="dimmed">
              {' '}
              (latest {formatDate(control.latestEvidenceAt)})
            </Text>
          )}
        </Text>
        {control.evidence.length > 0 && (
          <List size="xs" c="dimmed" spacing={0}>
            {control.evidence.map((item) => (
              <List.Item key={`${item.source}:${item.name}`}>
                {humanize(item.source)} {item.name.replace(/_/g, ' ')}: {item.count}
              </List.Item>
            ))}
          </List>
        )}
      </Table.Td>
      <Table.Td>
        <Button size="xs" variant="default" onClick={onEdit} aria-label={`Edit ${control.controlId}`}>
          Edit
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

function EditControl({ soa, control, users, onClose }: { soa: Soa; control: Control | undefined; users: User[] | undefined; onClose: () => void }) {
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Close dialog' }} opened={control !== undefined} onClose={onClose} title={control ? `Edit ${control.controlId}: ${control.title}` : ''} size="lg">
      {control && <EditControlForm key={control.controlId} soa={soa} control={control} users={users} onDone={onClose} />}
    </Modal>
  );
}

function EditControlForm({ soa, control, users, onDone }: { soa: Soa; control: Control; users: User[] | undefined; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [applicable, setApplicable] = useState(control.applicable);
  const [justification, setJustification] = useState(control.justification ?? '');
  const [status, setStatus] = useState<Status>(control.status ?? 'not_assessed');
  const [ownerId, setOwnerId] = useState<string | null>(control.ownerId);
  const [note, setNote] = useState('');
  const [missingJustification, setMissingJustification] = useState(false);

  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH('/api/compliance/iso42001/soa/controls/{controlId}', {
          params: { path: { controlId: control.controlId } },
          body: {
            basedOnVersion: soa.version,
            applicable,
            justification: justification.trim() ? justification.trim() : null,
            ...(applicable ? { status } : {}),
            ownerId,
            ...(note.trim() ? { note: note.trim() } : {}),
          },
        }),
      ),
    onSuccess: (next) => {
      queryClient.setQueryData(['soa'], next);
      void queryClient.invalidateQueries({ queryKey: ['soa'] });
      void queryClient.invalidateQueries({ queryKey: ['audit-events'] });
      onDone();
    },
    // Another edit came first: the statement reloads under this form, whose values stay, so saving again applies them to the new version.
    onError: (error) => {
      if (problemCode(error) === 'soa-version-stale') void queryClient.invalidateQueries({ queryKey: ['soa'] });
    },
  });
  const errors = fieldErrors(save.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const needsJustification = !applicable && !justification.trim();
    setMissingJustification(needsJustification);
    if (!needsJustification) save.mutate();
  };

  const people = (users ?? []).filter((user) => user.active && user.kind === 'person').map((user) => ({ value: user.id, label: user.displayName }));
  if (ownerId && !people.some((person) => person.value === ownerId)) people.push({ value: ownerId, label: nameOf(users, ownerId) });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          Editing version {soa.version} of the statement. Each edit makes a new version and is recorded in the trail with the entry before and
          after.
        </Text>
        <Switch label="Applicable" description="Off: the control is excluded; say why below" checked={applicable} onChange={(e) => setApplicable(e.currentTarget.checked)} />
        <Textarea
          label="Justification"
          description="Why the control is included or excluded"
          autosize
          minRows={2}
          maxLength={4000}
          required={!applicable}
          value={justification}
          onChange={(e) => setJustification(e.currentTarget.value)}
          error={missingJustification ? 'An excluded control needs a justification.' : errors['justification']}
        />
        <Select
          label="Implementation status"
          data={STATUSES.map((value) => ({ value, label: humanize(value) }))}
          value={applicable ? status : null}
          onChange={(value) => value && setStatus(value as Status)}
          disabled={!applicable}
          description={applicable ? undefined : 'An excluded control has no implementation status'}
          allowDeselect={false}
          error={errors['status']}
        />
        <Select
          label="Owner"
          description="The person answerable for the control"
          data={people}
          value={ownerId}
          onChange={setOwnerId}
          searchable
          clearable
          nothingFoundMessage="Nobody by that name"
          error={errors['ownerId']}
        />
        <TextInput label="Note" description="Why the entry changed (recorded with the edit)" maxLength={2000} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errors['note']} />
        <ProblemAlert error={save.error} title="The control was not saved" />
        {problemCode(save.error) === 'soa-version-stale' && (
          <Text size="sm">The statement has been reloaded. Check the table, then save again to apply your change to version {soa.version}.</Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save control
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
