/**
 * A tiny Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with
 * labels. prom-client would be a dependency for a handful of metrics; this is the part we use.
 */

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Record<string, string | number>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}
export interface Gauge {
  set(value: number): void;
  set(labels: Labels, value: number): void;
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}
export interface Histogram {
  observe(value: number): void;
  observe(labels: Labels, value: number): void;
}

type Kind = 'counter' | 'gauge' | 'histogram';
interface Series {
  values: string[];
  value: number;
  sum: number;
  counts: number[];
}
interface Metric {
  kind: Kind;
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets: readonly number[];
  series: Map<string, Series>;
  handle: Counter | Gauge | Histogram;
  collect?: () => void;
}

export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** HELP text escapes backslash and newline; label values also escape the double quote. */
export const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
export const escapeLabelValue = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const num = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n));
const labelText = (names: readonly string[], values: readonly string[], le?: string) => {
  const pairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? '')}"`);
  if (le !== undefined) pairs.push(`le="${le}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
};

export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  /** Asking twice for the same name and labels returns the same counter, so server and features can share one. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#register('counter', name, help, labelNames, [], (metric) => ({
      inc: (labels, by = 1) => {
        if (by < 0) throw new RangeError(`counter ${name} can only go up`);
        this.#series(metric, labels).value += by;
      },
      get: (labels) => this.#series(metric, labels).value,
    })) as Counter;
  }

  /** `collect` runs before every scrape: the place to read values that live elsewhere (memory, queue depth). */
  gauge(name: string, help: string, labelNames: readonly string[] = [], collect?: (gauge: Gauge) => void): Gauge {
    const gauge = this.#register('gauge', name, help, labelNames, [], (metric) => ({
      set: (a: Labels | number, b?: number) => {
        if (typeof a === 'number') this.#series(metric, {}).value = a;
        else this.#series(metric, a).value = b ?? 0;
      },
      inc: (labels?: Labels, by = 1) => {
        this.#series(metric, labels).value += by;
      },
      get: (labels?: Labels) => this.#series(metric, labels).value,
    })) as Gauge;
    if (collect) this.#metrics.get(name)!.collect = () => collect(gauge);
    return gauge;
  }

  histogram(name: string, help: string, options: { labelNames?: readonly string[]; buckets?: readonly number[] } = {}): Histogram {
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)].sort((a, b) => a - b);
    return this.#register('histogram', name, help, options.labelNames ?? [], buckets, (metric) => ({
      observe: (a: Labels | number, b?: number) => {
        const [labels, value] = typeof a === 'number' ? [{}, a] : [a, b ?? 0];
        const series = this.#series(metric, labels);
        series.value += 1;
        series.sum += value;
        // Per-bucket counts here; render() accumulates them into Prometheus' cumulative `le` form.
        const index = buckets.findIndex((bound) => value <= bound);
        if (index >= 0) series.counts[index]! += 1;
      },
    })) as Histogram;
  }

  /** Everything, in Prometheus text format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    for (const m of this.#metrics.values()) {
      m.collect?.();
      lines.push(`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.kind}`);
      for (const s of m.series.values()) {
        if (m.kind !== 'histogram') {
          lines.push(`${m.name}${labelText(m.labelNames, s.values)} ${num(s.value)}`);
          continue;
        }
        let cumulative = 0;
        m.buckets.forEach((bound, i) => {
          cumulative += s.counts[i]!;
          lines.push(`${m.name}_bucket${labelText(m.labelNames, s.values, num(bound))} ${cumulative}`);
        });
        lines.push(`${m.name}_bucket${labelText(m.labelNames, s.values, '+Inf')} ${s.value}`);
        lines.push(`${m.name}_sum${labelText(m.labelNames, s.values)} ${num(s.sum)}`, `${m.name}_count${labelText(m.labelNames, s.values)} ${s.value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #register(kind: Kind, name: string, help: string, labelNames: readonly string[], buckets: readonly number[], make: (metric: Metric) => Metric['handle']) {
    const existing = this.#metrics.get(name);
    if (existing) {
      // Same shape: share it. A different shape is a programming error worth failing loudly on.
      if (existing.kind === kind && existing.labelNames.join() === labelNames.join()) return existing.handle;
      throw new Error(`metric ${name} is already registered as a ${existing.kind} with labels [${existing.labelNames.join(', ')}]`);
    }
    if (!NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    for (const label of labelNames) {
      if (!LABEL.test(label) || label.startsWith('__') || label === 'le') throw new Error(`invalid label name ${JSON.stringify(label)} on metric ${name}`);
    }
    const metric = { kind, name, help, labelNames, buckets, series: new Map() } as unknown as Metric;
    metric.handle = make(metric);
    this.#metrics.set(name, metric);
    return metric.handle;
  }

  #series(metric: Metric, labels: Labels = {}): Series {
    for (const key of Object.keys(labels)) {
      if (!metric.labelNames.includes(key)) throw new Error(`metric ${metric.name} has no label "${key}" (labels: ${metric.labelNames.join(', ') || 'none'})`);
    }
    const values = metric.labelNames.map((label) => {
      const value = labels[label];
      if (value === undefined) throw new Error(`metric ${metric.name} needs label "${label}"`);
      return String(value);
    });
    const key = JSON.stringify(values);
    let series = metric.series.get(key);
    if (!series) {
      series = { values, value: 0, sum: 0, counts: metric.buckets.map(() => 0) };
      metric.series.set(key, series);
    }
    return series;
  }
}

/**
 * A registry with the process metrics every scrape should have. `processMetrics: false` gives an
 * empty one (tests that compare exact output).
 */
export const createMetricsRegistry = (options: { processMetrics?: boolean } = {}): MetricsRegistry => {
  const registry = new MetricsRegistry();
  if (options.processMetrics === false) return registry;
  registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', [], (g) => g.set(process.memoryUsage.rss()));
  registry.gauge('process_uptime_seconds', 'Seconds since the process started.', [], (g) => g.set(process.uptime()));
  registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', [], (g) => g.set(process.memoryUsage().heapUsed));
  return registry;
};
