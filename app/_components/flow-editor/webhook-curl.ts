/** The ready-to-paste `curl` of the webhook trigger panel (webhook-card.tsx), tested by running it in bash. */

/** A shell-safe single-quoted string. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The `curl` that sends one event, signed with the source's secret when the trigger checks signatures. */
export function curlExample(input: { url: string; body: unknown; signatureHeader: string | null }): string {
  const body = JSON.stringify(input.body);
  if (!input.signatureHeader) {
    return `curl -X POST ${quote(input.url)} \\\n  -H 'Content-Type: application/json' \\\n  --data ${quote(body)}`;
  }
  return [
    `BODY=${quote(body)}`,
    `SECRET='paste the signing secret here'`,
    `curl -X POST ${quote(input.url)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "${input.signatureHeader}: sha256=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)" \\`,
    `  --data "$BODY"`,
  ].join('\n');
}
