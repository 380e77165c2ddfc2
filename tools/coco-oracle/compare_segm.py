#!/usr/bin/env python3
"""Checks mask AP (`ablate eval --iou-type segm`) and the mask library against the official COCO
API: pycocotools with its C extension (maskApi.c), e.g. installed from a local wheel with
`pip install --no-deps --target DIR pycocotools-*.whl` and used with PYTHONPATH=DIR.

    PYTHONPATH=DIR python3 tools/coco-oracle/compare_segm.py compare --cases 30 [--seed 1]
        random cases (polygon, multi-polygon, uncompressed and compressed RLE GT, crowds, polygons
        beyond the image, masks of another size, score ties, detections with and without bbox),
        each compared stat by stat to 1e-9
    PYTHONPATH=DIR python3 tools/coco-oracle/compare_segm.py fixtures --seeds 1 2 3 4 5
        writes libs/detection/src/eval/fixtures-segm/case-SEED.json (case + official stats) and
        libs/detection/src/masks/fixtures/official-masks.json (polygons, their official RLE
        strings, areas, boxes, and an official iou matrix)

    PYTHONPATH=DIR python3 tools/coco-oracle/compare_segm.py time --images 500
        a COCO-like case (640×480 images, 7 polygon GT and 50 RLE detections each, 10 categories):
        CPU time of the official API (COCO, loadRes, evaluate, accumulate, summarize) against the
        whole command `ablate eval --iou-type segm --json`; the stats must agree to 1e-9

Exit status 0 when every case agrees.
"""
import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

KEYS = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl']
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def random_polygon(rng, h, w):
    """A star-shaped polygon: 3..9 vertices around a centre, fractional (sometimes half-integer)
    coordinates, sometimes reaching beyond the image."""
    cx, cy = rng.uniform(-0.1 * w, 1.1 * w), rng.uniform(-0.1 * h, 1.1 * h)
    r = rng.uniform(1, 0.5 * min(h, w))
    n = int(rng.integers(3, 10))
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radii = r * rng.uniform(0.3, 1.0, n)
    pts = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], 1)
    kind = rng.random()
    if kind < 0.2:
        pts = np.round(pts * 2) / 2  # half-integers: the rounding of x·5 + .5 at .5 matters
    elif kind < 0.4:
        pts = np.round(pts)
    else:
        pts = np.round(pts, 2)
    return [float(v) for v in pts.reshape(-1)]


def jitter_polygon(rng, poly, amount):
    return [float(np.round(v + rng.normal(0, amount), 2)) for v in poly]


def to_json_rle(rle):
    return {'size': [int(rle['size'][0]), int(rle['size'][1])], 'counts': rle['counts'].decode('ascii')}


def uncompressed(rle):
    """The uncompressed form {size, counts: [...]} of an official RLE (decode, re-run the runs)."""
    m = mask_utils.decode(rle)
    flat = m.T.reshape(-1)  # column-major as COCO
    counts, prev, run = [], 0, 0
    for v in flat:
        if v != prev:
            counts.append(run)
            run, prev = 0, v
        run += 1
    counts.append(run)
    return {'size': [int(rle['size'][0]), int(rle['size'][1])], 'counts': [int(c) for c in counts]}


def generate(seed):
    rng = np.random.default_rng(seed)
    n_img = int(rng.integers(1, 6))
    n_cat = int(rng.integers(1, 4))
    images = [{'id': int(i) + 1, 'height': int(rng.integers(12, 70)), 'width': int(rng.integers(12, 70))}
              for i in rng.choice(1000, n_img, replace=False)]
    categories = [{'id': int(c) + 1, 'name': 'c%d' % c} for c in rng.choice(100, n_cat, replace=False)]
    annotations = []
    quantum = float(rng.choice([0.1, 0.01, 0]))
    with_bbox = rng.random() < 0.3  # every detection has a bbox: loadRes takes areas from it

    def score():
        s = float(rng.random())
        return float(np.round(s / quantum) * quantum) if quantum else s

    dets = []

    def add_det(img, cat, poly_list, size=None):
        h, w = size or (img['height'], img['width'])
        rle = mask_utils.merge(mask_utils.frPyObjects(poly_list, h, w))
        d = {'image_id': img['id'], 'category_id': cat, 'segmentation': to_json_rle(rle), 'score': score()}
        if with_bbox:
            d['bbox'] = [float(v) for v in mask_utils.toBbox(rle)]
        dets.append(d)

    for img in images:
        h, w = img['height'], img['width']
        for _ in range(int(rng.integers(0, 6))):
            cat = int(rng.choice([c['id'] for c in categories]))
            polys = [random_polygon(rng, h, w) for _ in range(1 if rng.random() < 0.8 else 2)]
            rle = mask_utils.merge(mask_utils.frPyObjects(polys, h, w))
            kind = rng.random()
            crowd = int(rng.random() < 0.1)
            if crowd or kind < 0.15:
                segmentation = uncompressed(rle)
            elif kind < 0.25:
                segmentation = to_json_rle(rle)
            else:
                segmentation = polys
            area = float(mask_utils.area(rle))
            if rng.random() < 0.2:
                area = float(rng.choice([32 ** 2, 96 ** 2, area * rng.uniform(0.5, 1.5)]))
            annotations.append({'id': len(annotations) + 1, 'image_id': img['id'], 'category_id': cat,
                                'bbox': [float(v) for v in mask_utils.toBbox(rle)], 'area': area,
                                'iscrowd': crowd, 'segmentation': segmentation})
            for _ in range(int(rng.integers(0, 3))):
                c = cat if rng.random() < 0.85 else int(rng.choice([c['id'] for c in categories]))
                add_det(img, c, [jitter_polygon(rng, p, float(rng.choice([0.3, 1, 3]))) for p in polys])
            if rng.random() < 0.05:
                add_det(img, cat, polys, (h + 1, w))  # another size: rleIou gives -1
        for _ in range(int(rng.integers(0, 4))):
            add_det(img, int(rng.choice([c['id'] for c in categories])), [random_polygon(rng, h, w)])
    if not dets:
        add_det(images[0], categories[0]['id'], [random_polygon(rng, images[0]['height'], images[0]['width'])])
    rng.shuffle(dets)
    return {'images': images, 'annotations': annotations, 'categories': categories}, dets


def official_stats(gt, dt):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        coco = COCO()
        coco.dataset = json.loads(json.dumps(gt))
        coco.createIndex()
        res = coco.loadRes(json.loads(json.dumps(dt)))
        ev = COCOeval(coco, res, 'segm')
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return {k: float(v) for k, v in zip(KEYS, ev.stats)}


def ablate_stats(gt, dt):
    tmp = tempfile.mkdtemp(prefix='segm-case-')
    gt_path, dt_path = os.path.join(tmp, 'gt.json'), os.path.join(tmp, 'dt.json')
    with open(gt_path, 'w') as f:
        json.dump(gt, f)
    with open(dt_path, 'w') as f:
        json.dump(dt, f)
    proc = subprocess.run(['node', 'bin/ablate.js', 'eval', '--iou-type', 'segm', '--gt', gt_path, '--dt', dt_path, '--json'],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError('ablate eval failed (%d): %s' % (proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def compare(args):
    failures = 0
    for seed in range(args.seed, args.seed + args.cases):
        gt, dt = generate(seed)
        want, got = official_stats(gt, dt), ablate_stats(gt, dt)
        bad = [k for k in KEYS if abs(want[k] - got[k]) > 1e-9]
        print('case %d: %d images, %d GT, %d detections: %s' % (seed, len(gt['images']), len(gt['annotations']), len(dt),
                                                                 'MISMATCH ' + ' '.join(bad) if bad else 'ok'))
        for k in bad:
            print('   %-5s official %.17g ablate %.17g' % (k, want[k], got[k]))
        failures += bool(bad)
    print('%d of %d cases agree' % (args.cases - failures, args.cases))
    return 1 if failures else 0


def mask_fixtures(seed):
    rng = np.random.default_rng(seed)
    polygons = []
    for _ in range(60):
        h, w = int(rng.integers(5, 50)), int(rng.integers(5, 50))
        poly = random_polygon(rng, h, w)
        rle = mask_utils.frPyObjects([poly], h, w)[0]
        polygons.append({'poly': poly, 'h': h, 'w': w, 'counts': rle['counts'].decode('ascii'),
                         'area': int(mask_utils.area(rle)), 'bbox': [float(v) for v in mask_utils.toBbox(rle)]})
    h, w = 30, 40
    dt = [mask_utils.frPyObjects([random_polygon(rng, h, w)], h, w)[0] for _ in range(8)]
    gt = [mask_utils.frPyObjects([random_polygon(rng, h, w)], h, w)[0] for _ in range(6)]
    iscrowd = [int(v) for v in rng.random(6) < 0.3]
    iou = mask_utils.iou(dt, gt, iscrowd)
    return {'producedBy': 'tools/coco-oracle/compare_segm.py fixtures (pycocotools 2.0.11, C maskApi)',
            'polygons': polygons,
            'iou': {'h': h, 'w': w, 'dt': [r['counts'].decode('ascii') for r in dt], 'gt': [r['counts'].decode('ascii') for r in gt],
                    'iscrowd': iscrowd, 'official': [[float(v) for v in row] for row in iou]}}


def write_fixtures(args):
    out = os.path.join(ROOT, 'libs/detection/src/eval/fixtures-segm')
    os.makedirs(out, exist_ok=True)
    for seed in args.seeds:
        gt, dt = generate(seed)
        fixture = {'seed': seed, 'producedBy': 'tools/coco-oracle/compare_segm.py fixtures (pycocotools 2.0.11, C maskApi)',
                   'groundTruth': gt, 'detections': dt, 'official': {'stats': official_stats(gt, dt)}}
        with open(os.path.join(out, 'case-%d.json' % seed), 'w') as f:
            json.dump(fixture, f)
    masks = os.path.join(ROOT, 'libs/detection/src/masks/fixtures')
    os.makedirs(masks, exist_ok=True)
    with open(os.path.join(masks, 'official-masks.json'), 'w') as f:
        json.dump(mask_fixtures(args.seeds[0]), f)
    return 0


def timing_case(n_images, seed=0):
    rng = np.random.default_rng(seed)
    images = [{'id': i + 1, 'height': 480, 'width': 640} for i in range(n_images)]
    categories = [{'id': c + 1, 'name': 'c%d' % c} for c in range(10)]
    annotations, dets = [], []
    for img in images:
        for _ in range(7):
            poly = random_polygon(rng, 480, 640)
            rle = mask_utils.frPyObjects([poly], 480, 640)[0]
            cat = int(rng.integers(1, 11))
            annotations.append({'id': len(annotations) + 1, 'image_id': img['id'], 'category_id': cat,
                                'bbox': [float(v) for v in mask_utils.toBbox(rle)], 'area': float(mask_utils.area(rle)),
                                'iscrowd': 0, 'segmentation': [poly]})
            for _ in range(5):
                r = mask_utils.frPyObjects([jitter_polygon(rng, poly, 3)], 480, 640)[0]
                dets.append({'image_id': img['id'], 'category_id': cat, 'segmentation': to_json_rle(r), 'score': float(rng.random())})
        for _ in range(15):
            r = mask_utils.frPyObjects([random_polygon(rng, 480, 640)], 480, 640)[0]
            dets.append({'image_id': img['id'], 'category_id': int(rng.integers(1, 11)), 'segmentation': to_json_rle(r),
                         'score': float(rng.random())})
    return {'images': images, 'annotations': annotations, 'categories': categories}, dets


def timing(args):
    import time
    gt, dt = timing_case(args.images)
    tmp = tempfile.mkdtemp(prefix='segm-time-')
    gt_path, dt_path = os.path.join(tmp, 'gt.json'), os.path.join(tmp, 'dt.json')
    with open(gt_path, 'w') as f:
        json.dump(gt, f)
    with open(dt_path, 'w') as f:
        json.dump(dt, f)
    t0 = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(gt_path)
        ev = COCOeval(coco, coco.loadRes(dt_path), 'segm')
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    official_cpu = time.process_time() - t0
    before = os.times()
    proc = subprocess.run(['node', 'bin/ablate.js', 'eval', '--iou-type', 'segm', '--gt', gt_path, '--dt', dt_path, '--json'],
                          capture_output=True, text=True, cwd=ROOT)
    after = os.times()
    ablate_cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    got = json.loads(proc.stdout)
    diff = max(abs(got[k] - float(v)) for k, v in zip(KEYS, ev.stats))
    print(json.dumps({'bench': 'segm-eval', 'images': args.images, 'gt': len(gt['annotations']), 'detections': len(dt),
                      'official_cpu_s': round(official_cpu, 2), 'ablate_cpu_s': round(ablate_cpu, 2),
                      'speedup_cpu': round(official_cpu / ablate_cpu, 2), 'AP': got['AP'], 'max_abs_diff': diff}))
    return 0 if diff <= 1e-9 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    c = sub.add_parser('compare')
    c.add_argument('--cases', type=int, default=30)
    c.add_argument('--seed', type=int, default=1)
    f = sub.add_parser('fixtures')
    f.add_argument('--seeds', type=int, nargs='+', default=[1, 2, 3, 4, 5])
    t = sub.add_parser('time')
    t.add_argument('--images', type=int, default=500)
    args = p.parse_args()
    sys.exit({'compare': compare, 'fixtures': write_fixtures, 'time': timing}[args.cmd](args))


if __name__ == '__main__':
    main()
