// The few parts of dcmjs 0.49 we use (it ships no types).
declare module 'dcmjs' {
  interface DictionaryEntry {
    tag: string;
    vr?: string;
    name: string;
    vm: string;
    version: string;
  }
  class DicomDict {
    constructor(meta: Record<string, unknown>);
    dict: Record<string, unknown>;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: typeof DicomDict;
      DicomMetaDictionary: {
        dictionary: Record<string, DictionaryEntry>;
        denaturalizeDataset(dataset: Record<string, unknown>): Record<string, unknown>;
      };
    };
    log: { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void };
  };
  export default dcmjs;
}
