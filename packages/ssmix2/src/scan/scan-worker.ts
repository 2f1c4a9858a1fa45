import { parentPort } from 'node:worker_threads';
import { walkSubtree } from '../storage/walk.js';
import type { SubtreeRequest, SubtreeResponse } from './pool.js';
import { problemItem, type ScanItem, scanOne } from './scanner.js';

// Walks, reads and checks whole subtrees; the main thread keeps the order.
parentPort?.on('message', (request: SubtreeRequest) => {
  const items: ScanItem[] = [];
  for (const subtree of request.subtrees) {
    for (const item of walkSubtree(subtree)) {
      if (item.kind === 'file') items.push(scanOne(item.file, request.options));
      else if (item.kind === 'problem') items.push(problemItem(item.problem));
    }
  }
  const response: SubtreeResponse = { id: request.id, items };
  parentPort?.postMessage(response);
});
