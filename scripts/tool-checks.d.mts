/** Types of scripts/tool-checks.mjs. */
export declare function parseGoVersion(output: string): [number, number, number] | null;
export declare function goVersionProblem(versionOutput: string | null, minimum: string, what: string): string | null;
export declare function interpreterOf(script: string): string | null;
export declare function venvProblem(venv: string): string | null;
export declare function ensureVenv(venv: string, python?: string): string | null;
