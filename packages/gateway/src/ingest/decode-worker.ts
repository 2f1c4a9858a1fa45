import { parentPort } from 'node:worker_threads';
import { decodeFile } from './decode.js';
import { type DecodeRequest, type DecodeResponse, toWire } from './decode-pool.js';

// Reads, parses and maps a list of files; the main thread writes them to the store.
parentPort?.on('message', (request: DecodeRequest) => {
  const decoded = request.files.map((f) => toWire(decodeFile(f.path, f.fileName, request.facility)));
  const response: DecodeResponse = { id: request.id, decoded };
  parentPort?.postMessage(response);
});
