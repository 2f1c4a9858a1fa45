import { describe, expect, it } from 'vitest';
import { base64UrlBytes, deviceLabel } from './push-device';

describe('push device helpers', () => {
  it('names the device and browser a nurse will recognise in the list', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('iPad (Safari)');
    // iPadOS asks for the desktop site by default: a Macintosh that says Mobile.
    expect(
      deviceLabel(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('iPad (Safari)');
    expect(
      deviceLabel(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      ),
    ).toBe('Windows (Edge)');
    expect(
      deviceLabel(
        'Mozilla/5.0 (Linux; Android 14; SH-M26) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      ),
    ).toBe('Android (Chrome)');
    expect(deviceLabel('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe(
      'Linux (Firefox)',
    );
    expect(deviceLabel('curl/8.0')).toBe('browser');
  });

  it('decodes the VAPID public key (base64url without padding) to its 65 bytes', () => {
    const key = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0xfb)]);
    const bytes = base64UrlBytes(key.toString('base64url'));
    expect(bytes).toHaveLength(65);
    expect(Buffer.from(bytes).equals(key)).toBe(true);
  });
});
