/**
 * The journeys of the consent-changes harness (consent-vs-simulator-changes.test.ts): sends by every
 * channel kind, with and without fallback, behind a wait, quiet hours, a frequency cap, and a wait for
 * the LINE follow itself.
 */

/** A wait, then a preferred send, a LINE send with an email fallback and an email send. */
export const afterAWait = `
journey: t-changes-wait
name: consent changes before the send
entry: { api: true, reentry: always }
policy:
  timezone: Asia/Tokyo
  quiet_hours: '21:00-09:00'
steps:
  - id: one-hour
    wait: 1h
  - id: preferred
    send: { channel: preferred, template: winback-1, fallback: email }
  - id: by-line
    send: { channel: line, template: winback-last-chance, fallback: email }
  - id: by-email
    send: { channel: email, template: winback-coupon }
`;

/** The same sends under quiet hours and a cap of one a day per channel that defers. */
export const capped = `
journey: t-changes-cap
name: consent changes while capped
entry: { api: true, reentry: always }
policy:
  timezone: Asia/Tokyo
  quiet_hours: '21:00-09:00'
  frequency_cap: { max: 1, per: 1d, over: defer }
steps:
  - id: preferred
    send: { channel: preferred, template: winback-1, fallback: email }
  - id: preferred-again
    send: { channel: preferred, template: winback-last-chance, fallback: email }
  - id: by-email
    send: { channel: email, template: winback-coupon }
`;

/** An email, an hour later a second one (into quiet hours), then a preferred send. */
export const unsubscribing = `
journey: t-changes-unsubscribe
name: unsubscribe while deferred
entry: { api: true, reentry: always }
policy:
  timezone: Asia/Tokyo
  quiet_hours: '21:00-09:00'
steps:
  - id: first
    send: { channel: email, template: winback-coupon }
  - id: one-hour
    wait: 1h
  - id: second
    send: { channel: email, template: winback-1 }
  - id: last
    send: { channel: preferred, template: winback-last-chance, fallback: email }
`;

/** A cap of one in 12 hours: a retry time that falls inside quiet hours defers twice. */
export const capIntoQuiet = `
journey: t-changes-cap-quiet
name: a cap retry inside quiet hours
entry: { api: true, reentry: always }
policy:
  timezone: Asia/Tokyo
  quiet_hours: '21:00-09:00'
  frequency_cap: { max: 1, per: 12h, over: defer }
steps:
  - id: first
    send: { channel: email, template: winback-coupon }
  - id: second
    send: { channel: email, template: winback-1 }
`;

/** A run that waits for the follow itself: the send it starts must see the follow's consent. */
export const waitingForTheFollow = `
journey: t-changes-heard
name: the run hears the follow
entry: { api: true, reentry: always }
policy:
  timezone: Asia/Tokyo
  quiet_hours: '21:00-09:00'
steps:
  - id: wait-follow
    wait_for: { event: line.followed, timeout: 1d }
    on_event:
      - id: welcome
        send: { channel: preferred, template: winback-1, fallback: email }
    on_timeout:
      - id: reminder
        send: { channel: preferred, template: winback-last-chance, fallback: email }
`;
