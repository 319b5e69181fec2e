import { List, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { WordBadge } from './badges';
import { AI_ROLE_LABELS, fieldLabel, type UseCaseContent } from './labels';
import type { People } from './queries';
import { ValueView } from './ValueView';

/** The guide's "define use case" fields, in the order a reviewer reads them. */
const ORDER = [
  'title',
  'businessProblem',
  'intendedUse',
  'foreseeableMisuse',
  'stakeholders',
  'inputs',
  'outputs',
  'workflow',
  'aiRole',
  'developerTeamId',
  'deployerTeamId',
] as const;

/** Shown in their own sections of the review page. */
const ELSEWHERE = new Set(['risks', 'checklist', 'evidence', 'tierOverride']);

/**
 * The use case's content at one revision, field by field: the known fields with a
 * view each, then anything else the content holds, shown generically.
 */
export function RevisionContent({ content, people }: { content: UseCaseContent; people: People }) {
  const record = content as unknown as Record<string, unknown>;
  const others = Object.keys(record).filter((key) => !(ORDER as readonly string[]).includes(key) && !ELSEWHERE.has(key));
  return (
    <Table withRowBorders verticalSpacing="sm" aria-label="Use case content at the pinned revision">
      <Table.Tbody>
        {ORDER.filter((key) => key in record).map((key) => (
          <Field key={key} label={fieldLabel(key)}>
            <KnownField name={key} content={content} people={people} />
          </Field>
        ))}
        {others.map((key) => (
          <Field key={key} label={fieldLabel(key)}>
            <ValueView value={record[key]} name={key} />
          </Field>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={220} style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

function KnownField({ name, content, people }: { name: (typeof ORDER)[number]; content: UseCaseContent; people: People }) {
  switch (name) {
    case 'stakeholders':
      return content.stakeholders.length ? (
        <List size="sm" spacing={4}>
          {content.stakeholders.map((stakeholder, index) => (
            <List.Item key={`${stakeholder.name}-${index}`}>
              <Text span size="sm" fw={600}>
                {stakeholder.name}
              </Text>
              {stakeholder.objectives && <Text span size="sm">: {stakeholder.objectives}</Text>}{' '}
              {stakeholder.affectedNonUser && <WordBadge tone="warn">Affected non-user</WordBadge>}
            </List.Item>
          ))}
        </List>
      ) : (
        <ValueView value={[]} />
      );
    case 'workflow':
      return (
        <>
          <ValueView value={content.workflow.description} />
          {content.workflow.components.length > 0 && (
            <>
              <Text size="sm" fw={600} mt="xs">
                Components
              </Text>
              <List size="sm" spacing={4}>
                {content.workflow.components.map((component, index) => (
                  <List.Item key={`${component.name}-${index}`}>
                    <Text span size="sm" fw={600}>
                      {component.name}
                    </Text>
                    {component.description && <Text span size="sm">: {component.description}</Text>}
                  </List.Item>
                ))}
              </List>
            </>
          )}
        </>
      );
    case 'aiRole':
      return <Text size="sm">{AI_ROLE_LABELS[content.aiRole] ?? content.aiRole}</Text>;
    case 'developerTeamId':
    case 'deployerTeamId':
      return <Text size="sm">{people.teamName(content[name])}</Text>;
    default:
      return <ValueView value={content[name]} />;
  }
}
