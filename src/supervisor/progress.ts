// Progress for long waits: a spinner line redrawn in place on a TTY, plain lines (one per change)
// when the output is a pipe or a file, so CI logs stay readable.
import type { TextSink } from './log-mux.js';

export interface Progress {
  /** The current step, e.g. "waiting for a leader (3 of 3 nodes answering)". */
  update(text: string): void;
  /** Clear the spinner (TTY) and print `line` if given. */
  done(line?: string): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(out: TextSink, tty: boolean, prefix = 'raft-sup: '): Progress {
  const t0 = Date.now();
  let text = '';
  let frame = 0;
  let timer: NodeJS.Timeout | null = null;
  const draw = (): void => {
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    out.write(`\r\u001b[K${FRAMES[frame++ % FRAMES.length] ?? '-'} ${text} (${secs} s)`);
  };
  return {
    update(next) {
      if (next === text) return;
      text = next;
      if (!tty) {
        out.write(`${prefix}${text}\n`);
        return;
      }
      timer ??= setInterval(draw, 100);
      draw();
    },
    done(line) {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (tty && text !== '') out.write('\r\u001b[K');
      if (line !== undefined) out.write(`${line}\n`);
    },
  };
}
