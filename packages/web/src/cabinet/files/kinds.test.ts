import { describe, expect, it } from 'vitest';
import { declaredType, kindOf, mb, percent, progressText, sizeText, variantUrl } from './kinds';

describe('file kinds', () => {
  it('declares the browser’s type, else the extension’s', () => {
    expect(declaredType({ name: 'a.jpg', type: 'image/jpeg' })).toBe('image/jpeg');
    expect(declaredType({ name: 'IMG_0001.HEIC', type: '' })).toBe('image/heic');
    expect(declaredType({ name: 'clip.mov', type: 'application/octet-stream' })).toBe('video/quicktime');
    expect(declaredType({ name: 'notes.docx', type: '' })).toBe('application/octet-stream');
    expect(declaredType({ name: 'run.exe', type: 'application/x-msdownload' })).toBe(
      'application/x-msdownload',
    );
  });

  it('kinds', () => {
    expect(kindOf('image/heic')).toBe('image');
    expect(kindOf('video/quicktime')).toBe('video');
    expect(kindOf('application/pdf')).toBe('pdf');
    expect(kindOf('text/plain')).toBeNull();
  });

  it('sizes and progress in MB', () => {
    expect(mb(0)).toBe('0.0');
    expect(mb(1000)).toBe('0.1');
    expect(mb(4 * 1024 * 1024)).toBe('4.0');
    expect(mb(250 * 1024 * 1024)).toBe('250');
    expect(progressText(3 * 1024 * 1024, 12 * 1024 * 1024)).toBe('3.0 / 12.0 MB');
    expect(percent(0, 10)).toBe(0);
    expect(percent(9.99, 10)).toBe(99);
    expect(percent(10, 10)).toBe(100);
    expect(sizeText(500)).toBe('1 KB');
    expect(sizeText(2.5 * 1024 * 1024)).toBe('2.5 MB');
  });

  it('variants keep the hub’s URL', () => {
    expect(variantUrl('/api/v1/cabinets/c/files/f', 'rendition')).toBe(
      '/api/v1/cabinets/c/files/f?variant=rendition',
    );
    expect(variantUrl('/api/v1/cabinets/c/files/f?variant=poster', 'rendition')).toBe(
      '/api/v1/cabinets/c/files/f?variant=rendition',
    );
  });
});
