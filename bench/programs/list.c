/*
 * Pointer-chasing benchmark: a singly linked list of N nodes laid out in a
 * shuffled order (seeded), walked ROUNDS times; each walk depends on loads
 * from the previous node, so it measures load latency and the cost of
 * guest memory accesses. Built and run like crc.c (bench/run.sh).
 * Usage: list NODES ROUNDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct node {
    struct node *next;
    uint64_t value;
};

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 100000;
    int rounds = argc > 2 ? atoi(argv[2]) : 10;
    struct node *nodes = malloc(n * sizeof *nodes);
    size_t *order = malloc(n * sizeof *order);
    if (!nodes || !order)
        return 1;
    uint64_t seed = 12345;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n - 1; i > 0; i--) {   /* Fisher-Yates with an LCG */
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t j = (size_t)(seed >> 33) % (i + 1);
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        nodes[order[i]].next = &nodes[order[(i + 1) % n]];
        nodes[order[i]].value = i * 2654435761u;
    }
    uint64_t sum = 0;
    struct node *p = &nodes[order[0]];
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < n; i++) {
            sum += p->value ^ (sum >> 3);
            p = p->next;
        }
    }
    printf("list sum %016llx\n", (unsigned long long)sum);
    free(order);
    free(nodes);
    return 0;
}
