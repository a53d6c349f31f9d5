import { readFileSync } from 'fs';
import { join } from 'path';
import { describeDue, renderProcessDiagram, roundLoopTargets } from '../../../infra/scripts/generate-process-diagram';
import { graphFor, type MilestoneGraph } from '../../../libs/domain/src/process';

const CHECKED_IN = join(__dirname, '../../../docs/process.md');

function mermaidOf(markdown: string): string[] {
  const start = markdown.indexOf('```mermaid\n');
  const end = markdown.indexOf('\n```', start + 1);
  return markdown.slice(start + '```mermaid\n'.length, end).split('\n');
}

function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
}

describe('docs/process.md', () => {
  it('matches the milestone graph (run `npm run docs:process` if this fails)', () => {
    let checkedIn: string;
    try {
      checkedIn = readFileSync(CHECKED_IN, 'utf8');
    } catch {
      throw new Error('docs/process.md is missing: run `npm run docs:process` and commit the result.');
    }
    const expected = renderProcessDiagram();
    if (checkedIn !== expected) {
      const a = checkedIn.split('\n');
      const b = expected.split('\n');
      let line = 0;
      while (a[line] === b[line]) line++;
      throw new Error(
        `docs/process.md is out of date with the milestone graph: run \`npm run docs:process\` and commit the result.\n` +
          `First difference at line ${line + 1}:\n  file:      ${a[line] ?? '(end of file)'}\n  generated: ${b[line] ?? '(end of file)'}`,
      );
    }
  });
});

describe('renderProcessDiagram', () => {
  const graph = graphFor();
  const markdown = renderProcessDiagram(graph);
  const diagram = mermaidOf(markdown);

  it('says it is generated and how to regenerate it', () => {
    expect(markdown).toContain('Do not edit it by hand');
    expect(markdown).toContain('`npm run docs:process`');
  });

  it('draws a left-to-right flowchart with one subgraph per phase holding its milestones', () => {
    expect(diagram[0]).toBe('flowchart LR');
    expect(diagram.filter((l) => l.trim().startsWith('subgraph '))).toEqual([
      '  subgraph extract_exchange["Extract exchange"]',
      '  subgraph access_setup["Access setup"]',
      '  subgraph training["Training"]',
      '  subgraph data_checking["Data checking"]',
    ]);
    const training = diagram.slice(
      diagram.indexOf('  subgraph training["Training"]') + 1,
      diagram.indexOf('  subgraph data_checking["Data checking"]') - 1,
    );
    expect(training.map((l) => l.trim().split('[')[0])).toEqual(['trainingScheduled', 'usersTrained']);
  });

  it('labels every milestone with its title, owner and due rule', () => {
    for (const m of graph.milestones) {
      const node = diagram.find((l) => l.trim().startsWith(`${m.key}["`));
      expect(node).toContain(m.title);
      expect(node).toContain(`owner: ${m.owner}`);
    }
    expect(diagram.find((l) => l.trim().startsWith('extractDelivered['))).toContain('≤ 5 working days');
    expect(diagram.find((l) => l.trim().startsWith('usersTrained['))).toContain(
      'owner: new-supplier (or delivery-partner)',
    );
  });

  it('draws an arrow from every prerequisite and nothing else as a solid arrow', () => {
    const solid = diagram.filter((l) => l.includes(' --> ')).map((l) => l.trim());
    const expected = graph.milestones.flatMap((m) => m.prerequisites.map((p) => `${p} --> ${m.key}`));
    expect(solid).toEqual(expected);
    expect(solid).toContain('usersTrained --> testCriteriaProvided');
  });

  it('styles the optional milestones dashed', () => {
    expect(diagram).toContain('  classDef optional stroke-dasharray: 5 5');
    expect(diagram).toContain('  class subsidiaryExtractDelivered,subsidiaryExtractLoaded optional');
  });

  it('shows the round loop as dotted, labelled arrows from the round outcome back to where each remedy restarts', () => {
    expect(diagram.filter((l) => l.includes('-.->')).map((l) => l.trim())).toEqual([
      'dataCheckPassed -.->|"failed: re-extract"| extractRequested',
      'dataCheckPassed -.->|"failed: re-transform"| extractLoaded',
      'dataCheckPassed -.->|"failed: re-transform"| subsidiaryExtractLoaded',
    ]);
    expect(roundLoopTargets(graph)).toEqual([
      { remedy: 're-extract', from: 'dataCheckPassed', to: ['extractRequested'] },
      { remedy: 're-transform', from: 'dataCheckPassed', to: ['extractLoaded', 'subsidiaryExtractLoaded'] },
    ]);
  });

  it('lists every milestone in a table with owner, who else may report it, prerequisites, due rule and redo', () => {
    const rows = tableRows(markdown);
    expect(rows.map((r) => r[0])).toEqual(graph.milestones.map((m) => `\`${m.key}\``));
    expect(rows.find((r) => r[0] === '`testCriteriaProvided`')).toEqual([
      '`testCriteriaProvided`',
      'Test criteria provided to the practice',
      'new-supplier',
      'delivery-partner',
      '`testSystemAvailable`, `adminUsersProvisioned`, `usersTrained`',
      '≤ 2 working days',
      '–',
    ]);
    expect(rows.find((r) => r[0] === '`extractLoaded`')![6]).toBe('re-extract, re-transform');
  });

  it('describes due rules in words, including re-check rounds and the 6-week cap', () => {
    const byKey = new Map(graph.milestones.map((m) => [m.key, m]));
    expect(describeDue(byKey.get('extractReceived')!)).toBe('≤ 1 working day');
    expect(describeDue(byKey.get('dataCheckRoundCompleted')!)).toBe('≤ 5 working days (re-check rounds ≤ 3)');
    expect(describeDue(byKey.get('signedOff')!)).toBe(
      '≤ 2 working days; never later than 30 working days after extractRequested was first done',
    );
    expect(describeDue({ ...byKey.get('signedOff')!, due: undefined })).toBe('no deadline');
  });

  it('follows the graph it is given: a new milestone appears as a node, an arrow and a row', () => {
    const extended: MilestoneGraph = {
      ...graph,
      version: 2,
      milestones: [
        ...graph.milestones,
        {
          key: 'smartcardsIssued',
          title: 'Smartcards issued to "new" staff',
          phase: 'access-setup',
          owner: 'delivery-partner',
          prerequisites: ['practiceUsersSetUp'],
          due: { workingDays: 4 },
          stage: 'preparing',
        },
      ],
    };
    const output = renderProcessDiagram(extended);
    expect(output).toContain('milestones of graph version 2');
    const lines = mermaidOf(output);
    expect(lines).toContain(
      '    smartcardsIssued["Smartcards issued to #quot;new#quot; staff<br/>owner: delivery-partner<br/>≤ 4 working days"]',
    );
    expect(lines).toContain('  practiceUsersSetUp --> smartcardsIssued');
    expect(tableRows(output).map((r) => r[0])).toContain('`smartcardsIssued`');
    expect(output).not.toBe(markdown);
  });
});
