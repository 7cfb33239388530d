// The line `npm start` prints for each example journey it publishes.
import { describe, expect, it } from 'vitest';
import { describePublish } from '../../scripts/publish-examples.js';

describe('the publish line of npm start', () => {
  it('says whether the journey is new, changed (and that runs keep their version) or unchanged', () => {
    expect(describePublish({ journeyId: 'winback-90d', version: 1, created: true })).toBe(
      'journey winback-90d v1 published',
    );
    expect(describePublish({ journeyId: 'winback-90d', version: 3, created: true })).toBe(
      'journey winback-90d v3 published: the journey or one of its templates changed since v2 ' +
        '(customers already inside stay on their version)',
    );
    expect(describePublish({ journeyId: 'winback-90d', version: 2, created: false })).toBe(
      'journey winback-90d v2 unchanged',
    );
  });
});
