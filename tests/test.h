/* test.h - the tolerance and reporting helpers every test program shares.
 * Depends on: libc, libm. Each failed check prints file:line, the expression, expected and
 * got; test_summary() prints the closing line "N passed, N failed" and returns the exit code. */
#ifndef CONVSCOPE_TEST_H
#define CONVSCOPE_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_passed_count = 0;
static int test_failed_count = 0;

static inline void test_record(int ok, const char *file, int line, const char *expr,
                               const char *detail)
{
    if (ok) {
        test_passed_count++;
        return;
    }
    test_failed_count++;
    fprintf(stderr, "%s:%d: FAILED: %s%s%s\n", file, line, expr, detail[0] ? " -- " : "", detail);
}

/* A plain boolean check. */
#define CHECK(expr) test_record(!!(expr), __FILE__, __LINE__, #expr, "")

/* Integers equal. */
#define CHECK_INT_EQ(expected, got)                                                                \
    do {                                                                                           \
        long long e_ = (long long)(expected), g_ = (long long)(got);                               \
        char d_[128];                                                                              \
        snprintf(d_, sizeof d_, "expected %lld, got %lld", e_, g_);                                \
        test_record(e_ == g_, __FILE__, __LINE__, #got " == " #expected, d_);                      \
    } while (0)

/* |expected - got| <= tol (NaN never passes). */
#define CHECK_NEAR(expected, got, tol)                                                             \
    do {                                                                                           \
        double e_ = (double)(expected), g_ = (double)(got), t_ = (double)(tol);                    \
        char d_[160];                                                                              \
        snprintf(d_, sizeof d_, "expected %.9g, got %.9g (tol %.3g)", e_, g_, t_);                 \
        test_record(fabs(e_ - g_) <= t_, __FILE__, __LINE__, #got " ~ " #expected, d_);            \
    } while (0)

/* Strings equal (NULL counts as different from everything). */
#define CHECK_STR_EQ(expected, got)                                                                \
    do {                                                                                           \
        const char *e_ = (expected), *g_ = (got);                                                  \
        char d_[512];                                                                              \
        snprintf(d_, sizeof d_, "expected \"%.240s\", got \"%.240s\"", e_ ? e_ : "(null)",         \
                 g_ ? g_ : "(null)");                                                              \
        test_record(e_ &&g_ &&strcmp(e_, g_) == 0, __FILE__, __LINE__, #got " == " #expected, d_); \
    } while (0)

/* Substring present. */
#define CHECK_CONTAINS(haystack, needle)                                                           \
    do {                                                                                           \
        const char *h_ = (haystack), *n_ = (needle);                                               \
        char d_[512];                                                                              \
        snprintf(d_, sizeof d_, "\"%.240s\" does not contain \"%.240s\"", h_ ? h_ : "(null)", n_); \
        test_record(h_ &&strstr(h_, n_) != NULL, __FILE__, __LINE__,                               \
                    #haystack " contains " #needle, d_);                                           \
    } while (0)

/* Two float arrays of n elements agree within atol + rtol*|expected| element-wise;
 * on failure reports the worst index and the max abs difference. */
static inline int test_tensor_near(const float *expected, const float *got, long n, double atol,
                                   double rtol, const char *file, int line, const char *expr)
{
    double worst = 0.0, maxdiff = 0.0;
    long worst_i = -1;
    for (long i = 0; i < n; i++) {
        double d = fabs((double)expected[i] - (double)got[i]);
        double allowed = atol + rtol * fabs((double)expected[i]);
        if (isnan(got[i]) != isnan(expected[i]))
            d = INFINITY;
        if (d > maxdiff)
            maxdiff = d;
        if (d - allowed > worst) {
            worst = d - allowed;
            worst_i = i;
        }
    }
    char d_[256];
    if (worst_i >= 0)
        snprintf(d_, sizeof d_, "max abs diff %.3g; worst [%ld] expected %.9g, got %.9g", maxdiff,
                 worst_i, (double)expected[worst_i], (double)got[worst_i]);
    else
        snprintf(d_, sizeof d_, "max abs diff %.3g", maxdiff);
    test_record(worst_i < 0, file, line, expr, d_);
    return worst_i < 0;
}
#define CHECK_TENSOR_NEAR(expected, got, n, atol, rtol)                                            \
    test_tensor_near((expected), (got), (n), (atol), (rtol), __FILE__, __LINE__,                   \
                     #got " ~ " #expected)

/* Prints the closing line and returns the process exit status. */
static inline int test_summary(void)
{
    printf("%d passed, %d failed\n", test_passed_count, test_failed_count);
    fflush(stdout);
    return test_failed_count ? 1 : 0;
}

#endif
