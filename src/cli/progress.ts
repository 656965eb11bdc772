/**
 * A one-line progress bar on an interactive stderr; nothing at all in a pipe or a test.
 * Redraws at most ten times a second so a million-row import does not spend its time drawing.
 */
export class Progress {
  private lastDraw = 0;
  private drawn = false;
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly enabled: boolean,
    private readonly write: (text: string) => void = (t) => process.stderr.write(t),
  ) {}

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    const ratio = this.total > 0 ? Math.min(done / this.total, 1) : 0;
    const width = 28;
    const filled = Math.round(ratio * width);
    this.write(
      `\r${this.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${(ratio * 100).toFixed(0)}%`,
    );
    this.drawn = true;
  }

  finish(): void {
    if (this.enabled && this.drawn) this.write('\r\x1b[K');
  }
}
