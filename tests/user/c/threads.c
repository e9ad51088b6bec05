/*
 * pthreads under user mode: threads are created, joined and their results
 * returned; a mutex, a condition variable (bounded producer/consumer
 * queue), C11 atomics (fetch_add, compare-exchange, an atomic_flag spin
 * lock, release/acquire message passing), thread-local storage (each thread
 * has its own copy, initialised from the TLS image), pthread_once, thread
 * keys with destructors and a barrier. Every result is known in advance,
 * so the program checks itself and prints PASS; run statically and (one
 * build) dynamically against the sysroot's libc.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ucheck.h"

enum { NTHREADS = 6, ROUNDS = 20000, QUEUE_ITEMS = 2000, QUEUE_SLOTS = 4 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_counter;
static atomic_long atomic_counter;
static atomic_long atomic_max;
static atomic_flag spin = ATOMIC_FLAG_INIT;
static long spin_counter;

static _Thread_local long tls_counter = 1000;   /* non-zero: lives in .tdata */
static _Thread_local char tls_zeroed[64];       /* .tbss */

struct worker {
    int index;
    pid_t tid;
    long tls_final;
    uintptr_t tls_addr;
    int tbss_clean;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    w->tid = (pid_t)syscall(SYS_gettid);
    w->tbss_clean = 1;
    for (size_t i = 0; i < sizeof tls_zeroed; i++)
        w->tbss_clean &= tls_zeroed[i] == 0;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        locked_counter++;
        pthread_mutex_unlock(&lock);
        atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
        tls_counter++;
        tls_zeroed[i % sizeof tls_zeroed] = 1;
        if (i % 16 == 0) {
            while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire))
                ;
            spin_counter++;
            atomic_flag_clear_explicit(&spin, memory_order_release);
        }
        long mine = (long)w->index * ROUNDS + i;
        long seen = atomic_load(&atomic_max);
        while (seen < mine && !atomic_compare_exchange_weak(&atomic_max, &seen, mine))
            ;
    }
    w->tls_final = tls_counter;
    w->tls_addr = (uintptr_t)&tls_counter;
    return (void *)(intptr_t)(w->index * 3 + 1);
}

static void test_workers(void)
{
    pthread_t th[NTHREADS];
    struct worker w[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (struct worker){.index = i};
        CHECK(pthread_create(&th[i], NULL, worker_main, &w[i]) == 0, "create %d", i);
    }
    for (int i = 0; i < NTHREADS; i++) {
        void *ret = NULL;
        CHECK(pthread_join(th[i], &ret) == 0, "join %d", i);
        CHECK((intptr_t)ret == i * 3 + 1, "thread %d returned %ld", i, (long)(intptr_t)ret);
        CHECK(w[i].tls_final == 1000 + ROUNDS, "thread %d tls counter %ld", i, w[i].tls_final);
        CHECK(w[i].tbss_clean, "thread %d .tbss not zero at start", i);
        CHECK(w[i].tid != getpid() && w[i].tid > 0, "thread %d tid %d", i, (int)w[i].tid);
        for (int j = 0; j < i; j++) {
            CHECK(w[i].tls_addr != w[j].tls_addr, "threads %d and %d share TLS", i, j);
            CHECK(w[i].tid != w[j].tid, "threads %d and %d share tid", i, j);
        }
    }
    CHECK(locked_counter == (long)NTHREADS * ROUNDS, "mutex counter %ld", locked_counter);
    CHECK(atomic_load(&atomic_counter) == (long)NTHREADS * ROUNDS, "atomic counter %ld",
          atomic_load(&atomic_counter));
    CHECK(spin_counter == (long)NTHREADS * (ROUNDS / 16), "spin counter %ld", spin_counter);
    CHECK(atomic_load(&atomic_max) == (long)NTHREADS * ROUNDS - 1, "atomic max %ld", atomic_load(&atomic_max));
    CHECK(tls_counter == 1000, "main thread tls counter changed to %ld", tls_counter);
}

/* Bounded queue: the producer waits while full, the consumer while empty. */
static struct {
    pthread_mutex_t m;
    pthread_cond_t not_full, not_empty;
    int items[QUEUE_SLOTS];
    int head, count;
    int waits;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0, 0};

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= QUEUE_ITEMS; i++) {
        pthread_mutex_lock(&q.m);
        while (q.count == QUEUE_SLOTS) {
            q.waits++;
            pthread_cond_wait(&q.not_full, &q.m);
        }
        q.items[(q.head + q.count) % QUEUE_SLOTS] = i;
        q.count++;
        pthread_cond_signal(&q.not_empty);
        pthread_mutex_unlock(&q.m);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long *sum = arg;
    int expect = 1;
    for (int n = 0; n < QUEUE_ITEMS; n++) {
        pthread_mutex_lock(&q.m);
        while (q.count == 0)
            pthread_cond_wait(&q.not_empty, &q.m);
        int v = q.items[q.head];
        q.head = (q.head + 1) % QUEUE_SLOTS;
        q.count--;
        pthread_cond_signal(&q.not_full);
        pthread_mutex_unlock(&q.m);
        if (v != expect)
            *sum = -1000000000;
        expect++;
        *sum += v;
    }
    return NULL;
}

static void test_condvar(void)
{
    pthread_t p, c;
    long sum = 0;
    CHECK(pthread_create(&c, NULL, consumer, &sum) == 0, "create consumer");
    CHECK(pthread_create(&p, NULL, producer, NULL) == 0, "create producer");
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    CHECK(sum == (long)QUEUE_ITEMS * (QUEUE_ITEMS + 1) / 2, "queue sum %ld (items out of order if negative)", sum);
    CHECK(q.count == 0, "queue left with %d items", q.count);
}

/* Message passing: the payload written before a release store is seen by
 * the thread whose acquire load sees the flag. */
static int payload[256];
static atomic_int ready;

static void *publisher(void *arg)
{
    (void)arg;
    for (int i = 0; i < 256; i++)
        payload[i] = i * 7 + 3;
    atomic_store_explicit(&ready, 1, memory_order_release);
    return NULL;
}

static void test_message_passing(void)
{
    pthread_t t;
    CHECK(pthread_create(&t, NULL, publisher, NULL) == 0, "create publisher");
    while (!atomic_load_explicit(&ready, memory_order_acquire))
        sched_yield();
    int bad = 0;
    for (int i = 0; i < 256; i++)
        bad += payload[i] != i * 7 + 3;
    CHECK(bad == 0, "%d payload words not visible after acquire", bad);
    pthread_join(t, NULL);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;
static pthread_key_t key;
static atomic_int destructor_runs;
static atomic_long destructor_sum;
static pthread_barrier_t barrier;
static atomic_int before_barrier, after_barrier_min = 1000;

static void once_init(void) { atomic_fetch_add(&once_runs, 1); }

static void key_destructor(void *v)
{
    atomic_fetch_add(&destructor_runs, 1);
    atomic_fetch_add(&destructor_sum, (long)(intptr_t)v);
}

static void *keyed(void *arg)
{
    pthread_once(&once, once_init);
    pthread_setspecific(key, arg);
    atomic_fetch_add(&before_barrier, 1);
    pthread_barrier_wait(&barrier);
    int seen = atomic_load(&before_barrier);
    int cur = atomic_load(&after_barrier_min);
    while (seen < cur && !atomic_compare_exchange_weak(&after_barrier_min, &cur, seen))
        ;
    if (pthread_getspecific(key) != arg)
        return (void *)1;
    if ((intptr_t)arg == 2)
        pthread_exit((void *)0);   /* destructors run on pthread_exit too */
    return (void *)0;
}

static void test_once_keys_barrier(void)
{
    pthread_t t[4];
    CHECK(pthread_key_create(&key, key_destructor) == 0, "key create");
    CHECK(pthread_barrier_init(&barrier, NULL, 4) == 0, "barrier init");
    for (intptr_t i = 0; i < 4; i++)
        CHECK(pthread_create(&t[i], NULL, keyed, (void *)(i + 1)) == 0, "create keyed %ld", (long)i);
    for (int i = 0; i < 4; i++) {
        void *ret = (void *)9;
        pthread_join(t[i], &ret);
        CHECK(ret == NULL, "keyed thread %d saw a foreign key value", i);
    }
    CHECK(atomic_load(&once_runs) == 1, "pthread_once ran %d times", atomic_load(&once_runs));
    CHECK(atomic_load(&destructor_runs) == 4, "key destructor ran %d times", atomic_load(&destructor_runs));
    CHECK(atomic_load(&destructor_sum) == 1 + 2 + 3 + 4, "destructor sum %ld", atomic_load(&destructor_sum));
    CHECK(atomic_load(&after_barrier_min) == 4, "a thread passed the barrier early (%d)",
          atomic_load(&after_barrier_min));
    pthread_barrier_destroy(&barrier);
}

/* A detached thread (with its own stack size) cannot be joined: it reports
 * through a condition variable, waited on with a deadline so a lost wake-up
 * fails the check instead of hanging the test. */
static pthread_mutex_t det_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t det_c = PTHREAD_COND_INITIALIZER;
static int det_done;

static void *detached_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&det_m);
    det_done = 1;
    pthread_cond_broadcast(&det_c);
    pthread_mutex_unlock(&det_m);
    return NULL;
}

static void test_detached(void)
{
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    CHECK(pthread_create(&t, &attr, detached_main, NULL) == 0, "create detached");
    pthread_attr_destroy(&attr);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    int rc = 0;
    pthread_mutex_lock(&det_m);
    while (!det_done && rc == 0)
        rc = pthread_cond_timedwait(&det_c, &det_m, &deadline);
    pthread_mutex_unlock(&det_m);
    CHECK(det_done, "detached thread did not run (timedwait %d)", rc);
}

int main(void)
{
    test_workers();
    test_condvar();
    test_message_passing();
    test_once_keys_barrier();
    test_detached();
    return uc_finish("threads");
}
