// The data dictionary (PS3.6), borrowed from dcmjs: the VR of each tag, needed for Implicit VR files.
import dcmjs from 'dcmjs';

let byTag: Map<string, string> | null = null;

/** dcmjs keys: `(0010,0010)`, repeating groups `(6000-60FF,3000)`; ours: dicom-parser's `x00100010`. */
function table(): Map<string, string> {
  if (byTag) return byTag;
  byTag = new Map();
  for (const [key, entry] of Object.entries(dcmjs.data.DicomMetaDictionary.dictionary)) {
    const plain = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(key);
    const repeating = /^\(([56]0)00-[56]0FF,([0-9A-F]{4})\)$/.exec(key);
    if (plain && entry.vr) byTag.set(`x${plain[1]}${plain[2]}`.toLowerCase(), entry.vr);
    else if (repeating && entry.vr) byTag.set(`x${repeating[1]}xx${repeating[2]}`.toLowerCase(), entry.vr);
  }
  return byTag;
}

/**
 * The dictionary VR of a tag (`x00280106`), with dcmjs's ambiguous spellings kept (`xs` = US or SS,
 * `ox` = OB or OW, `lt` = US, SS or OW); `UN` for a private or unknown element.
 */
export function dictionaryVr(tag: string): string {
  const t = tag.toLowerCase();
  const group = Number.parseInt(t.slice(1, 5), 16);
  const element = t.slice(5);
  if (element === '0000') return 'UL'; // group length
  if (group % 2 === 1) {
    const e = Number.parseInt(element, 16);
    return e >= 0x10 && e <= 0xff ? 'LO' : 'UN'; // private creator, else private data
  }
  const vr = table().get(t) ?? table().get(`x${t.slice(1, 3)}xx${element}`);
  if (!vr || vr === 'na') return 'UN';
  return vr === 'up' ? 'UL' : vr;
}
