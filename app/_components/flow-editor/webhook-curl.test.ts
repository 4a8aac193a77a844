import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { signatureMatches } from '../../../domain/inbox/verify-signature';
import { curlExample } from './webhook-curl';

/** Runs the example in bash with `curl` replaced by a function that prints the header and body it was given. */
function runExample(script: string, secret: string): { header: string; body: string } {
  const withSecret = script.replace(`SECRET='paste the signing secret here'`, `SECRET='${secret}'`);
  const out = execFileSync('bash', ['-c', `curl() { while [ $# -gt 0 ]; do case "$1" in -H) printf 'H:%s\\n' "$2"; shift;; --data) printf 'D:%s\\n' "$2"; shift;; esac; shift; done; }\n${withSecret}`], { encoding: 'utf8' });
  const lines = out.trim().split('\n');
  return { header: lines.filter((l) => l.startsWith('H:x-signature')).map((l) => l.slice('H:x-signature: '.length))[0] ?? '', body: lines.find((l) => l.startsWith('D:'))?.slice(2) ?? '' };
}

describe('the webhook curl example', () => {
  const body = { id: '1', name: "O'Brien", note: 'a "quoted" $HOME' };

  it('sends the body unchanged when the signature check is off', () => {
    const sent = runExample(curlExample({ url: 'http://localhost:3000/api/hooks/abc', body, signatureHeader: null }), 'unused');
    expect(JSON.parse(sent.body)).toEqual(body);
  });

  it('signs the body so that the intake accepts it', () => {
    const sent = runExample(curlExample({ url: 'http://localhost:3000/api/hooks/abc', body, signatureHeader: 'x-signature' }), 'the-secret-42');
    expect(JSON.parse(sent.body)).toEqual(body);
    expect(sent.header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signatureMatches('the-secret-42', sent.body, sent.header)).toBe(true);
  });
});
