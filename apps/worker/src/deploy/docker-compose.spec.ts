import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/**
 * No Docker engine runs here, so the deployment files are checked as data: the compose file
 * parsed with `yaml` (merge keys resolved, as Compose does), the Dockerfiles read as text.
 */
const root = path.resolve(__dirname, '../../../..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });

type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  profiles?: string[];
  volumes?: string[];
  deploy?: { replicas?: number | string; resources?: { reservations?: { devices?: { driver: string; count: number; capabilities: string[] }[] } } };
};
const services = compose.services as Record<string, Service>;
const dockerfile = (s: Service) => fs.readFileSync(path.join(root, s.build!.context, s.build!.dockerfile), 'utf8');

describe('docker-compose.yml', () => {
  it('declares postgres, redis, api, a GPU worker and a CPU worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'redis', 'worker-cpu', 'worker-gpu']);
  });

  it('runs Redis with AOF on and noeviction, as BullMQ requires', () => {
    const cmd = services.redis.command!;
    expect(cmd[cmd.indexOf('--appendonly') + 1]).toBe('yes');
    expect(cmd[cmd.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
  });

  it('reserves one NVIDIA GPU per GPU worker replica, and puts the CPU worker under a profile', () => {
    const gpu = services['worker-gpu'];
    expect(gpu.deploy?.resources?.reservations?.devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    expect(gpu.deploy?.replicas).toBeDefined();
    // Either GPU route, explicitly (tensorflow by default), with the driver capabilities both need.
    expect(gpu.environment?.ABLATE_BACKEND).toBe('${ABLATE_GPU_BACKEND:-tensorflow}');
    expect(gpu.environment?.NVIDIA_DRIVER_CAPABILITIES?.split(',').sort()).toEqual(['compute', 'graphics', 'utility']);
    expect(gpu.profiles).toBeUndefined();
    expect(services['worker-cpu'].profiles).toEqual(['cpu']);
    expect(services['worker-cpu'].deploy?.resources).toBeUndefined();
  });

  it('wires every app to the compose postgres and redis with the credentials postgres is given', () => {
    const pg = services.postgres.environment!;
    for (const name of ['api', 'worker-gpu', 'worker-cpu']) {
      const env = services[name].environment!;
      const db = new URL(env.DATABASE_URL.replace('${POSTGRES_PASSWORD:-ablate}', 'ablate'));
      expect([db.hostname, db.port, db.username, db.pathname], name).toEqual(['postgres', '5432', pg.POSTGRES_USER, `/${pg.POSTGRES_DB}`]);
      expect(db.password).toBe(pg.POSTGRES_PASSWORD.replace('${POSTGRES_PASSWORD:-ablate}', 'ablate'));
      expect(new URL(env.REDIS_URL).host, name).toBe('redis:6379');
      expect(env.ABLATE_QUEUE_PREFIX, name).toBe(services.api.environment!.ABLATE_QUEUE_PREFIX);
    }
    expect(services.api.environment!.ABLATE_API_KEYS).toMatch(/^\$\{ABLATE_API_KEYS/);
  });

  it('mounts one dataset volume at the data root of the API and of every worker', () => {
    for (const name of ['api', 'worker-gpu', 'worker-cpu']) {
      const root = services[name].environment!.ABLATE_DATA_ROOT;
      expect(root, name).toBe('/data');
      expect(services[name].volumes, name).toContain(`datasets:${root}:ro`);
    }
    expect(Object.keys(compose.volumes)).toContain('datasets');
  });

  it('health-checks every service and starts each only after what it needs is healthy', () => {
    for (const [name, s] of Object.entries(services)) expect(s.healthcheck?.test.length, name).toBeGreaterThan(1);
    expect(services.api.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    for (const name of ['worker-gpu', 'worker-cpu']) {
      // The API runs the migrations: a worker must not start before the schema exists.
      expect(services[name].depends_on?.api, name).toEqual({ condition: 'service_healthy' });
    }
  });

  it('builds from Dockerfiles that exist, install with `npm ci` as README documents, and run the entry points that exist', () => {
    for (const name of ['api', 'worker-gpu', 'worker-cpu']) {
      const text = dockerfile(services[name]);
      expect(text, name).toMatch(/^RUN npm ci\b/m);
      const entry = services[name].command!.at(-1)!;
      expect(fs.existsSync(path.join(root, entry)), `${name}: ${entry}`).toBe(true);
    }
    // CUDA 11 + cuDNN 8 for libtensorflow 2.9.1, on Ubuntu 22.04 for dawn.node's glibc 2.34; the
    // Vulkan loader and NVIDIA's ICD for webgpu; both binaries checked at build time.
    const gpuImage = dockerfile(services['worker-gpu']);
    expect(gpuImage).toMatch(/^FROM nvidia\/cuda:11\.\d+\.\d+-cudnn8-runtime-ubuntu22\.04$/m);
    expect(gpuImage).toMatch(/apt-get install .*\blibvulkan1\b/);
    expect(gpuImage).toContain('/etc/vulkan/icd.d/nvidia_icd.json');
    expect(gpuImage).toMatch(/^RUN ls .*tfjs_binding\.node .*webgpu\/dist\/linux-x64\/dawn\.node$/m);
    // npm ci needs every workspace's manifest (the lock lists them all) before the sources come in…
    const workspaces = ['apps', 'libs'].flatMap((dir) => fs.readdirSync(path.join(root, dir)).map((name) => `${dir}/${name}`)).filter((w) => fs.existsSync(path.join(root, w, 'package.json')));
    for (const name of ['api', 'worker-gpu']) {
      const text = dockerfile(services[name]);
      const install = text.search(/^RUN npm ci\b/m);
      for (const w of workspaces) {
        const copy = text.search(new RegExp(`^COPY (--chown=\\S+ )?${w}/package.json ${w}/$`, 'm'));
        expect(copy, `${name}: ${w}/package.json copied before npm ci`).toBeGreaterThan(-1);
        expect(copy, `${name}: ${w}/package.json copied before npm ci`).toBeLessThan(install);
      }
    }
    // …and the API's image builds the web console it serves, once the sources are in.
    const app = dockerfile(services['api']);
    expect(app.search(/^RUN npm run build:web$/m)).toBeGreaterThan(app.search(/^COPY .*\. \.$/m));
    // …and README documents those same steps and files.
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci');
    for (const name of ['api', 'worker-gpu', 'worker-cpu']) expect(readme, name).toContain(services[name].build!.dockerfile);
  });
});
