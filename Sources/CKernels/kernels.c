#include "CKernels.h"

#include <unistd.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define PK_SFENCE() _mm_sfence()
#else
#define PK_SFENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

// IEEE arithmetic exactly as written: never fuse a multiply and an add.
#pragma clang fp contract(off)

typedef double vd __attribute__((vector_size(64)));
typedef int64_t vi __attribute__((vector_size(64)));
typedef uint64_t vu __attribute__((vector_size(64)));

// Unaligned loads of eight lanes.
#define LDD(p) ({ vd l_; __builtin_memcpy(&l_, (p), 64); l_; })
#define LDI(p) ({ vi l_; __builtin_memcpy(&l_, (p), 64); l_; })
#define LDU(p) ({ vu l_; __builtin_memcpy(&l_, (p), 64); l_; })

// Eight copies of `x` (not `x + (vd){0}`, which turns −0.0 into 0.0).
#define PK_SPLAT(VT, x) ((VT){(x), (x), (x), (x), (x), (x), (x), (x)})

// Int64 → Double correctly rounded, in operations every vector unit has: with
// v = hi·2³² + lo, (2⁸⁴ + (hi + 2³¹)·2³²) − (2⁸⁴ + 2⁶³ + 2⁵²) is hi·2³² − 2⁵² exactly,
// and adding 2⁵² + lo rounds once (KernelLoops.double in Swift).
#define PK_BITS_TO_DOUBLE(u)                                                                     \
    ({ vu u_ = (u);                                                                              \
       vd hi_ = (vd)(0x4530000000000000ull | ((u_ >> 32) ^ 0x80000000ull));                     \
       vd lo_ = (vd)(0x4330000000000000ull | (u_ & 0xFFFFFFFFull));                             \
       (hi_ - (0x1p84 + 0x1p63 + 0x1p52)) + lo_; })

#define PK_TO_DOUBLE(u) PK_BITS_TO_DOUBLE(u)
#define SFX(name) name##_base
#include "loops.h"
#undef SFX

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define SFX(name) name##_avx2
#include "loops.h"
#undef SFX
#pragma clang attribute pop

#undef PK_TO_DOUBLE
// AVX-512DQ converts Int64 lanes to Double directly (`vcvtqq2pd`, correctly rounded).
#define PK_TO_DOUBLE(u) __builtin_convertvector((vi)(u), vd)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq"))), apply_to = function)
#define SFX(name) name##_avx512
#include "loops.h"
#undef SFX
#pragma clang attribute pop
#endif

static int detected_level = -1;
static int forced_level = -1;
static size_t default_stream = 0;
static size_t forced_stream = 0;

static int detect(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return 2;
    if (__builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

int pk_level(void) {
    int f = __atomic_load_n(&forced_level, __ATOMIC_RELAXED);
    int d = __atomic_load_n(&detected_level, __ATOMIC_RELAXED);
    if (d < 0) {
        d = detect();
        __atomic_store_n(&detected_level, d, __ATOMIC_RELAXED);
    }
    return f >= 0 && f < d ? f : d;
}

// glibc's memcpy streams copies above 3/4 of the shared cache; the same rule here,
// capped at 24 MiB because a virtual machine may report the whole package's L3
// (every core complex's) as one cache. Outputs below stay in the cache for the
// task that reads them next.
size_t pk_stream_bytes(void) {
    size_t f = __atomic_load_n(&forced_stream, __ATOMIC_RELAXED);
    if (f) return f;
    size_t s = __atomic_load_n(&default_stream, __ATOMIC_RELAXED);
    if (s == 0) {
        long l3 = -1;
#if defined(_SC_LEVEL3_CACHE_SIZE)
        l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
        s = l3 > 0 ? (size_t)l3 / 4 * 3 : (size_t)24 << 20;
        if (s > ((size_t)24 << 20)) s = (size_t)24 << 20;
        if (s < ((size_t)1 << 20)) s = (size_t)1 << 20;
        __atomic_store_n(&default_stream, s, __ATOMIC_RELAXED);
    }
    return s;
}

void pk_force(int level, size_t stream_bytes) {
    __atomic_store_n(&forced_level, level, __ATOMIC_RELAXED);
    __atomic_store_n(&forced_stream, stream_bytes, __ATOMIC_RELAXED);
}

// The widest instruction set each loop uses. AVX-512 pays where the loop computes
// (`vsqrtpd zmm`, `vcvtqq2pd`, the masked gather of `take`); the loops bound by
// memory (the arithmetic, `clip`) measured no faster with it on an AMD Zen 4
// (a sum over 10⁷ Int64 even slower: 4.2 against 3.7 ms with AVX2), so they stop at AVX2.
#define PK_WIDE 2
#define PK_MEMORY 1

#if defined(__x86_64__)
static int capped(int cap) {
    int l = pk_level();
    return l < cap ? l : cap;
}

#define PK_DISPATCH(cap, name, ...)                              \
    switch (capped(cap)) {                                       \
    case 2: name##_avx512(__VA_ARGS__); break;                   \
    case 1: name##_avx2(__VA_ARGS__); break;                     \
    default: name##_base(__VA_ARGS__); break;                    \
    }
#else
#define PK_DISPATCH(cap, name, ...) name##_base(__VA_ARGS__);
#endif

#define PK_STREAM(n) ((n) * 8 >= pk_stream_bytes())

void pk_binary_f64(int op, const double *a, const double *b, double *out, size_t n) {
    PK_DISPATCH(PK_MEMORY, binary_f64, op, a, b, out, n, PK_STREAM(n))
}
void pk_binary_i64(int op, const int64_t *a, const int64_t *b, int64_t *out, size_t n) {
    PK_DISPATCH(PK_MEMORY, binary_i64, op, a, b, out, n, PK_STREAM(n))
}
void pk_scalar_f64(int op, const double *a, double b, double *out, size_t n) {
    PK_DISPATCH(PK_MEMORY, scalar_f64, op, a, b, out, n, PK_STREAM(n))
}
void pk_scalar_i64(int op, const int64_t *a, int64_t b, int64_t *out, size_t n) {
    PK_DISPATCH(PK_MEMORY, scalar_i64, op, a, b, out, n, PK_STREAM(n))
}
void pk_take_f64(const int64_t *idx, const double *table, size_t count, double *out, size_t n) {
    PK_DISPATCH(PK_WIDE, take_f64, idx, table, count, out, n, PK_STREAM(n))
}
void pk_take_i64(const int64_t *idx, const int64_t *table, size_t count, int64_t *out, size_t n) {
    PK_DISPATCH(PK_WIDE, take_i64, idx, table, count, out, n, PK_STREAM(n))
}
void pk_sqrt_f64(const double *x, double *out, size_t n) {
    PK_DISPATCH(PK_WIDE, sqrt_f64, x, out, n, PK_STREAM(n))
}
void pk_sqrt_i64(const int64_t *x, double *out, size_t n) {
    PK_DISPATCH(PK_WIDE, sqrt_i64, x, out, n, PK_STREAM(n))
}
void pk_clip_f64(const double *x, double low, double high, double *out, size_t n) {
    PK_DISPATCH(PK_MEMORY, clip_f64, x, low, high, out, n, PK_STREAM(n))
}
void pk_clip_i64(const int64_t *x, int64_t low, int64_t high, int64_t *out, size_t n) {
    PK_DISPATCH(PK_MEMORY, clip_i64, x, low, high, out, n, PK_STREAM(n))
}
