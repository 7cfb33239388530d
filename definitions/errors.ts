/**
 * Definition errors: every mistake in a journey or template, collected (never thrown), each with
 * a stable code, the file, the 1-based line and column of the offending node, and its path.
 */

/** Every code a definition problem can carry. Tests match codes, never prose. */
export type DefinitionErrorCode =
  // YAML
  | 'YAML_SYNTAX'
  | 'YAML_TAB'
  | 'DUPLICATE_KEY'
  | 'NOT_A_MAPPING'
  | 'NESTED_TOO_DEEP'
  // structure
  | 'UNKNOWN_KEY'
  | 'MISSING_KEY'
  | 'WRONG_TYPE'
  | 'INVALID_VALUE'
  | 'OUT_OF_RANGE'
  | 'BAD_JOURNEY_ID'
  | 'BAD_EVENT_NAME'
  // friend-add routes
  | 'BAD_ROUTE_ID'
  | 'BAD_ROUTE_NAME'
  | 'UNKNOWN_JOURNEY'
  | 'UNKNOWN_RICH_MENU'
  // entry, exit and goals
  | 'ENTRY_MISSING'
  | 'AMBIGUOUS_ENTRY'
  | 'SEGMENT_WITHOUT_SCHEDULE'
  | 'EVENT_PATH_OUT_OF_SCOPE'
  | 'BAD_CRON'
  | 'BAD_HOLDOUT'
  | 'GOAL_WITHOUT_EVENT'
  | 'GOAL_WINDOW_WITHOUT_GOAL'
  // policy
  | 'BAD_TIMEZONE'
  | 'BAD_QUIET_HOURS'
  // durations and times
  | 'BAD_DURATION'
  | 'ZERO_DURATION'
  | 'DURATION_OVER_A_YEAR'
  | 'DURATION_TOO_LONG'
  | 'BAD_DATE'
  | 'BAD_TIME_OF_DAY'
  | 'BAD_DATE_SOURCE'
  | 'AMBIGUOUS_OFFSET'
  // conditions
  | 'UNKNOWN_OPERATOR'
  | 'BAD_OPERAND'
  | 'BAD_REGEX'
  | 'UNSUPPORTED_CONDITION'
  | 'UNSUPPORTED_REGEX'
  | 'DATE_COMPARED_WITH_VALUE'
  // steps
  | 'UNKNOWN_STEP_KIND'
  | 'AMBIGUOUS_STEP'
  | 'UNKNOWN_CHANNEL'
  | 'DUPLICATE_STEP_ID'
  | 'BAD_STEP_ID'
  | 'UNREACHABLE_STEP'
  | 'EMPTY_BRANCH'
  | 'EMPTY_UPDATE'
  | 'BAD_RICH_MENU_STEP'
  | 'WAIT_FOR_WITHOUT_TIMEOUT'
  | 'REPEAT_WITHOUT_BODY'
  | 'SPLIT_TOO_FEW_VARIANTS'
  | 'BAD_SPLIT_WEIGHT'
  | 'DUPLICATE_VARIANT'
  | 'FALLBACK_SAME_CHANNEL'
  // templates
  | 'UNKNOWN_TEMPLATE'
  | 'TEMPLATE_CHANNEL_MISSING'
  | 'LIQUID_SYNTAX'
  | 'LIQUID_FILE_TAG'
  | 'UNDECLARED_VARIABLE'
  | 'UNDECLARED_FIELD'
  | 'EMAIL_SUBJECT_MISSING'
  | 'EMAIL_BODY_MISSING'
  | 'LINE_BAD_MESSAGE'
  | 'LINE_NO_MESSAGES'
  | 'LINE_TOO_MANY_MESSAGES'
  | 'LINE_TEXT_TOO_LONG'
  | 'LINE_ALT_TEXT_MISSING'
  | 'LINE_ALT_TEXT_TOO_LONG'
  | 'LINE_TOO_MANY_QUICK_REPLIES'
  | 'LINE_UNKNOWN_TYPE'
  | 'LINE_MISSING_PROPERTY'
  | 'LINE_UNKNOWN_PROPERTY'
  | 'LINE_NOT_ALLOWED_HERE'
  | 'LINE_BAD_VALUE'
  | 'LINE_BAD_URI'
  | 'LINE_TOO_LONG'
  | 'LINE_TOO_MANY_ITEMS'
  | 'LINE_TOO_FEW_ITEMS'
  | 'LINE_FLEX_TOO_LARGE'
  | 'NO_UNSUBSCRIBE_LINK'
  // the compiler itself
  | 'INTERNAL_ERROR';

/** `error` refuses the definition; `warning` is printed but the plan is still produced. */
export type Severity = 'error' | 'warning';

/** One problem in a definition file. `line` and `col` are 1-based. */
export interface DefinitionError {
  code: DefinitionErrorCode;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  col: number;
  /** Where in the document, as keys and indexes (`['steps', 2, 'send', 'template']`). */
  path: (string | number)[];
  /** What to write instead, when a close known name exists. */
  suggestion?: string;
}

/** A position in a file (1-based line and column). */
export interface Position {
  line: number;
  col: number;
}

/**
 * Prints an error as `file:line:col CODE: message (did you mean "x"?)`, followed by the source line
 * and a caret under the column when `source` is given.
 */
export function formatDefinitionError(error: DefinitionError, source?: string): string {
  const hint = error.suggestion === undefined ? '' : ` (did you mean "${error.suggestion}"?)`;
  const label = error.severity === 'warning' ? `warning ${error.code}` : error.code;
  const head = `${error.file}:${error.line}:${error.col} ${label}: ${error.message}${hint}`;
  if (source === undefined) return head;
  const text = source.split(/\r?\n/)[error.line - 1];
  if (text === undefined) return head;
  const gutter = `${String(error.line).padStart(4)} | `;
  const caretPad = ' '.repeat(gutter.length - 2) + '| ' + caretIndent(text, error.col);
  return `${head}\n${gutter}${text}\n${caretPad}^`;
}

/** Keeps tabs in the indent so the caret lines up with the source line as a terminal shows it. */
function caretIndent(text: string, col: number): string {
  return [...text.slice(0, Math.max(0, col - 1))].map((c) => (c === '\t' ? '\t' : ' ')).join('');
}

/** Collects problems of one file; the compiler passes one around instead of throwing. */
export class ProblemSink {
  readonly problems: DefinitionError[] = [];

  constructor(readonly file: string) {}

  /** Records a problem at `at`; `suggestion` adds a did-you-mean hint. */
  add(
    code: DefinitionErrorCode,
    message: string,
    at: Position,
    path: readonly (string | number)[],
    options: { severity?: Severity; suggestion?: string | undefined; file?: string } = {},
  ): void {
    const problem: DefinitionError = {
      code,
      severity: options.severity ?? 'error',
      message,
      file: options.file ?? this.file,
      line: at.line,
      col: at.col,
      path: [...path],
    };
    if (options.suggestion !== undefined) problem.suggestion = options.suggestion;
    this.problems.push(problem);
  }

  get errors(): DefinitionError[] {
    return this.problems.filter((p) => p.severity === 'error');
  }

  get warnings(): DefinitionError[] {
    return this.problems.filter((p) => p.severity === 'warning');
  }
}

/** Orders problems by file, then position, for stable output. */
export function sortProblems(problems: DefinitionError[]): DefinitionError[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
