import { afterEach, describe, expect, it } from 'vitest';
import { parseSettings, secretNeed } from '../../connections/kinds';
import { hubspot } from '../systems/hubspot';
import { clientFromEnvironment } from './oauth-app';

const oauth = hubspot.auth.oauth;

afterEach(() => {
  delete process.env.SYNCLINE_HUBSPOT_CLIENT_ID;
  delete process.env.SYNCLINE_HUBSPOT_CLIENT_SECRET;
});

describe("an installation's own OAuth app (clientFromEnvironment)", () => {
  it('is used only when both variables are set, and then the connection needs no client secret', () => {
    const settings = parseSettings('connector', { connector: 'hubspot', authMethod: 'oauth' });
    if (!settings.ok) throw new Error(settings.message);
    expect(clientFromEnvironment(oauth)).toBeNull();
    expect(secretNeed('connector', settings.value)).toEqual({ needed: true, label: 'Client secret' });
    process.env.SYNCLINE_HUBSPOT_CLIENT_ID = 'app-123';
    expect(clientFromEnvironment(oauth)).toBeNull();
    process.env.SYNCLINE_HUBSPOT_CLIENT_SECRET = ' app-secret ';
    expect(clientFromEnvironment(oauth)).toEqual({ id: 'app-123', secret: 'app-secret' });
    expect(secretNeed('connector', settings.value)).toEqual({ needed: false, label: 'Client secret' });
  });
});
