/*
 * Generates docs/process.md from the IDP milestone graph: a Mermaid flowchart and a table of the milestones, so the
 * picture people read is always the process the workflow runs.
 *
 * Run from the repository root: `npm run docs:process` (or `npx ts-node --transpile-only
 * infra/scripts/generate-process-diagram.ts [outputFile]`). test/unit/docs/process-diagram.spec.ts fails when the
 * checked-in docs/process.md no longer matches this output.
 */
import { writeFileSync } from 'fs';
import { resolve } from 'path';
import { graphFor, PHASES, REMEDIES } from '../../libs/domain/src/process';
import type { MilestoneDefinition, MilestoneGraph, Phase, Remedy } from '../../libs/domain/src/process';

export const OUTPUT_PATH = 'docs/process.md';

const PHASE_TITLES: Record<Phase, string> = {
  'extract-exchange': 'Extract exchange',
  'access-setup': 'Access setup',
  training: 'Training',
  'data-checking': 'Data checking',
};

const COMPLETED_BY: Record<NonNullable<MilestoneDefinition['completedBy']>, string> = {
  report: 'a milestone report',
  'round-outcome': 'the round outcome',
  'sign-off': 'the clinical lead’s sign-off',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The due rule in words, e.g. "≤ 5 working days (re-check rounds ≤ 3)". */
export function describeDue(m: MilestoneDefinition): string {
  if (!m.due) return 'no deadline';
  const parts = [`≤ ${plural(m.due.workingDays, 'working day')}`];
  if (m.due.recheckWorkingDays !== undefined) parts[0] += ` (re-check rounds ≤ ${m.due.recheckWorkingDays})`;
  if (m.due.cap) {
    parts.push(
      `never later than ${plural(m.due.cap.workingDays, 'working day')} after ${m.due.cap.afterFirstCompletionOf} was first done`,
    );
  }
  return parts.join('; ');
}

/**
 * Where a failed round goes back to for each remedy: the milestones redone on that remedy whose own prerequisites
 * are not redone (the first steps of the new round), keyed by remedy.
 */
export function roundLoopTargets(graph: MilestoneGraph): Array<{ remedy: Remedy; from: string; to: string[] }> {
  const outcome = graph.milestones.find((m) => m.completedBy === 'round-outcome');
  if (!outcome) return [];
  return REMEDIES.map((remedy) => {
    const redone = new Set(graph.milestones.filter((m) => m.redoneOn?.includes(remedy)).map((m) => m.key));
    const to = graph.milestones
      .filter((m) => redone.has(m.key) && m.key !== outcome.key && !m.prerequisites.some((p) => redone.has(p)))
      .map((m) => m.key);
    return { remedy, from: outcome.key, to };
  }).filter((loop) => loop.to.length > 0);
}

// Mermaid labels are double-quoted; a double quote inside one is written as an entity.
const mermaidText = (text: string) => text.replace(/"/g, '#quot;');

// A table cell must not contain a pipe or a line break.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (keys: string[]) => (keys.length === 0 ? '–' : keys.map((k) => `\`${k}\``).join(', '));

function nodeLabel(m: MilestoneDefinition): string {
  const also = m.alsoReportableBy?.length ? ` (or ${m.alsoReportableBy.join(', ')})` : '';
  const lines = [m.title, `owner: ${m.owner}${also}`, describeDue(m).replace(/; /g, '<br/>')];
  if (m.completedBy && m.completedBy !== 'report') lines.push(`by ${COMPLETED_BY[m.completedBy]}`);
  if (m.optional) lines.push('optional');
  return mermaidText(lines.join('<br/>'));
}

function phaseId(phase: Phase): string {
  return phase.replace(/-/g, '_');
}

function mermaid(graph: MilestoneGraph): string[] {
  const lines = ['flowchart LR'];
  for (const phase of PHASES) {
    const members = graph.milestones.filter((m) => m.phase === phase);
    if (members.length === 0) continue;
    lines.push(`  subgraph ${phaseId(phase)}["${mermaidText(PHASE_TITLES[phase])}"]`);
    for (const m of members) lines.push(`    ${m.key}["${nodeLabel(m)}"]`);
    lines.push('  end');
  }
  for (const m of graph.milestones) for (const p of m.prerequisites) lines.push(`  ${p} --> ${m.key}`);
  for (const { remedy, from, to } of roundLoopTargets(graph)) {
    for (const target of to) lines.push(`  ${from} -.->|"failed: ${remedy}"| ${target}`);
  }
  const optional = graph.milestones.filter((m) => m.optional).map((m) => m.key);
  const commands = graph.milestones.filter((m) => m.completedBy && m.completedBy !== 'report').map((m) => m.key);
  lines.push('  classDef optional stroke-dasharray: 5 5');
  lines.push('  classDef command stroke-width: 3px');
  if (optional.length > 0) lines.push(`  class ${optional.join(',')} optional`);
  if (commands.length > 0) lines.push(`  class ${commands.join(',')} command`);
  return lines;
}

function table(graph: MilestoneGraph): string[] {
  const header = ['key', 'title', 'owner', 'also reportable by', 'prerequisites', 'due', 'redone on'];
  const rows = graph.milestones.map((m) => [
    `\`${m.key}\``,
    cell(m.optional ? `${m.title} (optional)` : m.title),
    m.owner,
    m.alsoReportableBy?.length ? m.alsoReportableBy.join(', ') : '–',
    code(m.prerequisites),
    cell(describeDue(m)),
    m.redoneOn?.length ? m.redoneOn.join(', ') : '–',
  ]);
  // Columns padded to their widest cell, as Prettier formats a Markdown table (so `prettier --check` passes).
  const width = (text: string) => [...text].length;
  const widths = header.map((_, i) => Math.max(3, ...[header, ...rows].map((r) => width(r[i]))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Data checking's prerequisites from the other phases: what must be true before the practice starts checking. */
function dataCheckingGate(graph: MilestoneGraph): string[] {
  const checking = graph.milestones.filter((m) => m.phase === 'data-checking');
  const inPhase = new Set(checking.map((m) => m.key));
  const gate = checking.flatMap((m) => m.prerequisites.filter((p) => !inPhase.has(p)));
  return [...new Set(gate)];
}

/** The whole of docs/process.md for a milestone graph (the current one by default). */
export function renderProcessDiagram(graph: MilestoneGraph = graphFor()): string {
  const optional = graph.milestones.filter((m) => m.optional).map((m) => m.key);
  const byCommand = graph.milestones.filter((m) => m.completedBy && m.completedBy !== 'report');
  const loops = roundLoopTargets(graph);
  const lines = [
    '# The IDP process',
    '',
    `<!-- Generated by infra/scripts/generate-process-diagram.ts from the milestone graph. Do not edit by hand. -->`,
    '',
    `This page shows the Initial Data Production (IDP) process that the orchestrator runs for every migration: the`,
    `milestones of graph version ${graph.version}, who reports each one, how long it has and what it waits for.`,
    `It is generated from \`libs/domain/src/process/milestone-graph.ts\`, so it always matches what the workflow does.`,
    `Do not edit it by hand: change the graph, then regenerate this file with \`npm run docs:process\`.`,
    '',
    '## How to read the diagram',
    '',
    '- Each box is a milestone: its title, the role that reports it (or may report it on the owner’s behalf) and its',
    '  deadline in working days of England and Wales (Monday to Friday without bank holidays), counted from when the',
    '  milestone opens, that is when all its prerequisites are done.',
    '- An arrow points from a prerequisite to the milestone that waits for it. The phases run in parallel where',
    `  nothing links them; data checking starts once ${code(dataCheckingGate(graph))} are done.`,
    '- Dashed boxes are optional milestones, included only when the kickoff asks for them; a thick border marks a',
    '  milestone completed by its own command rather than a milestone report.',
    '- Dotted arrows show a failed data-check round: the remedy chosen decides where the next round starts again.',
    '',
    '```mermaid',
    ...mermaid(graph),
    '```',
    '',
    '## Milestones',
    '',
    ...table(graph),
    '',
  ];
  const notes = [
    optional.length > 0 && `- Optional: ${code(optional)}.`,
    ...byCommand.map((m) => `- \`${m.key}\` is completed by ${COMPLETED_BY[m.completedBy!]}, not a milestone report.`),
    ...loops.map(({ remedy, to }) => `- A failed round with ${remedy} starts again from ${code(to)}.`),
    `- The IDP ends when \`${graph.terminal}\` is done.`,
  ].filter((note): note is string => typeof note === 'string');
  return [...lines, ...notes, ''].join('\n');
}

if (require.main === module) {
  const outputFile = resolve(process.cwd(), process.argv[2] ?? OUTPUT_PATH);
  writeFileSync(outputFile, renderProcessDiagram(), 'utf8');
  console.log(`Wrote ${outputFile}`);
}
