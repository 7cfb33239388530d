/**
 * The only way Kizuna builds a Liquid engine: one with no file system. liquidjs reads partials and
 * layouts from disk by default (`include`, `render`, `layout`, also inside `{% liquid %}`), relative to
 * the working directory, so a template could mail the server's `.env` or database files. Here those
 * tags are refused when a template is parsed, and the engine's file system answers "no such file" to
 * every lookup, should a path reach it anyway.
 */
import { Liquid, Tag, type FS, type LiquidOptions, type TagToken, type TopLevelToken } from 'liquidjs';

/** The tags that would read another template from a file. */
export const FILE_TAGS = ['include', 'render', 'layout'] as const;

/** Thrown (inside liquidjs' ParseError) when a template uses one of {@link FILE_TAGS}. */
export class FileTagRefusedError extends Error {
  readonly code = 'LIQUID_FILE_TAG';
  constructor(readonly tag: string) {
    super(`"{% ${tag} %}" is not available: templates cannot read other files; write the content in the template`);
    this.name = 'FileTagRefusedError';
  }
}

/** A tag that refuses itself when parsed, so the template never compiles. */
class RefusedFileTag extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    throw new FileTagRefusedError(token.name);
  }

  render(): void {
    // Never reached: the constructor throws.
  }
}

const missing = (file: string): Error => new Error(`ENOENT: templates have no files ("${file}")`);

/** A file system with nothing in it: every lookup misses, nothing is ever read. */
export const NO_FILE_SYSTEM: FS = {
  exists: () => Promise.resolve(false),
  existsSync: () => false,
  readFile: (file) => Promise.reject(missing(file)),
  readFileSync: (file) => {
    throw missing(file);
  },
  resolve: (_dir, file) => file,
  contains: () => Promise.resolve(false),
  containsSync: () => false,
};

/**
 * A Liquid engine with `options`, no file system, no roots, and the file tags refused. Options that
 * would give it files (`fs`, `root`, `partials`, `layouts`, `templates`) are overridden.
 */
export function createSandboxedLiquid(options: LiquidOptions = {}): Liquid {
  const engine = new Liquid({
    ...options,
    fs: NO_FILE_SYSTEM,
    templates: {},
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
  });
  for (const tag of FILE_TAGS) engine.registerTag(tag, RefusedFileTag);
  return engine;
}

/** The refused tag behind a Liquid parse error, if that is what it is. */
export function refusedFileTag(error: unknown): FileTagRefusedError | undefined {
  if (error instanceof FileTagRefusedError) return error;
  const inner = (error as { originalError?: unknown } | null)?.originalError;
  return inner instanceof FileTagRefusedError ? inner : undefined;
}
