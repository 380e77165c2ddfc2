import { HandlerRegistryError, resolveHandlers } from './handler-registry';
import { QueueHandler, type HandlerSpec } from './queue-handler';

class Fake extends QueueHandler {
  constructor(readonly queue: 'train' | 'evaluate' | 'sweep') {
    super();
  }
  spec(): HandlerSpec {
    return { kind: 'inline', concurrency: 1, process: async () => undefined };
  }
}

const QUEUES = ['train', 'evaluate', 'sweep'] as const;

describe('resolveHandlers', () => {
  it('maps each queue to its one handler', () => {
    const handlers = [new Fake('sweep'), new Fake('train'), new Fake('evaluate')];
    const map = resolveHandlers(handlers, QUEUES);
    expect([...map.keys()]).toEqual(['train', 'evaluate', 'sweep']);
    expect(map.get('train')).toBe(handlers[1]);
  });

  it('refuses a missing handler, naming the queue', () => {
    expect(() => resolveHandlers([new Fake('train'), new Fake('sweep')], QUEUES)).toThrow(/no handler for queue\(s\) evaluate/);
  });

  it('refuses a doubled handler, naming the queue, and reports every problem at once', () => {
    const err = (() => {
      try {
        resolveHandlers([new Fake('train'), new Fake('train'), new Fake('sweep')], QUEUES);
      } catch (e) {
        return e as HandlerRegistryError;
      }
    })();
    expect(err).toBeInstanceOf(HandlerRegistryError);
    expect(err!.missing).toEqual(['evaluate']);
    expect(err!.doubled).toEqual(['train']);
    expect(err!.message).toBe('worker refuses to start: no handler for queue(s) evaluate; more than one handler for queue(s) train');
  });

  it('refuses a handler of a queue the contract does not have', () => {
    const odd = Object.assign(new Fake('train'), { queue: 'predict' }) as unknown as QueueHandler;
    expect(() => resolveHandlers([new Fake('train'), new Fake('evaluate'), new Fake('sweep'), odd], QUEUES)).toThrow(/unknown queue\(s\) predict/);
  });
});
