package dev.depthlab.backend.cuda;

/**
 * The layout of one cuBLAS {@code <t>gemmStridedBatched} call, in cuBLAS's own column-major terms:
 * for each p in [0, batch), {@code C_p = alpha op(A_p) op(B_p) + beta C_p} with op(A_p) m x k,
 * op(B_p) k x n, C_p m x n, {@code X_p = X + p strideX}; leading dimensions and strides count
 * elements. {@link Device#gemm} takes it with the operands, the scalars and the precision.
 *
 * @param transA op(A) = A^T (CUBLAS_OP_T) rather than A (CUBLAS_OP_N); likewise transB
 * @param lda the stored A's leading dimension, at least its rows (m, or k when transA); likewise
 *     ldb (k, or n when transB) and ldc (m)
 */
public record Gemm(
    boolean transA,
    boolean transB,
    int m,
    int n,
    int k,
    int lda,
    long strideA,
    int ldb,
    long strideB,
    int ldc,
    long strideC,
    int batch) {}
