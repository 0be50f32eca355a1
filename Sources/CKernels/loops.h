// One instruction set's loops, included by kernels.c once per set with
// `SFX(name)` naming the functions and a `#pragma clang attribute` giving the
// target. No vector is passed between functions (their ABI differs per target):
// the helpers are macros.

// The loop shape every map kernel shares: with `stream`, a scalar prologue to the
// output's first 64-byte boundary, then whole vectors written with non-temporal
// stores; otherwise whole vectors written through the cache; then the scalar tail.
// `SCALAR` writes out[i]; `VECTOR` is the vector for out[i..<i+8].
#define PK_LOOP(T, VT, SCALAR, VECTOR)                                              \
    size_t i = 0;                                                                   \
    if (stream) {                                                                   \
        for (; i < n && ((uintptr_t)(out + i) & 63); i++) { SCALAR; }              \
        for (; i + 8 <= n; i += 8) {                                                \
            VT v_ = (VECTOR);                                                       \
            __builtin_nontemporal_store(v_, (VT *)(void *)(out + i));               \
        }                                                                           \
        PK_SFENCE();                                                                \
    }                                                                               \
    for (; i + 8 <= n; i += 8) {                                                    \
        VT v_ = (VECTOR);                                                           \
        __builtin_memcpy(out + i, &v_, 64);                                         \
    }                                                                               \
    for (; i < n; i++) { SCALAR; }

static void SFX(binary_f64)(int op, const double *a, const double *b, double *out, size_t n, int stream) {
    switch (op) {
    case PK_ADD: { PK_LOOP(double, vd, out[i] = a[i] + b[i], LDD(a + i) + LDD(b + i)) } break;
    case PK_SUB: { PK_LOOP(double, vd, out[i] = a[i] - b[i], LDD(a + i) - LDD(b + i)) } break;
    case PK_MUL: { PK_LOOP(double, vd, out[i] = a[i] * b[i], LDD(a + i) * LDD(b + i)) } break;
    default: { PK_LOOP(double, vd, out[i] = a[i] / b[i], LDD(a + i) / LDD(b + i)) } break;
    }
}

static void SFX(scalar_f64)(int op, const double *a, double b, double *out, size_t n, int stream) {
    switch (op) {
    case PK_ADD: { PK_LOOP(double, vd, out[i] = a[i] + b, LDD(a + i) + b) } break;
    case PK_SUB: { PK_LOOP(double, vd, out[i] = a[i] - b, LDD(a + i) - b) } break;
    case PK_MUL: { PK_LOOP(double, vd, out[i] = a[i] * b, LDD(a + i) * b) } break;
    default: { PK_LOOP(double, vd, out[i] = a[i] / b, LDD(a + i) / b) } break;
    }
}

// Int64 arithmetic in uint64_t, which wraps modulo 2⁶⁴ by definition.
static void SFX(binary_i64)(int op, const int64_t *a, const int64_t *b, int64_t *out, size_t n, int stream) {
    switch (op) {
    case PK_ADD: { PK_LOOP(int64_t, vu, out[i] = (int64_t)((uint64_t)a[i] + (uint64_t)b[i]), LDU(a + i) + LDU(b + i)) } break;
    case PK_SUB: { PK_LOOP(int64_t, vu, out[i] = (int64_t)((uint64_t)a[i] - (uint64_t)b[i]), LDU(a + i) - LDU(b + i)) } break;
    default: { PK_LOOP(int64_t, vu, out[i] = (int64_t)((uint64_t)a[i] * (uint64_t)b[i]), LDU(a + i) * LDU(b + i)) } break;
    }
}

static void SFX(scalar_i64)(int op, const int64_t *a, int64_t b, int64_t *out, size_t n, int stream) {
    const uint64_t u = (uint64_t)b;
    switch (op) {
    case PK_ADD: { PK_LOOP(int64_t, vu, out[i] = (int64_t)((uint64_t)a[i] + u), LDU(a + i) + u) } break;
    case PK_SUB: { PK_LOOP(int64_t, vu, out[i] = (int64_t)((uint64_t)a[i] - u), LDU(a + i) - u) } break;
    default: { PK_LOOP(int64_t, vu, out[i] = (int64_t)((uint64_t)a[i] * u), LDU(a + i) * u) } break;
    }
}

// A valid index loads its element, an invalid one element 0, then a select.
#define PK_TAKE1(i, T, INVALID)                                                      \
    ({ uint64_t k_ = (uint64_t)idx[i]; int ok_ = k_ < count; T r_ = table[ok_ ? k_ : 0]; ok_ ? r_ : (INVALID); })

static void SFX(take_f64)(const int64_t *idx, const double *table, size_t count, double *out, size_t n, int stream) {
    PK_LOOP(double, vd, out[i] = PK_TAKE1(i, double, __builtin_nan("")),
            ((vd){PK_TAKE1(i, double, __builtin_nan("")), PK_TAKE1(i + 1, double, __builtin_nan("")),
                  PK_TAKE1(i + 2, double, __builtin_nan("")), PK_TAKE1(i + 3, double, __builtin_nan("")),
                  PK_TAKE1(i + 4, double, __builtin_nan("")), PK_TAKE1(i + 5, double, __builtin_nan("")),
                  PK_TAKE1(i + 6, double, __builtin_nan("")), PK_TAKE1(i + 7, double, __builtin_nan(""))}))
}

static void SFX(take_i64)(const int64_t *idx, const int64_t *table, size_t count, int64_t *out, size_t n, int stream) {
    PK_LOOP(int64_t, vi, out[i] = PK_TAKE1(i, int64_t, 0),
            ((vi){PK_TAKE1(i, int64_t, 0), PK_TAKE1(i + 1, int64_t, 0), PK_TAKE1(i + 2, int64_t, 0),
                  PK_TAKE1(i + 3, int64_t, 0), PK_TAKE1(i + 4, int64_t, 0), PK_TAKE1(i + 5, int64_t, 0),
                  PK_TAKE1(i + 6, int64_t, 0), PK_TAKE1(i + 7, int64_t, 0)}))
}

// √|x|, then NaN where x < 0 and x itself where x = ±0: IEEE `sqrt`, correctly
// rounded in every width, with no libm call.
#define PK_SQRT1(x) ({ double x_ = (x); x_ < 0 ? __builtin_nan("") : (x_ == 0 ? x_ : __builtin_elementwise_sqrt(__builtin_fabs(x_))); })
#define PK_SQRTV(v)                                                                                        \
    ({ vd x_ = (v); vu b_ = (vu)x_;                                                                       \
       vu r_ = (vu)__builtin_elementwise_sqrt((vd)(b_ & 0x7FFFFFFFFFFFFFFFull));                          \
       vu z_ = (vu)(x_ == 0), m_ = (vu)(x_ < 0);                                                         \
       r_ = (z_ & b_) | (~z_ & r_);                                                                       \
       (vd)((m_ & 0x7FF8000000000000ull) | (~m_ & r_)); })

static void SFX(sqrt_f64)(const double *x, double *out, size_t n, int stream) {
    PK_LOOP(double, vd, out[i] = PK_SQRT1(x[i]), PK_SQRTV(LDD(x + i)))
}

static void SFX(sqrt_i64)(const int64_t *x, double *out, size_t n, int stream) {
    PK_LOOP(double, vd, out[i] = PK_SQRT1((double)x[i]), PK_SQRTV(PK_TO_DOUBLE(LDU(x + i))))
}

// numpy's maximum/minimum: `a` where `a > b` (`a < b`) or `a` is NaN, else `b`.
#define PK_NPMAX1(a, b) ({ double xa_ = (a), xb_ = (b); (xa_ > xb_ || xa_ != xa_) ? xa_ : xb_; })
#define PK_NPMIN1(a, b) ({ double na_ = (a), nb_ = (b); (na_ < nb_ || na_ != na_) ? na_ : nb_; })
#define PK_SELECT(m, a, b) ({ vu sm_ = (vu)(m); (vd)((sm_ & (vu)(a)) | (~sm_ & (vu)(b))); })
#define PK_CLIPV(v)                                                                                        \
    ({ vd cx_ = (v); vd clo_ = PK_SPLAT(vd, low), chi_ = PK_SPLAT(vd, high);                                   \
       vd cm_ = PK_SELECT((cx_ > clo_) | (cx_ != cx_), cx_, clo_);                                         \
       PK_SELECT((cm_ < chi_) | (cm_ != cm_), cm_, chi_); })

static void SFX(clip_f64)(const double *x, double low, double high, double *out, size_t n, int stream) {
    PK_LOOP(double, vd, out[i] = PK_NPMIN1(PK_NPMAX1(x[i], low), high), PK_CLIPV(LDD(x + i)))
}

#define PK_CLIPI1(v) ({ int64_t v_ = (v); int64_t m_ = v_ > low ? v_ : low; m_ < high ? m_ : high; })
#define PK_CLIPIV(v)                                                                                       \
    ({ vi x_ = (v); vi lo_ = PK_SPLAT(vi, low), hi_ = PK_SPLAT(vi, high);                                       \
       vi g_ = (vi)(x_ > lo_); vi m_ = (g_ & x_) | (~g_ & lo_);                                           \
       vi l_ = (vi)(m_ < hi_); (l_ & m_) | (~l_ & hi_); })

static void SFX(clip_i64)(const int64_t *x, int64_t low, int64_t high, int64_t *out, size_t n, int stream) {
    PK_LOOP(int64_t, vi, out[i] = PK_CLIPI1(x[i]), PK_CLIPIV(LDI(x + i)))
}

#undef PK_LOOP
#undef PK_TAKE1
#undef PK_SQRT1
#undef PK_SQRTV
#undef PK_NPMAX1
#undef PK_NPMIN1
#undef PK_SELECT
#undef PK_CLIPV
#undef PK_CLIPI1
#undef PK_CLIPIV
