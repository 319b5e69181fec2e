import { Anchor, Badge, Button, Code, Group, List, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap, type Schema } from '../../api/client';
import { QueryState } from '../../components/PageState';
import { ProblemAlert } from '../../components/ProblemAlert';
import { formatDateTime, humanize } from '../../components/format';
import { useAbilities } from '../../auth/session';
import { nameOf, useUsers, type User } from './people';

type Policy = Schema<'GatePolicyResponse'>;
type Summary = Schema<'GatePolicySummaryResponse'>;
type Document = Schema<'GatePolicyDocumentResponse'>;
type Requirements = Schema<'GateRequirementsResponse'> & { impactAssessment?: { acceptedTemplateVersions?: number[] } };
type Gate = keyof Schema<'GatePolicyGatesResponse'>;

const GATES: readonly Gate[] = ['design_to_develop', 'develop_to_deploy', 'deploy_to_operate', 'operate_review', 'retire'];
const TIERS = ['minimal', 'limited', 'high'] as const;

/** Parts of a policy document the generated type does not name (it allows them). */
interface PolicyExtras {
  impactAssessmentApprovers?: string[];
  riskAcceptance?: { fromSeverity: number; roles: string[] }[];
}

/**
 * Gate policies as versions: what each gate asks of each tier, readable by everyone;
 * administrators publish a new version (an existing one never changes).
 */
export default function GatePoliciesPage() {
  const can = useAbilities();
  const [searchParams] = useSearchParams();
  const requested = Number(searchParams.get('version'));
  const chosen = Number.isSafeInteger(requested) && requested >= 1 ? requested : undefined;
  const users = useUsers(can.isAdmin || can.audits);

  const versions = useQuery({ queryKey: ['gate-policies', 'list'], queryFn: async () => unwrap(await api.GET('/api/gate-policies')) });
  const current = useQuery({ queryKey: ['gate-policies', 'current'], queryFn: async () => unwrap(await api.GET('/api/gate-policies/current')) });
  const shown = useQuery({
    queryKey: ['gate-policies', 'version', chosen],
    queryFn: async () => unwrap(await api.GET('/api/gate-policies/{version}', { params: { path: { version: chosen! } } })),
    enabled: chosen !== undefined,
    staleTime: Infinity,
  });
  const policy = chosen === undefined ? current : shown;

  return (
    <Stack gap="xl">
      <div>
        <Title order={1}>Gate policies</Title>
        <Text c="dimmed" size="sm" mt={4}>
          A gate policy says what each gate asks of a use case at each risk tier: who signs and how many, which evidence, which checklist
          answers. Publishing makes a new version; reviews opened earlier keep the version they opened under.
        </Text>
      </div>

      <section aria-labelledby="versions-heading">
        <Title order={2} id="versions-heading" mb="sm">
          Versions
        </Title>
        <QueryState query={versions} label="Loading policy versions" isEmpty={(data) => data.length === 0} empty="No gate policy has been published.">
          {(data) => <VersionsTable versions={data} shownVersion={policy.data?.version} users={users.data} />}
        </QueryState>
      </section>

      <QueryState query={policy} label="Loading the policy">
        {(data) => <PolicyView policy={data} isCurrent={data.version === current.data?.version} users={users.data} />}
      </QueryState>

      {can.isAdmin && current.data && <PublishForm key={current.data.version} current={current.data} />}
    </Stack>
  );
}

function VersionsTable({ versions, shownVersion, users }: { versions: Summary[]; shownVersion?: number; users: User[] | undefined }) {
  const latest = Math.max(...versions.map((version) => version.version));
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Version</Table.Th>
            <Table.Th scope="col">Published</Table.Th>
            <Table.Th scope="col">By</Table.Th>
            <Table.Th scope="col">Note</Table.Th>
            <Table.Th scope="col">Document hash</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {newestFirst.map((version) => (
            <Table.Tr key={version.version} aria-current={version.version === shownVersion ? 'true' : undefined}>
              <Table.Td>
                <Group gap={6}>
                  <Anchor component={Link} to={`?version=${version.version}`} fw={version.version === shownVersion ? 700 : undefined}>
                    Version {version.version}
                  </Anchor>
                  {version.version === latest && (
                    <Badge size="sm" variant="outline" color="teal.9">
                      Current
                    </Badge>
                  )}
                  {version.version === shownVersion && (
                    <Badge size="sm" variant="outline">
                      Shown below
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>{formatDateTime(version.publishedAt)}</Table.Td>
              <Table.Td>{nameOf(users, version.publishedBy)}</Table.Td>
              <Table.Td>{version.note ?? '—'}</Table.Td>
              <Table.Td>
                <Code title={version.documentHash}>{version.documentHash.slice(0, 16)}…</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function PolicyView({ policy, isCurrent, users }: { policy: Policy; isCurrent: boolean; users: User[] | undefined }) {
  const document = policy.document;
  const extras = document as Document & PolicyExtras;
  return (
    <section aria-labelledby="policy-heading">
      <Title order={2} id="policy-heading">
        Version {policy.version}: {document.name}
      </Title>
      <Text size="sm" c="dimmed" mt={4}>
        {isCurrent ? 'The current policy' : 'An earlier version'}, published {formatDateTime(policy.publishedAt)} by {nameOf(users, policy.publishedBy)}
        {policy.note ? ` (${policy.note})` : ''}. Document hash <Code>{policy.documentHash}</Code>
      </Text>
      {document.source && (
        <Text size="sm" mt="xs">
          {document.source}
        </Text>
      )}

      <Stack gap="lg" mt="md">
        {GATES.map((gate) => (
          <GateView key={gate} gate={gate} document={document} />
        ))}
      </Stack>

      {!!(extras.impactAssessmentApprovers?.length || extras.riskAcceptance?.length) && (
        <Stack gap="xs" mt="lg">
          <Title order={3}>Outside deciders</Title>
          {extras.impactAssessmentApprovers?.length ? (
            <Text size="sm">Impact assessments are approved by: {extras.impactAssessmentApprovers.map(humanize).join(' or ')}, outside the use case's teams.</Text>
          ) : null}
          {extras.riskAcceptance?.length ? (
            <List size="sm">
              {extras.riskAcceptance.map((rule) => (
                <List.Item key={rule.fromSeverity}>
                  A risk of severity {rule.fromSeverity} or more is accepted by: {rule.roles.map(humanize).join(' or ')}.
                </List.Item>
              ))}
            </List>
          ) : null}
        </Stack>
      )}
    </section>
  );
}

function GateView({ gate, document }: { gate: Gate; document: Document }) {
  const tiers = document.gates[gate];
  const controls = document.controls?.gates?.[gate];
  const headingId = `gate-${gate}`;
  return (
    <section aria-labelledby={headingId}>
      <Title order={3} id={headingId}>
        {humanize(gate)}
      </Title>
      {controls?.length ? (
        <Text size="xs" c="dimmed">
          Evidences ISO/IEC 42001 Annex A: {controls.join(', ')}
        </Text>
      ) : null}
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="xs" withTableBorder mt="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col" w={110}>
                Tier
              </Table.Th>
              <Table.Th scope="col">Sign-offs</Table.Th>
              <Table.Th scope="col">Evidence</Table.Th>
              <Table.Th scope="col">Checklist</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {TIERS.map((tier) => {
              const requirements = tiers[tier] as Requirements;
              return (
                <Table.Tr key={tier} style={{ verticalAlign: 'top' }}>
                  <Table.Th scope="row">
                    {humanize(tier)}
                    {requirements.reviewIntervalMonths && (
                      <Text size="xs" c="dimmed" fw={400}>
                        holds {requirements.reviewIntervalMonths} months
                      </Text>
                    )}
                  </Table.Th>
                  <Table.Td>
                    {requirements.signOffs.length === 0 ? (
                      <Text size="sm">None</Text>
                    ) : (
                      <List size="sm" spacing={2}>
                        {requirements.signOffs.map((signOff) => (
                          <List.Item key={signOff.role} title={signOff.note}>
                            {humanize(signOff.role)} × {signOff.quorum}
                          </List.Item>
                        ))}
                      </List>
                    )}
                    {requirements.impactAssessment && (
                      <Text size="xs" mt={4}>
                        An approved impact assessment
                        {requirements.impactAssessment.acceptedTemplateVersions?.length
                          ? ` (template version ${requirements.impactAssessment.acceptedTemplateVersions.join(', ')})`
                          : ''}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {requirements.evidence.length === 0 ? (
                      <Text size="sm">None</Text>
                    ) : (
                      <List size="sm" spacing={2}>
                        {requirements.evidence.map((evidence) => (
                          <List.Item key={evidence.kind} title={evidence.note}>
                            {humanize(evidence.kind)}
                          </List.Item>
                        ))}
                      </List>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {requirements.checklist.length === 0 ? (
                      <Text size="sm">None</Text>
                    ) : (
                      <List size="sm" spacing={2}>
                        {requirements.checklist.map((id) => (
                          <List.Item key={id}>
                            {document.checklistItems[id]?.text ?? id}{' '}
                            <Text span size="xs" c="dimmed" ff="monospace">
                              {id}
                            </Text>
                          </List.Item>
                        ))}
                      </List>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </section>
  );
}

function PublishForm({ current }: { current: Policy }) {
  const queryClient = useQueryClient();
  const [, setSearchParams] = useSearchParams();
  const [text, setText] = useState(() => JSON.stringify(current.document, null, 2));
  const [note, setNote] = useState('');
  const [parseError, setParseError] = useState<string | undefined>();

  const publish = useMutation({
    mutationFn: async (document: Record<string, unknown>) =>
      unwrap(await api.POST('/api/gate-policies', { body: { document, ...(note.trim() ? { note: note.trim() } : {}) } })),
    onSuccess: (published) => {
      void queryClient.invalidateQueries({ queryKey: ['gate-policies'] });
      void queryClient.invalidateQueries({ queryKey: ['audit-events'] });
      setSearchParams({ version: String(published.version) });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      setParseError(`This is not valid JSON: ${(error as Error).message}`);
      return;
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      setParseError('The document must be a JSON object: { "name": …, "checklistItems": …, "gates": … }.');
      return;
    }
    setParseError(undefined);
    publish.mutate(document as Record<string, unknown>);
  };

  return (
    <form onSubmit={submit} aria-labelledby="publish-heading" noValidate>
      <Title order={2} id="publish-heading" mb="xs">
        Publish a new version
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Starts from version {current.version}, the current policy. The server checks the whole document (gates, tiers, roles, evidence kinds,
        checklist items and Annex A controls) and lists what is wrong; nothing is published until it all holds. Publishing is recorded in the
        trail.
      </Text>
      <Stack gap="sm">
        <Textarea
          label="Policy document (JSON)"
          autosize
          minRows={16}
          maxRows={40}
          spellCheck={false}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setParseError(undefined);
          }}
          error={parseError}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        />
        <TextInput label="Note" description="What changed and why" maxLength={1000} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        {publish.isError && <ProblemAlert error={publish.error} title="The policy was not published" />}
        {publish.isSuccess && (
          <Text size="sm" role="status">
            Published as version {publish.data.version}.
          </Text>
        )}
        <Group>
          <Button type="submit" loading={publish.isPending}>
            Publish version
          </Button>
          <Button variant="default" onClick={() => setText(JSON.stringify(current.document, null, 2))}>
            Reset to version {current.version}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
