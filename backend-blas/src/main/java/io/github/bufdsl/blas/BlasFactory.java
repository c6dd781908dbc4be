package io.github.bufdsl.blas;

import io.github.bufdsl.runtime.MatrixBackend;

/** The {@code blas} backend kind, found by {@link java.util.ServiceLoader}; OpenBLAS is loaded by {@link #create()}. */
public final class BlasFactory implements MatrixBackend.Factory {
    @Override
    public String name() {
        return "blas";
    }

    @Override
    public boolean anyOffset() {
        return true;
    }

    @Override
    public boolean stages() {
        return true;
    }

    @Override
    public boolean readsNative() {
        return true;
    }

    /**
     * A backend on OpenBLAS for one thread.
     *
     * @throws IllegalStateException if OpenBLAS cannot be loaded on this machine (the message says why)
     */
    @Override
    public MatrixBackend create() {
        return new BlasBackend();
    }
}
