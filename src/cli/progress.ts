import type { Output } from './command.ts';

/**
 * Progress for long work: on a terminal one line redrawn in place ("Scanning 340 / 1,000 hosts
 * ▕████▏ 34%"), piped a plain line per tenth so logs stay readable.
 */
export const progressReporter = (out: Output, isTty: boolean, label: string) => {
  let lastTenth = -1;
  const format = (n: number) => n.toLocaleString('en-US');
  return {
    update(done: number, total: number) {
      const fraction = total === 0 ? 1 : done / total;
      if (isTty) {
        const width = 24;
        const filled = Math.round(fraction * width);
        out.write(`\r${label} ${format(done)} / ${format(total)} ▕${'█'.repeat(filled)}${' '.repeat(width - filled)}▏ ${Math.round(fraction * 100)}%`);
        return;
      }
      const tenth = Math.floor(fraction * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        out.write(`${label} ${format(done)} / ${format(total)}\n`);
      }
    },
    done() {
      if (isTty) out.write('\n');
    },
  };
};
