/** Types of scripts/setup-schemathesis.mjs, for its tests. */
export declare const SCHEMATHESIS_PIN: string;
export declare const SCHEMATHESIS_SOURCE: string;
export declare function installSchemathesis(venv: string): void;
export interface SchemathesisDeps {
  /** Creates the venv at the given path and installs the pinned release into it. */
  install(venv: string): void;
  /** True when the venv at the given path works where it lies. */
  venvWorks(venv: string): boolean;
}
export declare function setupSchemathesis(tools: string, deps?: SchemathesisDeps): 'current' | 'PyPI';
