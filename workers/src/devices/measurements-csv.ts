import { WorkersError } from '../errors.js';

/** One row of a calibration measurements file. */
export interface MeasurementRow {
  /** The model file, as written in the CSV (resolve relative paths against the CSV's folder). */
  readonly model: string;
  readonly ms: number;
  /** 1-based line number, for messages. */
  readonly line: number;
}

/**
 * Parses the measurements CSV of `frontier device calibrate`: one `model,ms` row per measured
 * model — the path of the .onnx file and its measured single-image latency in milliseconds.
 * A header row (a first row whose second field is not a number) is skipped, as are blank lines
 * and lines starting with `#`. Paths containing commas may be double-quoted. Malformed rows are
 * `BAD_ARGUMENT` errors naming the line.
 */
export function parseMeasurementsCsv(text: string): MeasurementRow[] {
  const rows: MeasurementRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = splitRow(line, index + 1);
    if (fields.length !== 2) {
      throw new WorkersError('BAD_ARGUMENT', `measurements line ${index + 1}: expected 2 fields (model,ms), got ${fields.length}: ${line}`);
    }
    const [model, msText] = fields as [string, string];
    const ms = Number(msText);
    if (msText.trim() === '' || !Number.isFinite(ms)) {
      if (rows.length === 0 && !lines.slice(0, index).some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) return; // header
      throw new WorkersError('BAD_ARGUMENT', `measurements line ${index + 1}: ms must be a number, got "${msText}"`);
    }
    if (ms <= 0) throw new WorkersError('BAD_ARGUMENT', `measurements line ${index + 1}: ms must be > 0, got ${ms}`);
    if (model === '') throw new WorkersError('BAD_ARGUMENT', `measurements line ${index + 1}: the model path is empty`);
    rows.push({ model, ms, line: index + 1 });
  });
  return rows;
}

function splitRow(line: string, lineNumber: number): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new WorkersError('BAD_ARGUMENT', `measurements line ${lineNumber}: unclosed quote`);
      fields.push(line.slice(i + 1, end));
      i = end + 1;
      while (i < line.length && line[i] !== ',') i++;
      i++;
    } else {
      const end = line.indexOf(',', i);
      const stop = end < 0 ? line.length : end;
      fields.push(line.slice(i, stop).trim());
      i = stop + 1;
    }
  }
  return fields;
}
