/**
 * Prefixed, coloured log lines per process: `[postgres] ...`, `[temporal] ...`, `[worker] ...`, `[web] ...`.
 * Colours only on a TTY (or FORCE_COLOR), never with NO_COLOR.
 */
const COLORS = {
  blue: 34,
  magenta: 35,
  cyan: 36,
  green: 32,
  yellow: 33,
  red: 31,
  gray: 90,
  bold: 1,
} as const;
export type Color = keyof typeof COLORS;

const useColor =
  !process.env.NO_COLOR && (Boolean(process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') || process.stdout.isTTY === true);

export function paint(color: Color, text: string): string {
  return useColor ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text;
}

const NAME_WIDTH = 10;

// A closed stdout (e.g. `npm start | head`) must not crash the supervisor mid-shutdown.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

export interface Logger {
  name: string;
  /** Print one message (may contain newlines; each line is prefixed). */
  log(message: string): void;
  /** Like log, in red. */
  error(message: string): void;
  /** A chunk handler that splits a stream into lines; `onLine` sees each raw line too. */
  stream(onLine?: (line: string) => void): { write(chunk: Buffer | string): void; flush(): void };
}

export function createLogger(name: string, color: Color): Logger {
  const prefix = paint(color, `[${name}]`.padEnd(NAME_WIDTH + 2));
  const print = (line: string, err = false) => {
    const text = `${prefix} ${err ? paint('red', line) : line}\n`;
    process.stdout.write(text);
  };
  return {
    name,
    log: (message) => message.split('\n').forEach((l) => print(l)),
    error: (message) => message.split('\n').forEach((l) => print(l, true)),
    stream(onLine) {
      let buf = '';
      const emit = (line: string) => {
        const clean = line.replace(/\r$/, '');
        if (!clean.trim()) return;
        print(clean);
        onLine?.(clean);
      };
      return {
        write(chunk) {
          buf += chunk.toString();
          const lines = buf.split('\n');
          buf = lines.pop() ?? '';
          lines.forEach(emit);
        },
        flush() {
          if (buf) emit(buf);
          buf = '';
        },
      };
    },
  };
}

/** The supervisor's own voice. */
export const syncline = createLogger('syncline', 'bold');
