/** Schema drawings of the Care Cabinet (シェーマ). Owned by hub/cabinet/drawings. */

/**
 * One drawing: the JSON model (`drawingModelSchema` in @hie/contract) a nurse drew on a body diagram,
 * never an SVG; the SVG is rendered from the model when asked. Immutable: a changed drawing is a new one.
 */
export interface HubCabinetDrawingTable {
  id: string;
  cabinet_id: string;
  /** The post it is attached to; null until then (a draft only its author sees). */
  post_id: string | null;
  /** The author's user id, name and facility when it was saved. */
  created_by: string;
  created_by_name: string;
  created_by_facility_oid: string;
  created_at: string;
  /** The body diagram's id (`sacral`, `body-back`, …) and the series label (仙骨部褥瘡): a copy of the model's, to query a series. */
  body_part: string;
  label: string;
  model_json: string;
  /** The model's size, UTF-8 bytes. */
  size: number;
  /** A PNG thumbnail the client rendered from the SVG (base64), checked for PNG magic and ≤ 1 MB; or null. */
  thumbnail_base64: string | null;
  thumbnail_size: number | null;
}

export interface HubCabinetDrawingSchema {
  hub_cabinet_drawing: HubCabinetDrawingTable;
}
