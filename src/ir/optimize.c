/*
 * ir_optimize: the standard pass pipeline every engine runs on a verified
 * block. Folding goes first because it turns computations into moves and
 * leaves their inputs unused; combining then sees propagated operands and
 * turns shift pairs into rotates, leaving the shifts for DCE, which removes
 * what nobody reads.
 */
#include "polyvm/ir.h"

void ir_optimize(IrBlock *b)
{
    ir_opt_fold(b);
    ir_opt_combine(b);
    ir_opt_dce(b);
}
