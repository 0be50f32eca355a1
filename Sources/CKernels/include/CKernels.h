#ifndef PIPELINT_CKERNELS_H
#define PIPELINT_CKERNELS_H

// The map kernels' inner loops that Swift cannot express: non-temporal (streaming)
// stores for outputs larger than the last-level cache, and AVX2/AVX-512 loops
// chosen at run time. Every loop gives, element for element, exactly what the
// scalar definition in docs/kernels.md gives, in every instruction set and with
// or without streaming (KernelLoopTests forces each path).

#include <stddef.h>
#include <stdint.h>

/// Binary operators: `pk_binary_*` and `pk_scalar_*` take one of these.
#define PK_ADD 0
#define PK_SUB 1
#define PK_MUL 2
#define PK_DIV 3

/// Output size in bytes from which the loops stream their stores past the caches.
size_t pk_stream_bytes(void);
/// The instruction set the loops use: 0 baseline x86-64 (or not x86), 1 AVX2, 2 AVX-512.
int pk_level(void);
/// Tests only: force the instruction set (at most what the CPU has; -1 restores the
/// detected one) and the streaming threshold (0 restores the default).
void pk_force(int level, size_t stream_bytes);

/// `out[i] = a[i] op b[i]`; Int64 wraps modulo 2⁶⁴ (no division).
void pk_binary_f64(int op, const double *a, const double *b, double *out, size_t n);
void pk_binary_i64(int op, const int64_t *a, const int64_t *b, int64_t *out, size_t n);
/// `out[i] = a[i] op b`.
void pk_scalar_f64(int op, const double *a, double b, double *out, size_t n);
void pk_scalar_i64(int op, const int64_t *a, int64_t b, int64_t *out, size_t n);
/// `table[idx[i]]`, or NaN / 0 when `idx[i]` is outside `0..<count` (count > 0).
void pk_take_f64(const int64_t *idx, const double *table, size_t count, double *out, size_t n);
void pk_take_i64(const int64_t *idx, const int64_t *table, size_t count, int64_t *out, size_t n);
/// `√x`: NaN for x < 0, x itself for ±0, else the correctly rounded √|x|.
void pk_sqrt_f64(const double *x, double *out, size_t n);
/// `√Double(x)`, the conversion correctly rounded.
void pk_sqrt_i64(const int64_t *x, double *out, size_t n);
/// numpy's `minimum(maximum(x, low), high)` (NaN propagates, the second operand wins a tie).
void pk_clip_f64(const double *x, double low, double high, double *out, size_t n);
void pk_clip_i64(const int64_t *x, int64_t low, int64_t high, int64_t *out, size_t n);

#endif
