import {
  checkGraph,
  CURRENT_GRAPH_VERSION,
  graphFor,
  type MilestoneDefinition,
  type MilestoneGraph,
} from '../../../../libs/domain/src/process';

const milestone = (key: string, prerequisites: string[] = []): MilestoneDefinition => ({
  key,
  title: key,
  phase: 'extract-exchange',
  owner: 'new-supplier',
  prerequisites,
  stage: 'preparing',
});

const graph = (
  milestones: MilestoneDefinition[],
  terminal = milestones[milestones.length - 1].key,
): MilestoneGraph => ({
  version: 99,
  milestones,
  terminal,
});

describe('milestone graph', () => {
  it('has a sound current graph', () => {
    expect(graphFor().version).toBe(CURRENT_GRAPH_VERSION);
    expect(checkGraph(graphFor(1))).toEqual([]);
  });

  it('refuses a graph version it does not know', () => {
    expect(() => graphFor(99)).toThrow(RangeError);
  });

  it('reports a cycle', () => {
    const problems = checkGraph(graph([milestone('a', ['b']), milestone('b', ['a'])]));
    expect(problems).toEqual(['a is listed before b']);
  });

  it('reports a milestone that depends on itself', () => {
    expect(checkGraph(graph([milestone('a', ['a'])]))).toEqual(['a is listed before a']);
  });

  it('reports an unknown prerequisite, a duplicate key, an unknown cap and an unknown terminal', () => {
    const capped = {
      ...milestone('c', ['a']),
      due: { workingDays: 2, cap: { afterFirstCompletionOf: 'x', workingDays: 30 } },
    };
    const problems = checkGraph(graph([milestone('a'), milestone('a'), milestone('b', ['ghost']), capped], 'end'));
    expect(problems).toEqual([
      'duplicate milestone key a',
      'b depends on unknown ghost',
      'c caps on unknown milestone',
      'terminal milestone end is not in the graph',
    ]);
  });

  describe('version 1 encodes the deadlines of DOMAIN.md', () => {
    const byKey = new Map(graphFor(1).milestones.map((m) => [m.key, m]));

    it.each([
      ['extractDelivered', 'current-supplier', 5],
      ['testSystemAvailable', 'new-supplier', 2],
      ['dataCheckRoundCompleted', 'practice', 5],
    ])('%s is owned by the %s and due %i working days after it opens', (key, owner, days) => {
      expect(byKey.get(key)).toMatchObject({ owner, due: { workingDays: days } });
    });

    it('gives re-check rounds a shorter allowance and caps the whole checking window at 6 weeks', () => {
      expect(byKey.get('dataCheckRoundCompleted')!.due!.recheckWorkingDays).toBeLessThan(5);
      expect(byKey.get('signedOff')!.due!.cap).toEqual({ afterFirstCompletionOf: 'extractRequested', workingDays: 30 });
    });

    it('has exactly one milestone completed by the round outcome and one by the sign-off, the sign-off ending the IDP', () => {
      const by = (how: string) =>
        graphFor(1)
          .milestones.filter((m) => m.completedBy === how)
          .map((m) => m.key);
      expect(by('round-outcome')).toEqual(['dataCheckPassed']);
      expect(by('sign-off')).toEqual(['signedOff']);
      expect(graphFor(1).terminal).toBe('signedOff');
    });
  });
});
