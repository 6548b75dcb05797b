/** Progress output of the runner: one line per step, with how long it took. */
const tty = process.stdout.isTTY;
const paint = (code: number, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = (s: string) => paint(1, s);
export const dim = (s: string) => paint(2, s);
export const red = (s: string) => paint(31, s);
export const green = (s: string) => paint(32, s);
export const yellow = (s: string) => paint(33, s);

export function info(message: string): void {
  console.log(`${bold('[hoptrace]')} ${message}`);
}

export function warn(message: string): void {
  console.log(`${bold('[hoptrace]')} ${yellow('!')} ${message}`);
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs one step and reports its outcome and duration. */
export async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  info(`${dim('…')} ${label}`);
  try {
    const result = await work();
    info(`${green('✓')} ${label} ${dim(`(${seconds(Date.now() - started)})`)}`);
    return result;
  } catch (err) {
    info(`${red('✗')} ${label} ${dim(`(${seconds(Date.now() - started)})`)}`);
    throw err;
  }
}

const palette = [36, 35, 34, 33, 32, 96, 95, 94, 93, 92];
let width = 12;
const colours = new Map<string, number>();

export function setPrefixWidth(names: string[]): void {
  width = Math.max(width, ...names.map((n) => n.length));
}

/** `name | line`, so interleaved output of many processes stays readable. */
export function prefixed(name: string, line: string): string {
  if (!colours.has(name)) colours.set(name, palette[colours.size % palette.length]!);
  return `${paint(colours.get(name)!, name.padEnd(width))} ${dim('|')} ${line}`;
}
