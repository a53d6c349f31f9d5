import { addWorkingDays, graphFor, type MilestoneStatus } from '@idp/domain';
import { dataCheckChart, ganttChart, labelOf, portfolioChart, ragOf } from '../../../apps/api/src/web/presenters';

describe('RAG status', () => {
  it('is red with anything overdue, amber when at risk, green otherwise, and closed once signed off or cancelled', () => {
    expect(ragOf({ status: 'active', overdueCount: 1, atRisk: true })).toBe('red');
    expect(ragOf({ status: 'active', overdueCount: 0, atRisk: true })).toBe('amber');
    expect(ragOf({ status: 'paused', overdueCount: 0, atRisk: false })).toBe('green');
    expect(ragOf({ status: 'signed-off', overdueCount: 0, atRisk: false })).toBe('closed');
    expect(ragOf({ status: 'cancelled', overdueCount: 2, atRisk: true })).toBe('closed');
  });
});

describe('portfolio chart', () => {
  it('draws one bar per stage and says every count in words, so colour is never the only carrier', () => {
    const svg = portfolioChart([
      { stage: 'preparing', rag: 'red', count: 2 },
      { stage: 'preparing', rag: 'green', count: 5 },
      { stage: 'signed-off', rag: 'closed', count: 1 },
    ]);
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('Preparing: 2 red, 0 amber, 5 green, 0 closed');
    expect(svg).toContain('Signed off: 0 red, 0 amber, 0 green, 1 closed');
    expect(svg).toContain('<title>Preparing, Red: 2</title>');
    expect((svg.match(/<rect [^>]*><title>/g) ?? []).length).toBe(3);
  });
});

describe('Gantt chart', () => {
  const kickoff = '2026-11-02T09:00:00.000Z';
  const graph = graphFor().milestones;
  const milestone = (key: string, extra: Partial<MilestoneStatus>): MilestoneStatus => {
    const def = graph.find((m) => m.key === key)!;
    return { key, title: def.title, phase: def.phase, owner: def.owner, state: 'waiting', optional: false, ...extra };
  };

  it('places plan and actual on working days from kickoff and marks an overdue step', () => {
    const svg = ganttChart({
      kickoff,
      now: Date.parse('2026-11-20T12:00:00Z'),
      plannedGoLive: addWorkingDays('2026-11-02', 40),
      forecastGoLive: addWorkingDays('2026-11-02', 45),
      milestones: [
        milestone('extractRequested', {
          state: 'done',
          openedAt: kickoff,
          dueAt: '2026-11-06T17:00:00Z',
          completedAt: '2026-11-04T10:00:00Z',
        }),
        milestone('extractDelivered', {
          state: 'overdue',
          openedAt: '2026-11-04T10:00:00Z',
          dueAt: '2026-11-11T17:00:00Z',
        }),
        milestone('extractReceived', {}),
      ],
    });
    expect(svg).toContain('planned 4 Nov 2026 to 11 Nov 2026');
    expect(svg).toContain('overdue');
    expect(svg).toContain('#d5281b'); // the overdue bar, and the forecast line after the plan
    expect(svg).toContain('forecast go-live');
    expect(svg).toContain('waiting for earlier steps');
    expect(svg).toContain('Working days from kickoff on 2 Nov 2026');
    expect(svg).toContain('planned go-live');
  });

  it('measures a compressed-time migration in minutes, without go-live lines', () => {
    const svg = ganttChart({
      kickoff,
      now: Date.parse(kickoff) + 10 * 60_000,
      plannedGoLive: '2027-01-04',
      forecastGoLive: '2027-01-05',
      milestones: [
        milestone('extractRequested', {
          state: 'overdue',
          openedAt: kickoff,
          dueAt: new Date(Date.parse(kickoff) + 5 * 60_000).toISOString(),
        }),
      ],
    });
    expect(svg).toContain('Plan against actual, in minutes');
    expect(svg).toContain('compressed time');
    expect(svg).not.toContain('go-live</text>');
    // The plan bar spans 5 of the axis's 10.4 minutes: a visible bar, not a sliver at zero.
    const width = Number(/<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="14"/.exec(svg)![1]);
    expect(width).toBeGreaterThan(200);
  });

  it('escapes milestone titles', () => {
    const svg = ganttChart({
      kickoff,
      now: Date.parse(kickoff),
      plannedGoLive: '2027-01-04',
      forecastGoLive: '2027-01-04',
      milestones: [{ ...milestone('extractRequested', {}), title: 'A <b> & "c"' }],
    });
    expect(svg).toContain('A &#60;b&#62; &#38; &#34;c&#34;');
    expect(svg).not.toContain('<b>');
  });
});

describe('data-check chart', () => {
  const thresholds = { completenessPercent: 100, accuracyPercent: 90 };

  it('draws completeness and accuracy per round to scale and says every figure and threshold in words', () => {
    const svg = dataCheckChart(
      [
        { round: 1, completenessPercent: 97.4, accuracyPercent: 50 },
        { round: 2, completenessPercent: null, accuracyPercent: null },
      ],
      thresholds,
    );
    expect(svg).toContain(
      'Round 1: completeness 97.4%, accuracy 50%. Round 2: completeness –, accuracy –. Pass thresholds: completeness 100%, accuracy 90%.',
    );
    // 400 px is 100%: accuracy 50% is 200 px wide; a round without figures has no bar but says so.
    expect(svg).toContain('width="200" height="14" fill="#330072"><title>Round 1 accuracy: 50%</title>');
    expect(svg.match(/<rect [^>]*><title>Round 2/g)).toBeNull();
    expect(svg).toContain('>not measured yet</text>');
  });
});

describe('labels', () => {
  it('say vocabulary keys as words', () => {
    expect(labelOf('demographics-and-registration')).toBe('Demographics and registration');
    expect(labelOf('not-applicable')).toBe('Not applicable');
  });
});
