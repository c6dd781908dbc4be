package io.github.bufdsl.runtime;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The copy every permutation of a contraction makes: {@code dst = beta * dst + alpha * src} over
 * {@code dims}, each side with its own strides, between Java arrays and direct buffers. After the
 * idea of HPTT (Springer, Su, Bientinesi: "HPTT: a high-performance tensor transposition C++
 * library", 2017): axes that are contiguous on both sides are fused; when the axis the source reads
 * contiguously is not the one the destination writes contiguously, the two are walked in square
 * tiles small enough for the level-1 cache, so that both sides move along cache lines; the other
 * axes are outer loops. Large copies are split over the processors: each part is a range of the
 * outer iterations (and of the tile rows), written by one thread only. Strides of the destination
 * must not be 0 (traces use {@link Contractor}'s plain loop).
 */
final class Permutation {
    /**
     * Tile side: 32 x 32 doubles are 8 KB on each side, so a tile of each side stays in the level-1
     * cache; an axis of at most {@link #WHOLE} elements is one tile (short loops cost more than the
     * cache misses they save).
     */
    static final int TILE = 32;
    static final int WHOLE = 64;
    /** Copies of at least this many elements are split over the processors. */
    static final long PARALLEL_ELEMENTS = 1 << 16;

    /** Threads a large copy is split over: one per processor, or the system property bufdsl.permute.threads. */
    private static final int THREADS = Math.max(1, Integer.getInteger("bufdsl.permute.threads",
            Runtime.getRuntime().availableProcessors()));
    private static volatile ExecutorService pool;

    private Permutation() {
    }

    /**
     * {@code dst[dstOff + sum(i_k * dstStrides[k])] = beta * dst[...] + alpha * src[srcOff + sum(i_k *
     * srcStrides[k])]} for every index in {@code dims}. Exactly one of {@code srcArray}/{@code srcBuf}
     * and one of {@code dstArray}/{@code dstBuf} is non-null (buffers are read and written by
     * absolute index). With beta 0 the old value is not read. Modifies only the destination's
     * elements the index set reaches.
     */
    static void copy(double[] srcArray, DoubleBuffer srcBuf, int srcOff, int[] dims, int[] srcStrides,
            double[] dstArray, DoubleBuffer dstBuf, int dstOff, int[] dstStrides, double alpha, double beta) {
        long total = 1;
        for (int d : dims) {
            if (d == 0) {
                return;
            }
            total *= d;
        }
        Plan p = Plan.of(dims, srcStrides, dstStrides);
        boolean arrays = srcArray != null && dstArray != null;
        Side src = new Side(srcArray, srcBuf != null || arrays ? srcBuf : DoubleBuffer.wrap(srcArray), srcOff);
        Side dst = new Side(dstArray, dstBuf != null || arrays ? dstBuf : DoubleBuffer.wrap(dstArray), dstOff);
        long work = p.work();
        int chunks = total >= PARALLEL_ELEMENTS && THREADS > 1
                ? (int) Math.min(work, Math.min(4L * THREADS, total / (PARALLEL_ELEMENTS / 4))) : 1;
        if (chunks <= 1) {
            p.run(src, dst, 0, work, alpha, beta);
            return;
        }
        // the work in chunks that any thread claims: the caller takes chunks too, so that it never waits
        // for a helper the machine does not schedule, only for chunks a helper has begun
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(chunks);
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        Runnable worker = () -> {
            for (int c; (c = next.getAndIncrement()) < chunks;) {
                try {
                    p.run(src, dst, work * c / chunks, work * (c + 1) / chunks, alpha, beta);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } finally {
                    left.decrementAndGet();
                }
            }
        };
        ExecutorService exec = pool();
        for (int t = 1; t < THREADS; t++) {
            exec.execute(worker);
        }
        worker.run();
        while (left.get() > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Permutation.class) {
                p = pool;
                if (p == null) {
                    p = Executors.newFixedThreadPool(THREADS - 1, r -> {
                        Thread t = new Thread(r, "bufdsl-permute");
                        t.setDaemon(true);
                        return t;
                    });
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * One side of the copy: an array, a buffer (direct, or wrapping the array when the other side is a
     * buffer), and where the tensor starts in it.
     */
    private record Side(double[] array, DoubleBuffer buf, int offset) {
    }

    /**
     * The loops of one copy once its axes are normalised: {@code inner} is the axis the destination
     * writes contiguously (its smallest stride); in tiled mode {@code tiled} is the axis the source
     * reads contiguously, walked in tiles against {@code inner}; the rest are outer axes. The work is
     * numbered: outer iteration times tile rows (tiled) or outer iterations (plain).
     */
    private record Plan(int innerDim, int innerSrc, int innerDst, int tiledDim, int tiledSrc, int tiledDst,
            int[] outerDims, int[] outerSrc, int[] outerDst, int tileRows, int rowsPerTile, int colsPerTile) {

        static Plan of(int[] dims, int[] srcStrides, int[] dstStrides) {
            // drop axes of length 1; order by the destination's stride; fuse axes contiguous on both sides
            List<int[]> axes = new ArrayList<>(); // {dim, srcStride, dstStride}
            for (int k = 0; k < dims.length; k++) {
                if (dims[k] != 1) {
                    axes.add(new int[] {dims[k], srcStrides[k], dstStrides[k]});
                }
            }
            axes.sort((x, y) -> Integer.compare(Math.abs(x[2]), Math.abs(y[2])));
            List<int[]> fused = new ArrayList<>();
            for (int[] a : axes) {
                if (!fused.isEmpty()) {
                    int[] last = fused.get(fused.size() - 1);
                    if ((long) last[1] * last[0] == a[1] && (long) last[2] * last[0] == a[2]
                            && (long) last[0] * a[0] <= Integer.MAX_VALUE) {
                        last[0] *= a[0];
                        continue;
                    }
                }
                fused.add(a.clone());
            }
            if (fused.isEmpty()) {
                fused.add(new int[] {1, 0, 0});
            }
            int[] inner = fused.get(0);
            int tiled = -1;
            if (Math.abs(inner[1]) != 1) {
                for (int k = 1; k < fused.size(); k++) {
                    if (Math.abs(fused.get(k)[1]) == 1) {
                        tiled = k;
                    }
                }
            }
            List<int[]> outer = new ArrayList<>();
            for (int k = 1; k < fused.size(); k++) {
                if (k != tiled) {
                    outer.add(fused.get(k));
                }
            }
            int[] od = new int[outer.size()];
            int[] os = new int[outer.size()];
            int[] ot = new int[outer.size()];
            for (int k = 0; k < od.length; k++) {
                od[k] = outer.get(k)[0];
                os[k] = outer.get(k)[1];
                ot[k] = outer.get(k)[2];
            }
            int[] t = tiled < 0 ? new int[] {1, 0, 0} : fused.get(tiled);
            int side = t[0] <= WHOLE ? t[0] : TILE;
            int rows = tiled < 0 ? 1 : (t[0] + side - 1) / side;
            int cols = tiled < 0 || inner[0] <= WHOLE ? inner[0] : TILE;
            return new Plan(inner[0], inner[1], inner[2], t[0], t[1], t[2], od, os, ot, rows, side, cols);
        }

        long work() {
            long n = tileRows;
            for (int d : outerDims) {
                n *= d;
            }
            return n;
        }

        /** Work items {@code from} (inclusive) to {@code to}: each one tile row of one outer iteration. */
        void run(Side src, Side dst, long from, long to, double alpha, double beta) {
            if (from >= to) {
                return;
            }
            int rank = outerDims.length;
            int[] counter = new int[rank];
            long outerIndex = from / tileRows;
            int row = (int) (from % tileRows);
            int sp = src.offset();
            int dp = dst.offset();
            for (int k = 0; k < rank; k++) {
                counter[k] = (int) (outerIndex % outerDims[k]);
                outerIndex /= outerDims[k];
                sp += counter[k] * outerSrc[k];
                dp += counter[k] * outerDst[k];
            }
            // a buffer side moves whole runs in bulk: a tile is gathered into and scattered from these
            boolean staged = src.buf() != null && tiledSrc == 1 && innerDst == 1;
            double[] in = staged ? new double[rowsPerTile * colsPerTile] : null;
            double[] out = staged ? new double[rowsPerTile * colsPerTile] : null;
            for (long w = from; w < to; w++) {
                int r0 = row * rowsPerTile;
                int r1 = Math.min(tiledDim, r0 + rowsPerTile);
                block(src, sp + r0 * tiledSrc, dst, dp + r0 * tiledDst, r1 - r0, alpha, beta, in, out);
                if (++row < tileRows) {
                    continue;
                }
                row = 0;
                for (int k = 0; k < rank; k++) {
                    counter[k]++;
                    sp += outerSrc[k];
                    dp += outerDst[k];
                    if (counter[k] < outerDims[k]) {
                        break;
                    }
                    sp -= outerSrc[k] * outerDims[k];
                    dp -= outerDst[k] * outerDims[k];
                    counter[k] = 0;
                }
            }
        }

        /** {@code rows} elements of the tiled axis by all of the inner axis, tile by tile along the inner axis. */
        private void block(Side src, int sp, Side dst, int dp, int rows, double alpha, double beta, double[] in,
                double[] out) {
            int step = colsPerTile;
            for (int c0 = 0; c0 < innerDim; c0 += step) {
                int cols = Math.min(step, innerDim - c0);
                int s = sp + c0 * innerSrc;
                int d = dp + c0 * innerDst;
                if (src.buf() == null) {
                    tile(src.array(), s, dst.array(), d, rows, cols, alpha, beta);
                } else if (in != null) {
                    staged(src.buf(), s, dst.buf(), d, rows, cols, alpha, beta, in, out);
                } else if (rows == 1 && innerSrc == 1 && innerDst == 1 && alpha == 1.0 && beta == 0.0) {
                    dst.buf().put(d, src.buf(), s, cols);
                } else {
                    tile(src, s, dst, d, rows, cols, alpha, beta);
                }
            }
        }

        /**
         * A tile between buffers where the source's rows and the destination's columns are contiguous:
         * each source column is read in bulk into {@code in}, transposed there into {@code out}, and
         * each destination row written in bulk.
         */
        private void staged(DoubleBuffer a, int s, DoubleBuffer b, int d, int rows, int cols, double alpha,
                double beta, double[] in, double[] out) {
            for (int c = 0; c < cols; c++) {
                a.get(s + c * innerSrc, in, c * rows, rows);
            }
            if (beta != 0.0) {
                for (int r = 0; r < rows; r++) {
                    b.get(d + r * tiledDst, out, r * cols, cols);
                }
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        out[r * cols + c] = beta * out[r * cols + c] + alpha * in[c * rows + r];
                    }
                }
            } else if (alpha == 1.0) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0, x = r, y = r * cols; c < cols; c++, x += rows, y++) {
                        out[y] = in[x];
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0, x = r, y = r * cols; c < cols; c++, x += rows, y++) {
                        out[y] = alpha * in[x];
                    }
                }
            }
            for (int r = 0; r < rows; r++) {
                b.put(d + r * tiledDst, out, r * cols, cols);
            }
        }

        private void tile(double[] a, int s, double[] b, int d, int rows, int cols, double alpha, double beta) {
            int is = innerSrc;
            int id = innerDst;
            int ts = tiledSrc;
            int td = tiledDst;
            if (beta == 0.0 && alpha == 1.0) {
                for (int r = 0; r < rows; r++, s += ts, d += td) {
                    for (int c = 0, x = s, y = d; c < cols; c++, x += is, y += id) {
                        b[y] = a[x];
                    }
                }
            } else if (beta == 0.0) {
                for (int r = 0; r < rows; r++, s += ts, d += td) {
                    for (int c = 0, x = s, y = d; c < cols; c++, x += is, y += id) {
                        b[y] = alpha * a[x];
                    }
                }
            } else {
                for (int r = 0; r < rows; r++, s += ts, d += td) {
                    for (int c = 0, x = s, y = d; c < cols; c++, x += is, y += id) {
                        b[y] = beta * b[y] + alpha * a[x];
                    }
                }
            }
        }

        private void tile(Side src, int s, Side dst, int d, int rows, int cols, double alpha, double beta) {
            DoubleBuffer a = src.buf();
            DoubleBuffer b = dst.buf();
            int is = innerSrc;
            int id = innerDst;
            int ts = tiledSrc;
            int td = tiledDst;
            if (beta == 0.0) {
                for (int r = 0; r < rows; r++, s += ts, d += td) {
                    for (int c = 0, x = s, y = d; c < cols; c++, x += is, y += id) {
                        b.put(y, alpha * a.get(x));
                    }
                }
            } else {
                for (int r = 0; r < rows; r++, s += ts, d += td) {
                    for (int c = 0, x = s, y = d; c < cols; c++, x += is, y += id) {
                        b.put(y, beta * b.get(y) + alpha * a.get(x));
                    }
                }
            }
        }
    }
}
