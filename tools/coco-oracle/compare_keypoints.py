#!/usr/bin/env python3
"""Checks keypoint AP (`ablate eval --iou-type keypoints`) against the official COCO API
(pycocotools COCOeval, iouType 'keypoints').

The keypoint path of cocoeval.py (computeOks, evaluateImg, accumulate, _summarizeKps) and of
coco.py (loadRes) is pure numpy: it needs none of pycocotools' C extension. Give either a
pycocotools on PYTHONPATH, or `--cocoapi GITDIR`, a git directory of cocodataset/cocoapi (e.g. the
snapshot `fetch github:cocodataset/cocoapi` leaves in /work/.mirror/cocodataset+cocoapi/repo): the
official `PythonAPI/pycocotools/{coco,cocoeval}.py` are then read from it at run time into a
temporary package (with `np.float` → `float` for numpy ≥ 1.24, a `mask` module that refuses to be
used and stand-ins for the matplotlib imports coco.py makes for drawing). None of that code is
kept here. Run from the repository root:

    python3 tools/coco-oracle/compare_keypoints.py [--cocoapi GITDIR] compare --cases 50 [--seed 1]
        random cases (crowds, unlabelled and occluded keypoints, num_keypoints 0, images without
        people, more than 20 detections an image, score ties, GT area on the range boundaries,
        detections with and without bbox), each compared stat by stat to 1e-9
    python3 tools/coco-oracle/compare_keypoints.py [--cocoapi GITDIR] fixtures --out DIR --seeds 1 2 3
        writes DIR/case-SEED.json: the case, the official 10 stats, summary lines, per-category AP

Exit status 0 when every case agrees.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from compare import ROOT, compare_cases, official_eval, per_category_ap, write_case

KEYS = ['AP', 'AP50', 'AP75', 'APm', 'APl', 'AR', 'AR50', 'AR75', 'ARm', 'ARl']
NAMES = ['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder',
         'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip',
         'left_knee', 'right_knee', 'left_ankle', 'right_ankle']
SKELETON = [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8],
            [7, 9], [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]]
K = len(NAMES)

MASK_STUB = '''"""Stand-in for pycocotools.mask: the keypoint path never calls it."""
def __getattr__(name):
    raise NotImplementedError('pycocotools.mask.%s: not available (no C extension); iouType keypoints does not need it' % name)
'''


def official_package(cocoapi):
    """A temporary `pycocotools` package with the official coco.py and cocoeval.py of `cocoapi`."""
    tmp = tempfile.mkdtemp(prefix='pycocotools-')
    pkg = os.path.join(tmp, 'pycocotools')
    os.makedirs(pkg)
    for name in ['coco.py', 'cocoeval.py']:
        src = subprocess.run(['git', '--git-dir', cocoapi, 'show', 'HEAD:PythonAPI/pycocotools/' + name],
                             capture_output=True, text=True, check=True).stdout
        with open(os.path.join(pkg, name), 'w') as f:
            f.write(src.replace('dtype=np.float)', 'dtype=float)'))
    with open(os.path.join(pkg, '__init__.py'), 'w') as f:
        f.write('')
    with open(os.path.join(pkg, 'mask.py'), 'w') as f:
        f.write(MASK_STUB)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        # coco.py imports pyplot, PatchCollection and Polygon for showAnns only.
        mpl = os.path.join(tmp, 'matplotlib')
        os.makedirs(mpl)
        for name, body in [('__init__.py', ''), ('pyplot.py', ''), ('collections.py', 'PatchCollection = None\n'),
                           ('patches.py', 'Polygon = None\n')]:
            with open(os.path.join(mpl, name), 'w') as f:
                f.write(body)
    sys.path.insert(0, tmp)


def random_person(rng, box):
    """17 keypoints in or near the box: each unlabelled (0, 0, 0), occluded (v 1) or visible (v 2)."""
    x, y, w, h = box
    unlabelled = rng.choice([0.0, 0.2, 0.5, 1.0], p=[0.3, 0.4, 0.2, 0.1])  # 1.0: a person with no keypoint
    kps = []
    for _ in range(K):
        if rng.random() < unlabelled:
            kps += [0, 0, 0]
            continue
        px = float(np.round(x + w * rng.uniform(-0.05, 1.05), 2))
        py = float(np.round(y + h * rng.uniform(-0.05, 1.05), 2))
        kps += [px, py, int(rng.choice([1, 2], p=[0.3, 0.7]))]
    return kps


def detected(rng, kps, box, noise):
    """A detection of a person: its labelled points moved by noise × the box's size, unlabelled ones guessed in the box."""
    x, y, w, h = box
    s = max(1.0, float(np.sqrt(w * h)))
    out = []
    for j in range(K):
        gx, gy, v = kps[3 * j: 3 * j + 3]
        if v == 0:
            gx, gy = x + w * rng.random(), y + h * rng.random()
        out += [float(np.round(gx + rng.normal(0, noise * s), 2)), float(np.round(gy + rng.normal(0, noise * s), 2)), 1]
    return out


def generate(seed):
    """One random keypoint case as (gt, dt) dicts. Deterministic in seed."""
    rng = np.random.default_rng(seed)
    n_img = int(rng.integers(1, 16))
    img_ids = [int(i) for i in rng.choice(100000, n_img, replace=False) + 1]
    images = [{'id': i, 'width': 640, 'height': 480} for i in img_ids]
    # Usually COCO's one category, person; sometimes a second category with keypoints too.
    cat_ids = [1] if rng.random() < 0.7 else [1, int(rng.integers(2, 100))]
    categories = [{'id': c, 'name': 'person' if c == 1 else 'c%d' % c, 'supercategory': 'person',
                   'keypoints': NAMES, 'skeleton': SKELETON} for c in cat_ids]
    annotations = []
    ann_ids = iter(int(i) for i in rng.permutation(1000000)[:100000] + 1)
    for img in images:
        if rng.random() < 0.2:
            continue  # an image without people
        for _ in range(int(rng.integers(0, 10))):
            side = float(rng.choice([20, 60, 150, 300]))
            w = float(np.round(rng.uniform(4, side), 2))
            h = float(np.round(rng.uniform(4, side * 1.5), 2))
            box = [float(np.round(rng.uniform(0, 600), 2)), float(np.round(rng.uniform(0, 440), 2)), w, h]
            crowd = int(rng.random() < 0.08)
            kps = [0] * (3 * K) if crowd else random_person(rng, box)
            area_kind = rng.random()
            if area_kind < 0.1:
                area = float(rng.choice([32 ** 2, 96 ** 2]))  # exactly on a range boundary
            else:
                area = float(w * h * rng.uniform(0.3, 1.0))  # a mask's area, below the box's
            annotations.append({
                'id': next(ann_ids), 'image_id': img['id'], 'category_id': int(rng.choice(cat_ids)),
                'bbox': box, 'area': area, 'iscrowd': crowd, 'keypoints': kps,
                'num_keypoints': int(sum(1 for v in kps[2::3] if v > 0)),
            })
    rng.shuffle(annotations)
    dets = []
    quantum = float(rng.choice([0.1, 0.01, 0]))  # coarse scores give ties
    with_bbox = rng.random() < 0.3  # loadRes then takes areas from the boxes

    def score():
        s = float(rng.random())
        return float(np.round(s / quantum) * quantum) if quantum else s

    def add(image_id, category_id, kps, box):
        d = {'image_id': image_id, 'category_id': category_id, 'keypoints': kps, 'score': score()}
        if with_bbox:
            d['bbox'] = [float(v) for v in box]
        dets.append(d)

    for a in annotations:
        for _ in range(int(rng.integers(0, 3))):
            c = a['category_id'] if rng.random() < 0.9 else int(rng.choice(cat_ids))
            add(a['image_id'], c, detected(rng, a['keypoints'], a['bbox'], float(rng.choice([0.01, 0.05, 0.15]))), a['bbox'])
    for img in images:
        if rng.random() < 0.3:
            continue  # an image without detections
        n = int(rng.integers(0, 6))
        if rng.random() < 0.2:
            n = int(rng.integers(21, 45))  # more than maxDets (20)
        for _ in range(n):
            box = [float(np.round(v, 2)) for v in (rng.uniform(0, 600), rng.uniform(0, 440), rng.uniform(4, 200), rng.uniform(4, 300))]
            kps = []
            for _ in range(K):
                kps += [float(np.round(box[0] + box[2] * rng.random(), 2)), float(np.round(box[1] + box[3] * rng.random(), 2)), 1]
            add(img['id'], int(rng.choice(cat_ids)), kps, box)
    if not dets:  # pycocotools' loadRes fails on an empty list (anns[0])
        add(images[0]['id'], cat_ids[0], [float(v) for v in rng.uniform(0, 100, 3 * K)], [0, 0, 100, 100])
    rng.shuffle(dets)
    return {'images': images, 'annotations': annotations, 'categories': categories}, dets


def ablate_stats(gt_path, dt_path, command):
    proc = subprocess.run(command.split() + ['--iou-type', 'keypoints', '--gt', gt_path, '--dt', dt_path, '--json'],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError('ablate eval failed (%d): %s' % (proc.returncode, proc.stderr))
    return json.loads(proc.stdout)


def counts(gt, dt):
    per_image = {}
    for d in dt:
        per_image[d['image_id']] = per_image.get(d['image_id'], 0) + 1
    anns = gt['annotations']
    return {'images': len(gt['images']), 'imagesWithoutPeople': len({i['id'] for i in gt['images']} - {a['image_id'] for a in anns}),
            'annotations': len(anns), 'crowds': sum(a['iscrowd'] for a in anns),
            'numKeypointsZero': sum(a['num_keypoints'] == 0 for a in anns),
            'occludedKeypoints': sum(v == 1 for a in anns for v in a['keypoints'][2::3]),
            'detections': len(dt), 'maxDetectionsPerImage': max(per_image.values()),
            'detectionsWithBbox': sum('bbox' in d for d in dt)}


def write_fixtures(args):
    os.makedirs(args.out, exist_ok=True)
    for seed in args.seeds:
        gt, dt = generate(seed)
        gt_path, dt_path = write_case(tempfile.mkdtemp(prefix='coco-kp-fixture-'), gt, dt)
        ev, lines = official_eval(gt_path, dt_path, iou_type='keypoints')
        fixture = {
            'seed': seed,
            'producedBy': 'tools/coco-oracle/compare_keypoints.py fixtures: official pycocotools coco.py + cocoeval.py (cocodataset/cocoapi), iouType keypoints',
            'counts': counts(gt, dt),
            'groundTruth': gt,
            'detections': dt,
            'official': {'stats': {k: float(v) for k, v in zip(KEYS, ev.stats)}, 'summary': lines, 'perCategory': per_category_ap(ev)},
        }
        with open(os.path.join(args.out, 'case-%d.json' % seed), 'w') as f:
            json.dump(fixture, f, separators=(',', ':'))
        print('case-%d.json: %s' % (seed, fixture['counts']))
    return 0


def compare(args):
    def official(gt_path, dt_path):
        return {k: float(v) for k, v in zip(KEYS, official_eval(gt_path, dt_path, iou_type='keypoints')[0].stats)}
    return compare_cases(args.cases, args.seed, generate, official, lambda g, d: ablate_stats(g, d, args.command), KEYS)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--cocoapi', help='git directory of cocodataset/cocoapi to read the official cocoeval.py and coco.py from')
    sub = parser.add_subparsers(dest='cmd', required=True)
    c = sub.add_parser('compare')
    c.add_argument('--cases', type=int, default=50)
    c.add_argument('--seed', type=int, default=1)
    c.add_argument('--command', default='node bin/ablate.js eval', help='the command under test (run from the repository root)')
    fx = sub.add_parser('fixtures')
    fx.add_argument('--out', required=True)
    fx.add_argument('--seeds', type=int, nargs='+', required=True)
    args = parser.parse_args()
    if args.cocoapi:
        official_package(args.cocoapi)
    sys.exit(compare(args) if args.cmd == 'compare' else write_fixtures(args))


if __name__ == '__main__':
    main()
