import PDFDocument from 'pdfkit';
import { toCsv } from './csv';
import type { SignOffPack, SignOffPackData } from './sign-off-pack.service';

const HASH_NOTE =
  'Content hash: SHA-256 of the canonical JSON (keys sorted, no whitespace) of the pack data: migration, thresholds, figures, rounds, report comparison, record checks, issues and signatures; the generation time is not included.';

const pct = (v: number | null) => (v === null ? '–' : `${v}%`);
const value = (v: number | null): string | number => (v === null ? '–' : v);

/** The lines of each section, shared by the CSV and the PDF so both say the same. */
interface Section {
  title: string;
  header: string[];
  rows: Array<Array<string | number | null>>;
  /** Relative column widths in the PDF (equal when absent). */
  widths?: number[];
}

function sections(pack: SignOffPack): Section[] {
  const d: SignOffPackData = pack.data;
  const m = d.migration;
  const signed = d.signatures;
  return [
    {
      title: 'Migration',
      header: ['field', 'value'],
      rows: [
        ['migration', m.id],
        ['practice', `${m.practiceName} (${m.practiceOdsCode})`],
        ['ICB', m.icbCode],
        ['current supplier', m.currentSupplier],
        ['new supplier', m.newSupplier],
        ['delivery partner', m.deliveryPartner],
        ['graph version', m.graphVersion],
        ['status', m.status],
        ['kicked off', m.kickedOffAt],
        ['planned go-live', m.plannedGoLive],
        ['forecast go-live', m.forecastGoLive],
        ['completeness threshold', `${d.thresholds.completenessPercent}%`],
        ['accuracy threshold', `${d.thresholds.accuracyPercent}%`],
        ['generated at', pack.generatedAt],
        ['content hash (SHA-256)', pack.contentHash],
      ],
    },
    {
      title: 'Figures',
      header: ['scope', 'round', 'category', 'expected', 'present', 'completeness', 'checked', 'matched', 'accuracy'],
      rows: d.figures.map((f) => [
        f.scope,
        f.round,
        f.category,
        f.expected,
        f.present,
        pct(f.completenessPercent),
        f.checked,
        f.matched,
        pct(f.accuracyPercent),
      ]),
    },
    {
      title: 'Rounds',
      header: ['round', 'started', 'ended', 'outcome', 'remedy', 'figures say'],
      rows: d.rounds.map((r) => [r.round, r.startedAt, r.endedAt, r.outcome, r.remedy, r.figuresVerdict]),
    },
    {
      title: 'Report comparison',
      header: ['round', 'kind', 'code', 'name', 'old system', 'test system', 'difference', 'tolerance', 'result'],
      widths: [0.7, 1.4, 2, 3.2, 1, 1, 1, 1, 0.8],
      rows: d.reportComparison.map((f) => [
        f.round,
        f.kind,
        f.code,
        f.name,
        value(f.oldValue),
        value(f.newValue),
        value(f.difference),
        f.tolerance,
        f.result,
      ]),
    },
    {
      title: 'Record checks',
      header: ['round', 'patient', 'match', 'mismatch', 'missing', 'not applicable'],
      rows: d.recordChecks.map((c) => [c.round, c.patient, c.match, c.mismatch, c.missing, c.notApplicable]),
    },
    {
      title: 'Issues',
      header: ['number', 'severity', 'category', 'round', 'status', 'supplier reference', 'patient', 'description'],
      widths: [0.8, 1, 1.6, 0.7, 1.4, 1.4, 1.4, 3.5],
      rows: d.issues.map((i) => [
        i.number,
        i.severity,
        i.category,
        i.round,
        i.status,
        i.supplierReference,
        i.patient,
        i.description,
      ]),
    },
    {
      title: 'Signatures',
      header: ['who', 'name', 'organisation', 'signed at', 'statement'],
      widths: [1.2, 1.6, 1.2, 1.8, 5],
      rows: [
        signed.clinicalLead
          ? [
              'clinical lead',
              signed.clinicalLead.name,
              signed.clinicalLead.organisation,
              signed.clinicalLead.signedAt,
              signed.clinicalLead.declaration,
            ]
          : ['clinical lead', 'not signed', null, null, null],
        signed.countersignature
          ? [
              'ICB countersignature',
              signed.countersignature.name,
              signed.countersignature.organisation,
              signed.countersignature.signedAt,
              null,
            ]
          : ['ICB countersignature', 'not countersigned', null, null, null],
      ],
    },
  ];
}

/** The pack as CSV: one block per section (a title line, a header line, its rows), blank lines between. */
export function signOffPackCsv(pack: SignOffPack): string {
  const lines: Array<Array<string | number | null>> = [['IDP sign-off pack'], [HASH_NOTE]];
  for (const s of sections(pack)) lines.push([], [s.title], s.header, ...s.rows);
  return toCsv(lines);
}

/** The pack as a PDF (A4, built-in Helvetica): the same sections as the CSV, as plain tables of text. */
export function signOffPackPdf(pack: SignOffPack): Promise<Buffer> {
  const d = pack.data;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    info: {
      Title: `IDP sign-off pack ${d.migration.practiceName} (${d.migration.practiceOdsCode})`,
      Subject: `Migration ${d.migration.id}`,
      Keywords: `sha256:${pack.contentHash}`,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text('IDP sign-off pack');
  doc.font('Helvetica').fontSize(9).text(`${d.migration.practiceName} (${d.migration.practiceOdsCode})`);
  doc.moveDown(0.5).fontSize(7).fillColor('#444444').text(HASH_NOTE).fillColor('black');
  const width = doc.page.width - 80;
  for (const s of sections(pack)) {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).text(s.title, 40);
    if (!s.rows.length) {
      doc.font('Helvetica').fontSize(8).text('None.', 40);
      continue;
    }
    const columns = s.header.length;
    const weights = s.widths ?? s.header.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const widths = weights.map((w) => (w / total) * width);
    const lefts = widths.map((_, i) => 40 + widths.slice(0, i).reduce((a, b) => a + b, 0));
    const row = (cells: Array<string | number | null>, bold: boolean) => {
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(7.5);
      const texts = cells.map((c) => (c === null || c === undefined ? '' : String(c)));
      const height = Math.max(...texts.map((t, i) => doc.heightOfString(t, { width: widths[i] - 4 })), 9);
      if (doc.y + height > doc.page.height - 40) doc.addPage();
      const top = doc.y;
      texts.forEach((t, i) => doc.text(t, lefts[i], top, { width: widths[i] - 4 }));
      doc.x = 40;
      doc.y = top + height + 2;
    };
    // Two-column sections (migration details) read better with a wide value column.
    if (columns === 2) {
      for (const [k, v] of s.rows) {
        doc.font('Helvetica-Bold').fontSize(8).text(`${k}: `, 40, doc.y, { continued: true });
        doc.font('Helvetica').text(v === null ? '–' : String(v));
      }
      continue;
    }
    row(s.header, true);
    for (const r of s.rows) row(r, false);
  }
  doc.end();
  return done;
}
