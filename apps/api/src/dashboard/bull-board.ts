import type { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { QueueService } from '../queue/queue.service';

/** bull-board at /queues over the three queues (behind the API-key middleware like every route). */
export function mountBullBoard(app: INestApplication, queues: QueueService, basePath = '/queues'): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: Object.values(queues.queues).map((q) => new BullMQAdapter(q)),
    // @bull-board/express 9.10.1 pins its own @bull-board/api 9.10.1; the adapter interface is the same.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  app.use(basePath, serverAdapter.getRouter());
}
