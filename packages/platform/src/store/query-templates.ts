import { type CompiledQuery, createQueryId } from 'kysely';

/** Anything Kysely can compile (query builders, raw sql). */
export interface Compilable<O> {
  compile(): CompiledQuery<O>;
}

/** Where each parameter of the compiled SQL comes from: an input value, or a constant of the query. */
type Slot = { input: number } | { constant: unknown };

interface Template {
  compiled: CompiledQuery<unknown>;
  slots: readonly Slot[];
}

/** Stand-in for input `index` while a template is compiled; never reaches the database. */
class Placeholder {
  constructor(readonly index: number) {}
}

/**
 * Building and compiling a Kysely query walks and freezes a tree of nodes on every call — tens of
 * microseconds for a hot query that only ever differs in its values. A template is compiled once per
 * `shape` with placeholders standing in for the values; later calls of that shape only put the values
 * into the parameter list. The shape must name everything that changes the SQL text other than the
 * values (which optional clauses are present, list lengths, operators): the caller builds it from
 * the same facts the builder branches on. Bounded like the statement cache.
 */
export class QueryTemplates {
  private readonly templates = new Map<string, Template>();

  constructor(private readonly capacity = 500) {}

  /**
   * `build(values)` must use each value only as a query value (where/limit/offset/insert values,
   * `in` lists): then it becomes a bound parameter, which the template can swap. A value used any
   * other way (`sql.lit`, identifiers) is detected and refused on the first compile.
   */
  compile<O>(
    shape: string,
    values: readonly unknown[],
    build: (values: readonly unknown[]) => Compilable<O>,
  ): CompiledQuery<O> {
    let template = this.templates.get(shape);
    if (template === undefined) {
      template = templateOf(shape, values.length, build);
      if (this.templates.size >= this.capacity) this.templates.clear();
      this.templates.set(shape, template);
    }
    const parameters = template.slots.map((slot) => ('input' in slot ? values[slot.input] : slot.constant));
    return { ...(template.compiled as CompiledQuery<O>), queryId: createQueryId(), parameters };
  }

  get size(): number {
    return this.templates.size;
  }
}

function templateOf<O>(
  shape: string,
  count: number,
  build: (values: readonly unknown[]) => Compilable<O>,
): Template {
  const placeholders = Array.from({ length: count }, (_, i) => new Placeholder(i));
  const compiled = build(placeholders).compile() as CompiledQuery<unknown>;
  const used = new Set<number>();
  const slots = compiled.parameters.map((p): Slot => {
    if (p instanceof Placeholder) {
      used.add(p.index);
      return { input: p.index };
    }
    return { constant: p };
  });
  if (used.size !== count) {
    const missing = placeholders.filter((p) => !used.has(p.index)).map((p) => p.index);
    throw new Error(`query template ${shape}: values ${missing.join(', ')} are not bound parameters`);
  }
  return { compiled, slots };
}
