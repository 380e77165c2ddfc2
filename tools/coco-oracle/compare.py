#!/usr/bin/env python3
"""Checks `ablate eval` against the official COCO API (pycocotools COCOeval, iouType 'bbox').

Needs python3, numpy and pycocotools (`from pycocotools.cocoeval import COCOeval`); any
pycocotools on PYTHONPATH is used. Run from the repository root:

    python3 tools/coco-oracle/compare.py compare --cases 50 [--seed 1]
        random cases (crowds, empty images, images without detections, >100 detections per
        image, score ties, tiny and huge boxes, IoU exactly at thresholds, categories without GT,
        detections of categories without GT), each compared stat by stat to 1e-9
    python3 tools/coco-oracle/compare.py official GT.json DT.json
        the official stats as one JSON object (keys AP ... ARl)
    python3 tools/coco-oracle/compare.py generate --seed 3 --out DIR
        writes DIR/gt.json and DIR/dt.json of one random case
    python3 tools/coco-oracle/compare.py fixtures --out libs/detection/src/eval/fixtures --seeds 1 2 3
        writes case-SEED.json: the case and the official stats, summary lines, per-category AP

Exit status 0 when every case agrees.
"""
import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import time

import numpy as np

KEYS = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl']
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def official_eval(gt_path, dt_path, quiet=True, iou_type='bbox'):
    """pycocotools: COCO(gt), loadRes(dt), COCOeval(..., iou_type), evaluate, accumulate, summarize."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    out = io.StringIO()
    with contextlib.redirect_stdout(out if quiet else sys.stdout):
        gt = COCO(gt_path)
        dt = gt.loadRes(dt_path)
        ev = COCOeval(gt, dt, iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    lines = [l for l in out.getvalue().splitlines() if l.startswith(' Average')]
    return ev, lines


def official_stats(gt_path, dt_path, quiet=True):
    """The 12 stats of pycocotools and its printed summary lines."""
    ev, lines = official_eval(gt_path, dt_path, quiet)
    return {k: float(v) for k, v in zip(KEYS, ev.stats)}, lines


def per_category_ap(ev):
    """Mean precision over IoU and recall thresholds at area 'all', the largest maxDets, per category (-1 without GT)."""
    out = []
    for k, cat in enumerate(ev.params.catIds):
        s = ev.eval['precision'][:, :, k, 0, -1]
        out.append({'categoryId': int(cat), 'ap': float(np.mean(s[s > -1])) if np.any(s > -1) else -1.0})
    return out


def write_fixtures(args):
    """Small random cases with the official API's outputs, for the vitest of evaluateCoco."""
    import tempfile
    os.makedirs(args.out, exist_ok=True)
    for seed in args.seeds:
        gt, dt = generate(seed)
        tmp = tempfile.mkdtemp(prefix='coco-fixture-')
        gt_path, dt_path = write_case(tmp, gt, dt)
        ev, lines = official_eval(gt_path, dt_path)
        per_image = {}
        for d in dt:
            per_image.setdefault((d['image_id'], d['category_id']), 0)
            per_image[(d['image_id'], d['category_id'])] += 1
        fixture = {
            'seed': seed,
            'producedBy': 'tools/coco-oracle/compare.py fixtures: pycocotools cocoeval.py (official) with a numpy port of maskApi.c bbIou',
            'counts': {'images': len(gt['images']), 'annotations': len(gt['annotations']),
                       'crowds': sum(a['iscrowd'] for a in gt['annotations']), 'detections': len(dt),
                       'maxDetectionsPerImageAndCategory': max(per_image.values()),
                       'annotationIdZero': any(a['id'] == 0 for a in gt['annotations'])},
            'groundTruth': gt,
            'detections': dt,
            'official': {'stats': {k: float(v) for k, v in zip(KEYS, ev.stats)}, 'summary': lines,
                         'perCategory': per_category_ap(ev)},
        }
        with open(os.path.join(args.out, 'case-%d.json' % seed), 'w') as f:
            json.dump(fixture, f, separators=(',', ':'))
        print('case-%d.json: %s' % (seed, fixture['counts']))
    return 0


def random_box(rng, scale):
    kind = rng.random()
    if kind < 0.05:  # tiny
        return [float(rng.uniform(0, 600)), float(rng.uniform(0, 600)), float(rng.uniform(0, 2)), float(rng.uniform(0, 2))]
    if kind < 0.10:  # huge
        return [float(rng.uniform(-50, 50)), float(rng.uniform(-50, 50)), float(rng.uniform(400, 2000)), float(rng.uniform(400, 2000))]
    w = float(np.round(rng.uniform(1, scale), 2))
    h = float(np.round(rng.uniform(1, scale), 2))
    return [float(np.round(rng.uniform(0, 600), 2)), float(np.round(rng.uniform(0, 600), 2)), w, h]


def jitter(rng, box, amount):
    x, y, w, h = box
    return [x + float(rng.normal(0, amount * w)), y + float(rng.normal(0, amount * h)),
            max(0.0, w * float(np.exp(rng.normal(0, amount)))), max(0.0, h * float(np.exp(rng.normal(0, amount))))]


def generate(seed, num_images=None, num_categories=None):
    """One random case as (gt, dt) dicts. Deterministic in seed."""
    rng = np.random.default_rng(seed)
    n_img = int(num_images or rng.integers(1, 40))
    n_cat = int(num_categories or rng.integers(1, 8))
    img_ids = [int(i) for i in rng.choice(100000, n_img, replace=False) + 1]
    cat_ids = [int(i) for i in rng.choice(1000, n_cat, replace=False) + 1]
    images = [{'id': i, 'width': 640, 'height': 480} for i in img_ids]
    rng.shuffle(images)
    categories = [{'id': c, 'name': 'c%d' % c} for c in cat_ids]
    gt_cats = cat_ids[: max(1, n_cat - int(rng.integers(0, 2)))]  # sometimes a category without GT
    annotations = []
    ann_ids = iter(int(i) for i in rng.permutation(1000000)[:100000] + 1)
    allow_id_zero = rng.random() < 0.2
    for img in images:
        if rng.random() < 0.15:
            continue  # an empty image
        for _ in range(int(rng.integers(0, 12))):
            box = random_box(rng, float(rng.choice([20, 60, 200])))
            area_kind = rng.random()
            if area_kind < 0.1:
                area = float(rng.choice([32 ** 2, 96 ** 2, 0.0, 1e10]))  # exactly on a boundary
            elif area_kind < 0.6:
                area = box[2] * box[3]
            else:
                area = float(box[2] * box[3] * rng.uniform(0.5, 1.0))  # a mask area below the box area
            annotations.append({
                'id': next(ann_ids), 'image_id': img['id'], 'category_id': int(rng.choice(gt_cats)),
                'bbox': box, 'area': area, 'iscrowd': int(rng.random() < 0.08),
            })
    if allow_id_zero and annotations:
        annotations[int(rng.integers(0, len(annotations)))]['id'] = 0
    rng.shuffle(annotations)
    dets = []
    quantum = float(rng.choice([0.1, 0.01, 0.001, 0]))  # coarse scores give ties

    def score():
        s = float(rng.random())
        return float(np.round(s / quantum) * quantum) if quantum else s

    for a in annotations:
        for _ in range(int(rng.integers(0, 4))):
            c = a['category_id'] if rng.random() < 0.85 else int(rng.choice(cat_ids))
            dets.append({'image_id': a['image_id'], 'category_id': c, 'bbox': jitter(rng, a['bbox'], 0.15), 'score': score()})
        r = rng.random()
        x, y, w, h = a['bbox']
        if r < 0.05:
            dets.append({'image_id': a['image_id'], 'category_id': a['category_id'], 'bbox': [x, y, w, h / 2], 'score': score()})  # IoU 0.5
        elif r < 0.10:
            dets.append({'image_id': a['image_id'], 'category_id': a['category_id'], 'bbox': [x, y, w, h * 0.75], 'score': score()})  # IoU 0.75
        elif r < 0.15:
            dets.append({'image_id': a['image_id'], 'category_id': a['category_id'], 'bbox': [x, y, w, h], 'score': score()})  # IoU 1
    for img in images:
        if rng.random() < 0.2:
            continue  # an image without detections
        n = int(rng.integers(0, 8))
        if rng.random() < 0.1:
            n = int(rng.integers(100, 260))  # more than maxDets
        for _ in range(n):
            dets.append({'image_id': img['id'], 'category_id': int(rng.choice(cat_ids)), 'bbox': random_box(rng, 150), 'score': score()})
    if not dets:  # pycocotools' loadRes fails on an empty list (anns[0])
        dets.append({'image_id': images[0]['id'], 'category_id': cat_ids[0], 'bbox': [0, 0, 10, 10], 'score': 0.5})
    rng.shuffle(dets)
    return {'images': images, 'annotations': annotations, 'categories': categories}, dets


def ablate_stats(gt_path, dt_path, command):
    proc = subprocess.run(command.split() + ['--gt', gt_path, '--dt', dt_path, '--json'],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError('ablate eval failed (%d): %s' % (proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def write_case(directory, gt, dt):
    os.makedirs(directory, exist_ok=True)
    gt_path, dt_path = os.path.join(directory, 'gt.json'), os.path.join(directory, 'dt.json')
    with open(gt_path, 'w') as f:
        json.dump(gt, f)
    with open(dt_path, 'w') as f:
        json.dump(dt, f)
    return gt_path, dt_path


def compare_cases(cases, first_seed, generate_case, official, ablate, keys):
    """Runs `cases` random cases from `first_seed`: the official stats against ablate's, each to 1e-9."""
    import tempfile
    failures = 0
    tmp = tempfile.mkdtemp(prefix='coco-oracle-')
    for i in range(cases):
        seed = first_seed + i
        gt, dt = generate_case(seed)
        gt_path, dt_path = write_case(os.path.join(tmp, str(seed)), gt, dt)
        want = official(gt_path, dt_path)
        got = ablate(gt_path, dt_path)
        worst = max(abs(want[k] - got[k]) for k in keys)
        status = 'ok' if worst <= 1e-9 else 'MISMATCH'
        failures += status != 'ok'
        print('seed %d: %d images, %d gt, %d dt: max |diff| %.3g %s' % (
            seed, len(gt['images']), len(gt['annotations']), len(dt), worst, status))
        if status != 'ok':
            for k in keys:
                print('   %-5s official %.17g ablate %.17g' % (k, want[k], got[k]))
    print('%d of %d cases agree' % (cases - failures, cases))
    return 1 if failures else 0


def compare(args):
    return compare_cases(args.cases, args.seed, generate, lambda g, d: official_stats(g, d)[0],
                         lambda g, d: ablate_stats(g, d, args.command), KEYS)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='cmd', required=True)
    c = sub.add_parser('compare')
    c.add_argument('--cases', type=int, default=50)
    c.add_argument('--seed', type=int, default=1)
    c.add_argument('--command', default='node bin/ablate.js eval', help='the command under test (run from the repository root)')
    o = sub.add_parser('official')
    o.add_argument('gt')
    o.add_argument('dt')
    o.add_argument('--time', action='store_true', help='also print the seconds taken')
    fx = sub.add_parser('fixtures')
    fx.add_argument('--out', required=True)
    fx.add_argument('--seeds', type=int, nargs='+', required=True)
    g = sub.add_parser('generate')
    g.add_argument('--seed', type=int, required=True)
    g.add_argument('--out', required=True)
    args = parser.parse_args()
    if args.cmd == 'compare':
        sys.exit(compare(args))
    if args.cmd == 'official':
        t0 = time.perf_counter()
        stats, lines = official_stats(args.gt, args.dt)
        if args.time:
            stats['seconds'] = time.perf_counter() - t0
        print(json.dumps({**stats, 'summary': lines}))
    if args.cmd == 'fixtures':
        sys.exit(write_fixtures(args))
    if args.cmd == 'generate':
        write_case(args.out, *generate(args.seed))


if __name__ == '__main__':
    main()
