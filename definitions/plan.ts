/**
 * The compiled plan: what a journey means, as plain JSON.
 *
 * A plan crosses Temporal's payload converter and is stored in MongoDB, so it holds no Date, Map,
 * class or function: times are epoch milliseconds or ISO strings, durations are milliseconds.
 * Every edge of the step graph is explicit; `null` as a successor means "the journey is complete".
 * Bump {@link PLAN_VERSION} on any change that an interpreter must tell apart.
 */

/** Version of the plan format; interpreters refuse plans they do not know. */
export const PLAN_VERSION = 1;

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/**
 * A MongoDB-style query (`{ totalSpent: { $gte: 30000 } }`). Bare paths name profile fields;
 * paths under `event.` name properties of the event in scope (the entry event, or the awaited one in
 * a `wait_for`/exit/goal `where`). Relative-time operators (`$olderThan`, `$withinLast`) carry
 * their operand as milliseconds once compiled.
 */
export type Condition = { [key: string]: JsonValue };

/** A stable step id: given in the YAML, or derived by the compiler (see the language docs). */
export type StepId = string;

/** Channels a message can actually go out on. */
export type DeliveryChannel = 'email' | 'line';
/** Channels a `send` step may ask for; `preferred` is LINE when the customer follows the account, else email. */
export type SendChannel = DeliveryChannel | 'preferred';

/** Where a customer's time zone comes from. */
export type TimezonePlan = { source: 'fixed'; zone: string } | { source: 'profile'; path: string; fallback: string };

/** A daily window in local minutes since midnight; `startMinute > endMinute` crosses midnight. */
export interface QuietHoursPlan {
  startMinute: number;
  endMinute: number;
}

export interface FrequencyCapPlan {
  /** At most this many sends per customer and channel, across all journeys... */
  max: number;
  /** ...within this sliding window. */
  perMs: number;
  /** `defer`: wait until the cap allows; `skip`: go on without sending. */
  over: 'defer' | 'skip';
}

export interface PolicyPlan {
  timezone: TimezonePlan;
  quietHours: QuietHoursPlan | null;
  frequencyCap: FrequencyCapPlan | null;
}

/** An event filter: its type and an optional condition over `event.*` (and profile) fields. */
export interface EventMatch {
  event: string;
  where: Condition | null;
}

export type EntryPlan =
  /** `key`: a property of the entry event; the journey runs once per customer and value of it (absent: once per customer). */
  | ({ type: 'event'; key?: string } & EventMatch)
  | { type: 'segment'; query: Condition; cron: string; timezone: string }
  | { type: 'api' };

export type ReentryPlan = { policy: 'never' } | { policy: 'always' } | { policy: 'after'; afterMs: number };

/** Leaving the journey at once when an event happens; optionally a conversion goal too. */
export interface ExitPlan extends EventMatch {
  /** When true, the exit also counts as a conversion (outcome `converted`). */
  goal: boolean;
  /** Conversion window in ms, counted from the last message sent; `null` = any time in the journey. */
  goalWindowMs: number | null;
}

/** A conversion goal that does not end the journey. */
export interface GoalPlan extends EventMatch {
  windowMs: number | null;
}

interface StepBase {
  id: StepId;
  /** Where the step was written, for messages and graphs (1-based). */
  loc: { line: number; col: number };
}

export interface SendStep extends StepBase {
  kind: 'send';
  channel: SendChannel;
  template: string;
  fallback: DeliveryChannel | null;
  next: StepId | null;
}

export interface WaitStep extends StepBase {
  kind: 'wait';
  durationMs: number;
  next: StepId | null;
}

export type WaitUntilTarget =
  { type: 'absolute'; at: string } | { type: 'attribute'; source: 'profile' | 'event'; path: string; offsetMs: number };

export interface WaitUntilStep extends StepBase {
  kind: 'wait_until';
  target: WaitUntilTarget;
  /** Snap to this local time of day ("HH:MM", policy time zone); `null` keeps the computed instant. */
  timeOfDay: string | null;
  /** Allowed ISO weekdays (1 = Monday ... 7 = Sunday); `null` = every day. */
  weekdays: number[] | null;
  next: StepId | null;
}

export interface WaitForStep extends StepBase, EventMatch {
  kind: 'wait_for';
  timeoutMs: number;
  onEvent: StepId | null;
  onTimeout: StepId | null;
}

/**
 * Which event `event.*` paths of an `if`/`branch` condition read. Absent: the entry event. Set (inside
 * a `wait_for`'s `on_event` steps): the event that `wait_for` step received.
 */
export interface EventScoped {
  eventFrom?: StepId;
}

export interface IfStep extends StepBase, EventScoped {
  kind: 'if';
  condition: Condition;
  then: StepId | null;
  else: StepId | null;
}

export interface BranchStep extends StepBase, EventScoped {
  kind: 'branch';
  cases: { condition: Condition; next: StepId | null }[];
  default: StepId | null;
}

export interface SplitStep extends StepBase {
  kind: 'split';
  /** Weights are positive integers; assignment is a stable hash of customer id and step id. */
  variants: { name: string; weight: number; next: StepId | null }[];
}

export interface RepeatStep extends StepBase {
  kind: 'repeat';
  /** Run the body at most this many times... */
  times: number;
  /** ...waiting this long between runs. */
  everyMs: number;
  /** Stop repeating (and go to `next`) when this event arrives. */
  until: EventMatch | null;
  /** First step of the body; the body's last step leads back to this step's id. */
  body: StepId;
  next: StepId | null;
}

export interface UpdateProfileStep extends StepBase {
  kind: 'update_profile';
  set: { [path: string]: JsonValue };
  addTags: string[];
  removeTags: string[];
  next: StepId | null;
}

/** Links a rich menu (by its name, the alias at LINE) to the customer's LINE user, or unlinks it (`link: null`). */
export interface LineRichMenuStep extends StepBase {
  kind: 'line_richmenu';
  link: string | null;
  next: StepId | null;
}

export interface ExitStep extends StepBase {
  kind: 'exit';
  outcome: string;
}

export type StepPlan =
  | SendStep
  | WaitStep
  | WaitUntilStep
  | WaitForStep
  | IfStep
  | BranchStep
  | SplitStep
  | RepeatStep
  | UpdateProfileStep
  | LineRichMenuStep
  | ExitStep;

export type StepKind = StepPlan['kind'];

/** Why a journey listens to an event type; the event router keeps this index. */
export type ListenReason = 'entry' | 'exit' | 'goal' | 'wait_for' | 'repeat_until';

/** Template variants a plan pins, by name. */
export interface TemplateRef {
  email: { file: string; hash: string } | null;
  line: { file: string; hash: string } | null;
}

export interface Plan {
  planVersion: typeof PLAN_VERSION;
  journeyId: string;
  name: string;
  /**
   * The journey's messages are ones the customer asked for (`transactional: true`): their LINE sends may
   * use the reserve of the workspace's LINE budget. Absent for marketing journeys.
   */
  transactional?: true;
  /** sha256 (hex) of the journey source and every template it references. */
  contentHash: string;
  entry: EntryPlan;
  reentry: ReentryPlan;
  /** Share of entrants (0-100) who walk the journey but receive nothing. */
  holdoutPercent: number;
  exits: ExitPlan[];
  goals: GoalPlan[];
  policy: PolicyPlan;
  /** First step; `null` for a journey without steps. */
  start: StepId | null;
  steps: { [id: StepId]: StepPlan };
  /** Event type -> why the journey listens to it. */
  listens: { [eventType: string]: ListenReason[] };
  /** Event type -> the `event.*` property paths the journey's conditions read (signals carry only these). */
  eventFields: { [eventType: string]: string[] };
  templates: { [name: string]: TemplateRef };
}
