/*
 * ir_optimize: the standard pass pipeline every engine runs on a verified
 * block. Folding goes first because it turns computations into moves and
 * leaves their inputs unused; DCE then removes what nobody reads.
 */
#include "polyvm/ir.h"

void ir_optimize(IrBlock *b)
{
    ir_opt_fold(b);
    ir_opt_dce(b);
}
