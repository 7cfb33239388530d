/**
 * The figures of one routes or stores report line, and the order in which every table of them (the
 * API's CSV through the CLI, the CLI's text tables, the console's report tables) lists them. This
 * module holds no I/O, so the CLI reads the list without loading the report code behind it.
 */

/** The figures a report line gathers from its linked customers. */
export interface ArrivalOutcomes {
  blockedSince: number;
  orders: number;
  revenue: number;
  conversions: Record<string, number>;
}

/** One report line's figures: the visits and arrivals of its routes in the period, and what followed. */
export interface ArrivalFigures extends ArrivalOutcomes {
  visits: number;
  denied: number;
  logins: number;
  friendsAdded: number;
  customersLinked: number;
  newCustomers: number;
}

/**
 * The counted figures of a report line, in column order; the conversions (per journey) come after them.
 * Every table of the routes and stores reports lists its figure columns from this list.
 */
export const ARRIVAL_FIGURES = [
  'visits',
  'denied',
  'logins',
  'friendsAdded',
  'customersLinked',
  'newCustomers',
  'blockedSince',
  'orders',
  'revenue',
] as const satisfies readonly (keyof ArrivalFigures)[];

/** The name of one counted figure. */
export type ArrivalFigure = (typeof ARRIVAL_FIGURES)[number];

type CountedFigure = {
  [K in keyof ArrivalFigures]: ArrivalFigures[K] extends number ? K : never;
}[keyof ArrivalFigures];
// A figure added to ArrivalFigures without a place in the list fails the build here, not in a table.
const _everyFigureListed: [Exclude<CountedFigure, ArrivalFigure>] extends [never] ? true : never = true;
