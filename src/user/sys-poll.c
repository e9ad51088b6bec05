/*
 * sys-poll: being written (issue 3).
 */
#include "user-internal.h"
