import { Schema, type Connection } from 'mongoose';

/**
 * A friend-add route (see definitions/route-schema.ts): keyed by its id, replaced when published
 * again with other content. `origin` says whether it came from `definitions/routes/` or the API.
 */
export const routeSchema = new Schema(
  {
    _id: { type: String, required: true },
    routeId: { type: String, required: true },
    name: { type: String, required: true },
    store: { type: String },
    channel: { type: String },
    actions: {
      tags: { type: [String], default: [] },
      journey: { type: String },
      richmenu: { type: String },
    },
    origin: { type: String, enum: ['definitions', 'api'], required: true },
    contentHash: { type: String, required: true },
  },
  { collection: 'routes', timestamps: true, versionKey: false, minimize: false },
);
routeSchema.index({ routeId: 1 }, { unique: true });

/**
 * One visit of `/r/<routeId>`: the LINE Login it starts, with the PKCE verifier and nonce the callback
 * needs. Keyed by the login id the signed `state` carries; `consumedAt` is set once, by the callback.
 */
export const routeLoginSchema = new Schema(
  {
    _id: { type: String, required: true },
    routeId: { type: String, required: true },
    nonce: { type: String, required: true },
    codeVerifier: { type: String, required: true },
    createdAt: { type: Date, required: true },
    consumed: { type: Boolean, required: true, default: false },
    consumedAt: { type: Date },
    outcome: { type: String },
    // The UTC calendar day of `createdAt` (`2026-12-01`): reports read a period one day at a time by
    // equality, which FerretDB pushes down to an index, where a date range would read the whole table.
    day: { type: String },
  },
  { collection: 'route_logins', versionKey: false },
);
routeLoginSchema.index({ routeId: 1 });
routeLoginSchema.index({ day: 1 });

/**
 * One arrival through a route (a completed LINE Login): inserted once, never updated — FerretDB v1
 * applies an update by reading and writing back the document, so counters kept by `$inc` could lose
 * increments under concurrency; reports count these rows instead.
 */
export const routeTouchSchema = new Schema(
  {
    _id: { type: String, required: true },
    routeId: { type: String, required: true },
    customerId: { type: String, required: true },
    lineUserId: { type: String, required: true },
    friend: { type: Boolean, required: true },
    friendshipStatusChanged: { type: Boolean, required: true },
    firstTouch: { type: Boolean, required: true },
    at: { type: Date, required: true },
    // The UTC calendar day of `at`, read by equality as `route_logins.day` is.
    day: { type: String },
  },
  { collection: 'route_touches', versionKey: false },
);
routeTouchSchema.index({ routeId: 1 });
routeTouchSchema.index({ day: 1 });
routeTouchSchema.index({ customerId: 1 });

export const routeModel = (connection: Connection) => connection.model('Route', routeSchema);
export const routeLoginModel = (connection: Connection) => connection.model('RouteLogin', routeLoginSchema);
export const routeTouchModel = (connection: Connection) => connection.model('RouteTouch', routeTouchSchema);
