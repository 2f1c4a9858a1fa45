/**
 * The patient index's settings, as the hub's configuration carries them (HubSettings.mpi): the
 * matching model and its thresholds. Defaults and their use are in mpi/match.ts.
 */
export type MatchField = 'kana' | 'kanji' | 'birthDate' | 'sex' | 'postcode' | 'address' | 'phone';

/** m and u for one agreement level. */
export interface LevelProbability {
  m: number;
  u: number;
}

export type MatchModel = Record<MatchField, Record<string, LevelProbability>>;

export interface MpiSettings {
  /** Score at or above which a record is linked automatically. */
  autoLinkThreshold: number;
  /** Score at or above which (and below auto-link) a record goes to the review queue. */
  reviewThreshold: number;
  model: MatchModel;
}
