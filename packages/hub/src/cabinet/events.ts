import { EventEmitter } from 'node:events';

/**
 * Live updates of the Care Cabinet within one hub process: a post or a change of a cabinet is announced
 * here, and every open event stream checks, per subscriber, whether that user may read the cabinet
 * before it says anything. Nothing but ids travels on it; the content is fetched through the rule.
 * (A hub run as several processes needs a shared bus here — issue 17.)
 */
export type CabinetEvent =
  | {
      type: 'post';
      cabinetId: string;
      postId: string;
      version: number;
      urgent: boolean;
      mentions: string[];
      authorId: string;
    }
  | { type: 'cabinet'; cabinetId: string };

export class CabinetEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(event: CabinetEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: CabinetEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
