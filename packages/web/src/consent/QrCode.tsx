import { useEffect, useState } from 'react';

/**
 * A QR code drawn in the browser (the `qrcode` package, already in the workspace for the hub's TOTP
 * enrolment). Loaded only by the print screens.
 */
export function QrCode({ value, size = 120, label }: { value: string; size?: number; label: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    import('qrcode')
      .then((QR) => QR.toDataURL(value, { errorCorrectionLevel: 'M', margin: 1, width: size * 2 }))
      .then((data) => !cancelled && setUrl(data))
      .catch(() => !cancelled && setUrl(null));
    return () => {
      cancelled = true;
    };
  }, [value, size]);
  if (!url)
    return (
      <div style={{ width: size, height: size, border: '1px dashed #999' }} aria-label={label} role="img" />
    );
  return <img src={url} width={size} height={size} alt={label} data-testid="card-qr" />;
}
