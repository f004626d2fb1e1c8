import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTopics, TOPIC_EXAMPLES, type TopicKind } from '../gateway/src/protocol/index.ts';

const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');

describe('README', () => {
  it('shows the current example payload of every topic', () => {
    const topics = createTopics('parking');
    for (const [kind, example] of Object.entries(TOPIC_EXAMPLES) as [
      TopicKind,
      { params: never; payload: unknown },
    ][]) {
      const topic = (topics.build[kind] as (p: unknown) => string)(example.params);
      expect(readme, kind).toContain(`\`${topic}\``);
      expect(readme, kind).toContain(JSON.stringify(example.payload));
    }
  });

  it('gives the install-and-run and test commands that CI uses', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
    expect(readFileSync(resolve(import.meta.dirname, '../.ci/run'), 'utf8')).toMatch(/\nnpm test\n/);
  });
});
