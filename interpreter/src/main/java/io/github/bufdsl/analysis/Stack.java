package io.github.bufdsl.analysis;

/** An immutable stack of tensors: the top and what is below. */
record Stack(TensorRec top, Stack below) {
}

