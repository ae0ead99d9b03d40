"""Clustering speaker embeddings with an automatic speaker count.

Spectral clustering on a pruned cosine affinity (after Park et al., 2019):
each row keeps its strongest neighbours, the graph is symmetrised, and the
number of speakers is the largest eigengap of the normalised Laplacian within
``[min_k, max_k]``.  Very long recordings are clustered on an even subsample
and the rest assigned to the nearest centroid (bounded time and memory).
"""

from __future__ import annotations

import numpy as np

MAX_POINTS = 1500
#: Two clusters whose centroids are more similar than this are one speaker.
SAME_SPEAKER_COS = 0.88


def normalise(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(n, 1e-9)


def centroids(emb: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return normalise(np.stack([emb[labels == c].mean(axis=0) if np.any(labels == c) else np.zeros(emb.shape[1])
                               for c in range(k)]))


def cluster(emb: np.ndarray, *, num_speakers: int | None = None, min_k: int = 1, max_k: int = 8,
            seed: int = 0, method: str = "auto") -> np.ndarray:
    """Speaker label (0 … k-1) of each embedding row.

    ``method``: ``auto`` (default) = average-linkage clustering when the count is
    fixed, spectral clustering with eigengap counting otherwise — on the AMI
    excerpts the former confuses fewer speakers for a known count and the latter
    counts more robustly than any linkage threshold; ``spectral``, ``ahc`` and
    ``hybrid`` (eigengap count, linkage partition) force one way.
    """
    if method == "auto":
        method = "ahc" if (num_speakers is not None or min_k == max_k) else "spectral"
    n = emb.shape[0]
    if n == 0:
        return np.zeros(0, dtype=int)
    emb = normalise(emb.astype(np.float64))
    if num_speakers is not None:
        min_k = max_k = num_speakers
    max_k = max(1, min(max_k, n))
    min_k = max(1, min(min_k, max_k))
    if n < 4 or max_k == 1:
        return np.zeros(n, dtype=int)
    rng = np.random.default_rng(seed)
    sub = np.arange(n) if n <= MAX_POINTS else np.sort(rng.choice(n, MAX_POINTS, replace=False))
    x = emb[sub]
    if method == "ahc":
        lab, k = _ahc(x, min_k=min_k, max_k=max_k)
    elif method == "hybrid":  # count by eigengap, partition by average-linkage clustering
        k, _ = _spectral_count(x, min_k=max(2, min_k), max_k=max(2, max_k))
        lab, k = _ahc(x, min_k=k, max_k=k)
    else:
        k, vecs = _spectral_count(x, min_k=max(2, min_k), max_k=max(2, max_k))
        lab = kmeans(vecs, k, seed=seed)
    cents = centroids(x, lab, k)
    labels = np.argmax(emb @ cents.T, axis=1)
    labels = _merge_similar(emb, labels, k, min_k)
    return _relabel_by_first(labels)


def kmeans(x: np.ndarray, k: int, *, n_init: int = 10, iters: int = 100, seed: int = 0) -> np.ndarray:
    """Plain k-means with k-means++ seeding, best of ``n_init`` runs (numpy only; sklearn's import is slow)."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    best, best_inertia = np.zeros(n, dtype=int), np.inf
    for _ in range(n_init):
        cents = [x[rng.integers(n)]]
        for _ in range(1, k):
            d = np.min(((x[:, None, :] - np.array(cents)[None]) ** 2).sum(-1), axis=1)
            total = d.sum()
            cents.append(x[rng.choice(n, p=d / total)] if total > 0 else x[rng.integers(n)])
        c = np.array(cents)
        for _ in range(iters):
            dist = ((x[:, None, :] - c[None]) ** 2).sum(-1)
            lab = np.argmin(dist, axis=1)
            new = np.array([x[lab == j].mean(axis=0) if np.any(lab == j) else c[j] for j in range(k)])
            if np.allclose(new, c):
                break
            c = new
        inertia = float(((x - c[lab]) ** 2).sum())
        if inertia < best_inertia:
            best, best_inertia = lab, inertia
    return best


#: Average-linkage cosine distance at which agglomerative clustering stops merging.
AHC_THRESHOLD = 0.3


def _ahc(x: np.ndarray, *, min_k: int, max_k: int) -> tuple[np.ndarray, int]:
    from scipy.cluster.hierarchy import fcluster, linkage

    z = linkage(x, method="average", metric="cosine")
    lab = fcluster(z, t=AHC_THRESHOLD, criterion="distance") - 1
    k = int(lab.max()) + 1
    if k > max_k or k < min_k:
        k = min(max(k, min_k), max_k)
        lab = fcluster(z, t=k, criterion="maxclust") - 1
        k = int(lab.max()) + 1
    return lab, k


def _spectral_count(x: np.ndarray, *, min_k: int, max_k: int) -> tuple[int, np.ndarray]:
    n = x.shape[0]
    sim = x @ x.T
    keep = max(3, int(round(0.25 * n)))
    aff = np.zeros_like(sim)
    idx = np.argpartition(-sim, kth=min(keep, n - 1), axis=1)[:, :keep]
    rows = np.arange(n)[:, None]
    aff[rows, idx] = np.clip(sim[rows, idx], 0, None)
    aff = 0.5 * (aff + aff.T)
    np.fill_diagonal(aff, 0.0)
    deg = aff.sum(axis=1)
    d = 1.0 / np.sqrt(np.maximum(deg, 1e-9))
    lap = np.eye(n) - d[:, None] * aff * d[None, :]
    vals, vecs = np.linalg.eigh(lap)
    max_k = min(max_k, n - 1)
    min_k = min(min_k, max_k)
    gaps = np.diff(vals[: max_k + 1])
    k = int(np.argmax(gaps[min_k - 1:max_k])) + min_k
    v = vecs[:, :k]
    return k, v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def _merge_similar(emb: np.ndarray, labels: np.ndarray, k: int, min_k: int) -> np.ndarray:
    """Merge clusters whose centroids are near-identical (down to ``min_k`` clusters)."""
    labels = labels.copy()
    while len(np.unique(labels)) > max(1, min_k):
        present = np.unique(labels)
        c = centroids(emb, labels, k)[present]
        s = c @ c.T
        np.fill_diagonal(s, -1)
        i, j = np.unravel_index(np.argmax(s), s.shape)
        if s[i, j] < SAME_SPEAKER_COS:
            break
        labels[labels == present[j]] = present[i]
    return labels


def _relabel_by_first(labels: np.ndarray) -> np.ndarray:
    order: dict[int, int] = {}
    for lab in labels:
        order.setdefault(int(lab), len(order))
    return np.array([order[int(lab)] for lab in labels], dtype=int)
