import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { WORKER_CONFIG } from '../config/worker-config.token';
import type { WorkerConfig } from '../config/worker-config';
import { QueueHandler, type HandlerSpec } from './queue-handler';

/** The `evaluate` queue: a checkpoint evaluated on a dataset, CPU-bound, so sandboxed too. */
@Injectable()
export class EvaluateHandler extends QueueHandler {
  readonly queue = 'evaluate' as const;

  constructor(@Inject(WORKER_CONFIG) private readonly config: WorkerConfig) {
    super();
  }

  spec(): HandlerSpec {
    return { kind: 'sandbox', file: path.join(__dirname, '..', 'sandbox', 'evaluate.sandbox.js'), concurrency: this.config.concurrency };
  }
}
